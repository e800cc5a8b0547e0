namespace ChatFlows.Core.Secrets;

/// <summary>Named secrets, stored encrypted (docs/architecture.md, README §Security). Values go in and are used by runs; they never come back out through the API.</summary>
public interface ISecretStore
{
    /// <summary>Names and dates of the stored secrets, by name.</summary>
    Task<IReadOnlyList<SecretInfo>> ListAsync(CancellationToken ct = default);

    /// <summary>Every stored secret, decrypted, for the runs of this instance.</summary>
    Task<IReadOnlyDictionary<string, string>> LoadAsync(CancellationToken ct = default);

    /// <summary>Stores or replaces a secret; true when it is new.</summary>
    Task<bool> SetAsync(string name, string value, CancellationToken ct = default);

    /// <summary>Deletes a secret; false when there was none.</summary>
    Task<bool> DeleteAsync(string name, CancellationToken ct = default);
}
