using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using ChatFlows.Core.Running;

namespace ChatFlows.Bot.Slack;

/// <summary>
/// Slack user groups as approvers (README §Approvals): <c>slack-group:S0123ABCD</c> is every member of the user group,
/// read with <c>usergroups.users.list</c> (scope <c>usergroups:read</c>) and kept for <see cref="CacheFor"/>, so a
/// card's clicks do not each ask Slack.
/// </summary>
public sealed partial class SlackApproverGroups(SlackApi api, TimeProvider time) : IApproverGroups
{
    /// <summary>The prefix of a Slack user group approver entry.</summary>
    public const string Prefix = "slack-group:";

    /// <summary>How long a group's members are reused before Slack is asked again.</summary>
    public static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, (DateTimeOffset At, IReadOnlyList<string> Members)> _cache = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public bool Owns(string entry) => entry.StartsWith(Prefix, StringComparison.Ordinal);

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> MembersAsync(string entry, CancellationToken ct = default)
    {
        var group = entry[Prefix.Length..];
        if (!GroupId().IsMatch(group)) throw new InvalidOperationException($"'{entry}' is not a Slack user group: write slack-group:S… with the group's id (S followed by letters and digits).");
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(group, out var cached) && now - cached.At < CacheFor) return cached.Members;
        IReadOnlyList<string> members;
        try
        {
            members = (await api.GetUserGroupMembersAsync(group, ct)).Select(id => $"{SlackAddress.Platform}:{id}").ToArray();
        }
        catch (SlackApiException e)
        {
            throw new InvalidOperationException(e.Error switch
            {
                "missing_scope" => $"The members of Slack user group {group} cannot be read: the app lacks the usergroups:read scope. Add it in the app's OAuth settings (manifests/slack) and reinstall the app.",
                "no_such_subteam" or "subteam_not_found" => $"Slack has no user group {group}; check the id in the approval's approvers (Slack shows it in the group's link).",
                _ => $"The members of Slack user group {group} cannot be read: {e.Message}",
            }, e);
        }
        _cache[group] = (now, members);
        return members;
    }

    [GeneratedRegex("^S[A-Z0-9]{2,}\\z")]
    private static partial Regex GroupId();
}
