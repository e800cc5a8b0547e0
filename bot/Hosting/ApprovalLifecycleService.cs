using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;
using Microsoft.Extensions.Options;

namespace ChatFlows.Bot.Hosting;

/// <summary>
/// Runs the <see cref="ApprovalLifecycle"/> for the life of the host (README §Approvals): sweeps at once, then sleeps
/// until the earliest reminder or escalation due or <c>ChatFlows:Approvals:SweepInterval</c>, whichever comes first;
/// an approval that starts waiting meanwhile may bring the wake-up forward. Sleeps on the host's <see cref="TimeProvider"/>.
/// </summary>
internal sealed partial class ApprovalLifecycleService(
    ApprovalLifecycle lifecycle, RunEventStream events, TimeProvider time, IOptions<ApprovalOptions> options, ILogger<ApprovalLifecycleService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Only approvals that start waiting matter here; the other events of every run are not queued for it.
        using var waits = events.Subscribe(everyInstance: true, filter: IsApprovalWaiting);
        var interval = options.Value.SweepInterval;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                DateTimeOffset? next = null;
                var now = time.GetUtcNow();
                try
                {
                    next = await lifecycle.SweepAsync(now, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogSweepFailed(ex, interval);
                }
                var wakeAt = now + interval;
                if (next is { } due && due < wakeAt) wakeAt = due;
                await WaitUntilAsync(waits, wakeAt, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    // Sleeps until wakeAt. An approval that starts waiting meanwhile is planned on its own — its first reminder or
    // escalation may bring the wake-up forward — rather than by a sweep of every waiting approval, which a burst of
    // new approvals would otherwise repeat once each.
    private async Task WaitUntilAsync(RunEventSubscription waits, DateTimeOffset wakeAt, CancellationToken stoppingToken)
    {
        while (true)
        {
            var delay = wakeAt - time.GetUtcNow();
            if (delay <= TimeSpan.Zero) return;
            using var wake = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            var sleeping = Task.Delay(delay, time, wake.Token);
            var listening = NextApprovalAsync(waits, wake.Token);
            var first = await Task.WhenAny(sleeping, listening);
            await wake.CancelAsync();
            stoppingToken.ThrowIfCancellationRequested();
            if (first == sleeping || await listening is not { } waiting) return;
            try
            {
                if (await lifecycle.NextDueAsync(waiting.RunId, waiting.NodeId!, stoppingToken) is { } due && due < wakeAt) wakeAt = due;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The next sweep plans it.
                LogPlanFailed(ex, waiting.RunId);
            }
        }
    }

    private static async Task<RunEvent?> NextApprovalAsync(RunEventSubscription waits, CancellationToken ct)
    {
        try
        {
            while (await waits.Reader.WaitToReadAsync(ct))
            {
                while (waits.Reader.TryRead(out var runEvent))
                {
                    if (IsApprovalWaiting(runEvent)) return runEvent;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        return null;
    }

    private static bool IsApprovalWaiting(RunEvent runEvent) =>
        runEvent.Type == RunEventTypes.RunWaiting && runEvent.Bookmark == ApprovalNode.Bookmark && runEvent.NodeId is not null;

    [LoggerMessage(Level = LogLevel.Warning, Message = "The reminders of the approval that run {RunId} waits at could not be planned; the next sweep plans them")]
    private partial void LogPlanFailed(Exception error, string runId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweeping waiting approvals for reminders and escalations failed; trying again in {Interval}")]
    private partial void LogSweepFailed(Exception error, TimeSpan interval);
}
