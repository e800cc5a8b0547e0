using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatFlows.Core.Running;

/// <summary>
/// The clock of waiting approvals (README §Approvals): sends reminders and escalates when they fall due. Each is
/// journaled under its key first (<c>reminder:&lt;k&gt;</c>, <c>escalation</c>), so however many instances sweep, and
/// after a restart, each is recorded once; the instance whose record went in tells the people (at most once: a crash
/// between recording and telling loses that one notice). After downtime only the latest due reminder is sent.
/// </summary>
public sealed partial class ApprovalLifecycle(Approvals approvals, ILogger<ApprovalLifecycle>? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger<ApprovalLifecycle>.Instance;

    /// <summary>
    /// Records and sends what is due at <paramref name="now"/> for every waiting approval with a policy; returns when
    /// the next reminder or escalation among them falls due, or null when none will.
    /// </summary>
    public async Task<DateTimeOffset?> SweepAsync(DateTimeOffset now, CancellationToken ct = default)
    {
        DateTimeOffset? next = null;
        foreach (var (run, waiting) in await approvals.WaitingAsync(ct))
        {
            try
            {
                var state = await SweepAsync(run, waiting, now, ct);
                next = Earliest(next, Earliest(state.NextReminderAt, state.EscalatesAt));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogSweepFailed(ex, run.Id, waiting.NodeId);
            }
        }
        return next;
    }

    /// <summary>
    /// When the waiting approval <paramref name="nodeId"/> of a run next needs the clock (a reminder or its escalation),
    /// or null when it never will or does not wait (yet): what one new approval adds to the plan, without a sweep.
    /// </summary>
    public async Task<DateTimeOffset?> NextDueAsync(string runId, string nodeId, CancellationToken ct = default) =>
        await approvals.StateAsync(runId, nodeId, ct) is { Request.Policy: not null } state ? Earliest(state.NextReminderAt, state.EscalatesAt) : null;

    private async Task<ApprovalState> SweepAsync(Storage.StoredRun run, ApprovalState state, DateTimeOffset now, CancellationToken ct)
    {
        if (state.Request.Policy is null || state.Request.HasExpired(now)) return state;
        if (state.EscalatesAt is { } escalatesAt && escalatesAt <= now && state.Policy.Escalate is { } escalate)
        {
            var entry = new ApprovalEvent(state.RunId, state.NodeId, "escalation", ApprovalEventKinds.Escalation, ApprovalEventKinds.System, now,
                JsonSerializer.SerializeToElement(new { to = escalate.To, notify = escalate.Notify }));
            state = await RecordAsync(run, state, entry, now, ct);
        }
        var slot = state.DueReminderSlot(now);
        if (state.Outcome is null && state.NextReminderAt is { } remindAt && remindAt <= now && slot > state.LastReminderSlot)
        {
            var entry = new ApprovalEvent(state.RunId, state.NodeId, $"reminder:{slot}", ApprovalEventKinds.Reminder, ApprovalEventKinds.System, now,
                JsonSerializer.SerializeToElement(new { slot }));
            state = await RecordAsync(run, state, entry, now, ct);
        }
        return state;
    }

    // Recorded first; only the instance whose record went in tells anyone.
    private async Task<ApprovalState> RecordAsync(Storage.StoredRun run, ApprovalState state, ApprovalEvent entry, DateTimeOffset now, CancellationToken ct)
    {
        var recorded = await approvals.Log.AppendAsync(entry, ct);
        var after = await approvals.FoldAsync(state.RunId, state.NodeId, state.Request, ct);
        if (!recorded) return after;
        LogRecorded(entry.Kind, run.Id, state.NodeId);
        approvals.PublishChanged(run, state.NodeId, now);
        await approvals.NotifyAsync(new ApprovalNotice(entry, after, await approvals.RecipientsAsync(after, ct)), ct);
        return after;
    }

    private static DateTimeOffset? Earliest(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a < b ? a : b;

    [LoggerMessage(Level = LogLevel.Debug, Message = "Approval {Kind} recorded for run {RunId} at {NodeId}")]
    private partial void LogRecorded(string kind, string runId, string nodeId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Looking at the approval of run {RunId} at {NodeId} for reminders and escalation failed; trying again at the next sweep")]
    private partial void LogSweepFailed(Exception error, string runId, string nodeId);
}
