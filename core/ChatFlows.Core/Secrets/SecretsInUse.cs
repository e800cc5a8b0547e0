using System.Text.Json;

namespace ChatFlows.Core.Secrets;

/// <summary>
/// The secrets and credentials one run (or one tested node) has read, so that their values are redacted from all it
/// records (README §Secrets). Safe for concurrent branches reading secrets while others redact.
/// </summary>
public sealed class SecretsInUse
{
    private readonly List<KeyValuePair<string, string>> _used = [];

    /// <summary>Where <c>{{ secrets.NAME }}</c> is read from; null when no secret can be read.</summary>
    public SecretVault? Vault { get; set; }

    /// <summary>The workspace whose secrets are read: the run's workflow's (README §Workspaces and roles).</summary>
    public string Workspace { get; set; } = Workspaces.WorkspaceIds.Default;

    /// <summary>The value of the secret <paramref name="name"/>, remembered for redaction; false when it is not set.</summary>
    public bool TryGet(string name, out string value)
    {
        if (Vault is null || !Vault.TryGet(Workspace, name, out value))
        {
            value = "";
            return false;
        }
        Add(name, value);
        return true;
    }

    /// <summary>Remembers a credential that is not a named secret (a connection's password), redacted as <c>[secret LABEL]</c>.</summary>
    public void Add(string label, string value)
    {
        if (value.Length == 0) return;
        var used = new KeyValuePair<string, string>(label, value);
        lock (_used)
        {
            if (!_used.Contains(used)) _used.Add(used);
        }
    }

    /// <summary>The credentials read so far; null when none.</summary>
    public KeyValuePair<string, string>[]? Used()
    {
        lock (_used) return _used.Count == 0 ? null : _used.ToArray();
    }

    /// <summary>The text with the values read so far replaced by <c>[secret NAME]</c>.</summary>
    public string Redact(string text) => Used() is { } used ? SecretRedactor.Redact(text, used) : text;

    /// <summary>The value with the values read so far replaced.</summary>
    public JsonElement? Redact(JsonElement? value) => Used() is { } used && value is { } element ? SecretRedactor.Redact(element, used) : value;
}
