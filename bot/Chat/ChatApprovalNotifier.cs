using System.Globalization;
using System.Text.Json;
using ChatFlows.Core.Messaging;
using ChatFlows.Core.Running;
using ChatFlows.Core.Storage;

namespace ChatFlows.Bot.Chat;

/// <summary>
/// Tells people about a waiting approval in chat (README §Approvals), routed by the run's thread and by each
/// recipient's platform: a reminder or an escalation is said in the run's thread, mentioning who is still needed; each
/// recipient gets the approval card in their direct messages the first time (so Approve and Reject work there), and a
/// short text after that; an escalation's <c>notify</c> channel gets the text and the card; a delegate gets the card
/// and the thread a note. A person who cannot be reached is logged and the others are still told.
/// </summary>
public sealed partial class ChatApprovalNotifier(
    IRunStore runs, ApprovalViews views, ApprovalCardCopies copies, ChatChannels channels, ChatCardThreads threads,
    IEnumerable<IChatDirectMessages> directMessages, IEnumerable<IApproverGroups> groups, ILogger<ChatApprovalNotifier> logger) : IApprovalNotifier
{
    private readonly Dictionary<string, IChatDirectMessages> _direct = directMessages.ToDictionary(d => d.Platform, StringComparer.Ordinal);

    /// <inheritdoc />
    public async Task NotifyAsync(ApprovalNotice notice, CancellationToken ct = default)
    {
        var (runId, nodeId) = (notice.State.RunId, notice.State.NodeId);
        var run = await runs.GetAsync(runId, ct);
        if (run is null) return;
        var view = await views.ForAsync(run, await views.WorkflowNameAsync(run, ct), nodeId, ct) ?? new ApprovalView
        {
            RunId = runId,
            NodeId = nodeId,
            WorkflowName = run.WorkflowId,
            Request = notice.State.Request,
            State = notice.State,
        };

        var thread = await ThreadAsync(run, ct);
        var platform = thread is null ? "" : ChatChannels.PlatformOf(thread);
        if (thread is not null && ThreadText(notice, platform) is { } said)
        {
            await TryAsync(() => channels.PostAsync(Message(run, nodeId, thread, said), ct), runId, nodeId, thread);
        }

        if (notice.Event.Kind == ApprovalEventKinds.Escalation && notice.State.Policy.Escalate?.Notify is { Length: > 0 } notify)
        {
            var text = $"{EscalationText(notice, ChatChannels.PlatformOf(notify))} {Summary(view)}";
            await TryAsync(() => channels.PostAsync(Message(run, nodeId, notify, text), ct), runId, nodeId, notify);
            await TryAsync(() => copies.PostAsync(runId, nodeId, notify, ct), runId, nodeId, notify);
        }

        var voted = notice.State.Votes.Select(v => v.By).ToHashSet(StringComparer.Ordinal);
        foreach (var person in (await PeopleAsync(notice.Recipients, runId, nodeId, ct)).Where(p => !voted.Contains(p)))
        {
            if (!_direct.TryGetValue(ChatChannels.PlatformOf(person), out var direct) || channels.For<IChatPresenter>(person) is null)
            {
                LogNotReachable(person, runId, nodeId);
                continue;
            }
            await TryAsync(async () =>
            {
                var address = await direct.OpenAsync(person, ct);
                // The card the first time (a copy kept up to date with the thread's, README §Approvals); a short text after.
                if (!await copies.PostAsync(runId, nodeId, address, ct))
                {
                    await channels.PostAsync(Message(run, nodeId, address, DirectText(notice, view)), ct);
                }
                return address;
            }, runId, nodeId, person);
        }
    }

    // The people behind the recipients: a group (slack-group:, teams-channel:, email-list:) is its members.
    private async Task<IReadOnlyList<string>> PeopleAsync(IReadOnlyList<string> recipients, string runId, string nodeId, CancellationToken ct)
    {
        var people = new List<string>();
        foreach (var recipient in recipients)
        {
            if (groups.FirstOrDefault(g => g.Owns(recipient)) is not { } group)
            {
                people.Add(recipient);
                continue;
            }
            try
            {
                people.AddRange(await group.MembersAsync(recipient, ct));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogNotSent(e, recipient, runId, nodeId);
            }
        }
        return people.Distinct(StringComparer.Ordinal).ToArray();
    }

    /// <summary>"Reminder: this approval still needs 1 of 2 — waiting for &lt;@U2&gt;, &lt;@U3&gt;; deadline 2026-11-24 09:14 UTC."</summary>
    public string? ThreadText(ApprovalNotice notice, string platform)
    {
        var state = notice.State;
        return notice.Event.Kind switch
        {
            ApprovalEventKinds.Reminder => $"Reminder: this approval still needs {Needed(state)} — waiting for {Waiting(state, platform)}{Deadline(state)}.",
            ApprovalEventKinds.Escalation => $"{EscalationText(notice, platform)}{Deadline(state)}",
            ApprovalEventKinds.Delegation when Text(notice.Event.Data, "to") is { } to =>
                $"{Mention(Text(notice.Event.Data, "from") ?? notice.Event.Actor, platform)} handed this approval to {Mention(to, platform)}.",
            ApprovalEventKinds.Reassignment =>
                $"{Mention(notice.Event.Actor, platform)} reassigned this approval to {string.Join(", ", state.Approvers.Select(a => Mention(a, platform)))}.",
            _ => null,
        };
    }

    private string EscalationText(ApprovalNotice notice, string platform)
    {
        var escalate = notice.State.Policy.Escalate;
        var to = escalate?.To ?? [];
        var after = escalate is null ? "" : $" after {Span(escalate.After)}";
        return $"Escalated to {string.Join(", ", to.Select(a => Mention(a, platform)))}{after}: this approval still needs {Needed(notice.State)}.";
    }

    // What a person reads in their direct messages once they already have the card there.
    private static string DirectText(ApprovalNotice notice, ApprovalView view) => notice.Event.Kind switch
    {
        ApprovalEventKinds.Reminder => $"Reminder: {Summary(view)} still waits for you ({Needed(notice.State)}){Deadline(notice.State)}. The card above has Approve and Reject.",
        _ => $"{Summary(view)} waits for you ({Needed(notice.State)}){Deadline(notice.State)}. The card above has Approve and Reject.",
    };

    private static string Summary(ApprovalView view) => $"“{view.Request.Prompt}” ({view.WorkflowName}, run `{view.RunId}`)";

    // The thread the run's cards are in: its progress card's thread once posted, or the channel a scheduled run posts to.
    private async Task<string?> ThreadAsync(StoredRun run, CancellationToken ct)
    {
        if (run.Thread is not { } thread) return null;
        if (ChatChannels.CardRunOf(thread) is null) return channels.For<IChatChannel>(thread) is null ? null : thread;
        try
        {
            return await threads.ThreadIfPostedAsync(run.Id, channels, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogNoThread(e, run.Id);
            return null;
        }
    }

    private async Task TryAsync<T>(Func<Task<T>> send, string runId, string nodeId, string to)
    {
        try
        {
            await send();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogNotSent(e, to, runId, nodeId);
        }
    }

    private static ChatMessage Message(StoredRun run, string nodeId, string target, string text) =>
        new() { Target = target, Text = text, RunId = run.Id, WorkflowId = run.WorkflowId, NodeId = nodeId };

    private static string Needed(ApprovalState state) => $"{Math.Max(0, state.Required - state.Approvals)} of {state.Required}";

    private string Waiting(ApprovalState state, string platform)
    {
        var voted = state.Votes.Select(v => v.By).ToHashSet(StringComparer.Ordinal);
        var waiting = state.Approvers.Where(a => !voted.Contains(a)).Select(a => Mention(a, platform)).ToArray();
        return waiting.Length == 0 ? "anyone listed" : string.Join(", ", waiting);
    }

    private static string Deadline(ApprovalState state) => state.Deadline is { } at ? $"; deadline {ChatText.Utc(at)}" : "";

    private string Mention(string person, string platform) =>
        ChatChannels.PlatformOf(person) == platform && _direct.TryGetValue(platform, out var direct) ? direct.Mention(person) : person;

    /// <summary>A duration as the config reads it: <c>30 minutes</c>, <c>2 hours</c>, <c>1 day 4 hours</c>.</summary>
    public static string Span(TimeSpan span)
    {
        var parts = new List<string>(3);
        if (span.Days > 0) parts.Add(Unit(span.Days, "day"));
        if (span.Hours > 0) parts.Add(Unit(span.Hours, "hour"));
        if (span.Minutes > 0) parts.Add(Unit(span.Minutes, "minute"));
        if (parts.Count == 0) parts.Add(Unit(Math.Max(0, span.Seconds), "second"));
        return string.Join(' ', parts);
    }

    private static string Unit(int count, string unit) => string.Create(CultureInfo.InvariantCulture, $"{count} {unit}{(count == 1 ? "" : "s")}");

    private static string? Text(JsonElement value, string property) =>
        value.ValueKind == JsonValueKind.Object && value.TryGetProperty(property, out var found) && found.ValueKind == JsonValueKind.String ? found.GetString() : null;

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Person} cannot be told about the approval {NodeId} of run {RunId}: no chat platform here reaches them")]
    private partial void LogNotReachable(string person, string runId, string nodeId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not tell {To} about the approval {NodeId} of run {RunId}")]
    private partial void LogNotSent(Exception exception, string to, string runId, string nodeId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Run {RunId} has no chat thread to tell about its approval in")]
    private partial void LogNoThread(Exception exception, string runId);
}
