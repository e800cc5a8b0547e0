using System.Collections.Concurrent;
using ChatFlows.Core.Running;

namespace ChatFlows.Bot.Teams;

/// <summary>
/// A Teams channel's members as approvers (README §Approvals): <c>teams-channel:&lt;conversation id&gt;</c> is every member
/// of the channel's team, read from the Bot Connector (<c>pagedmembers</c>, page by page) at the <c>serviceUrl</c> stored
/// when the bot was added there, as <c>teams:&lt;Entra object id&gt;</c>; kept for <see cref="CacheFor"/>.
/// </summary>
public sealed class TeamsApproverGroups(TeamsConversations conversations, TeamsConnector connector, TimeProvider time) : IApproverGroups
{
    /// <summary>The prefix of a Teams channel approver entry.</summary>
    public const string Prefix = "teams-channel:";

    /// <summary>How long a channel's members are reused before the Connector is asked again.</summary>
    public static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, (DateTimeOffset At, IReadOnlyList<string> Members)> _cache = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public bool Owns(string entry) => entry.StartsWith(Prefix, StringComparison.Ordinal);

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> MembersAsync(string entry, CancellationToken ct = default)
    {
        var conversationId = TeamsAddress.FromConversationId(entry[Prefix.Length..]).ConversationId;
        if (conversationId.Length == 0) throw new InvalidOperationException($"'{entry}' names no channel: write teams-channel:<conversation id>, e.g. teams-channel:19:abc@thread.tacv2.");
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(conversationId, out var cached) && now - cached.At < CacheFor) return cached.Members;
        var reference = await conversations.FindAsync(conversationId, ct);
        if (reference is null || reference.RetiredAt is not null)
        {
            throw new InvalidOperationException(
                $"The members of Teams channel {conversationId} cannot be read: the bot is not in its team. Add the ChatFlows app to the team, then decide again.");
        }
        IReadOnlyList<TeamsAccount> accounts;
        try
        {
            accounts = await connector.GetPagedMembersAsync(reference.ServiceUrl, conversationId, ct);
        }
        catch (TeamsConnectorException e)
        {
            throw new InvalidOperationException($"The members of Teams channel {conversationId} cannot be read: {e.Message}", e);
        }
        var members = accounts.Where(a => a.AadObjectId is { Length: > 0 }).Select(a => $"{TeamsAddress.Platform}:{a.AadObjectId}").Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        _cache[conversationId] = (now, members);
        return members;
    }
}
