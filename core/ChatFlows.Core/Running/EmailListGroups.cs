namespace ChatFlows.Core.Running;

/// <summary>
/// <c>email-list:&lt;name&gt;</c> approver entries: the addresses configured at <c>ChatFlows:Approvals:EmailLists:&lt;name&gt;</c>
/// (README §Approvals), each as an <c>email:</c> approver.
/// </summary>
public sealed class EmailListGroups(ApprovalOptions options) : IApproverGroups
{
    /// <summary>The prefix of an e-mail list entry.</summary>
    public const string Prefix = "email-list:";

    /// <inheritdoc />
    public bool Owns(string entry) => entry.StartsWith(Prefix, StringComparison.Ordinal);

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> MembersAsync(string entry, CancellationToken ct = default)
    {
        var name = entry[Prefix.Length..];
        if (!options.EmailLists.TryGetValue(name, out var addresses))
        {
            throw new InvalidOperationException($"The e-mail list '{name}' is not configured; add its addresses at ChatFlows:Approvals:EmailLists:{name}.");
        }
        return Task.FromResult<IReadOnlyList<string>>(addresses.Select(a => a.Trim()).Where(a => a.Length > 0).Select(a => $"email:{a}").Distinct(StringComparer.OrdinalIgnoreCase).ToList());
    }
}
