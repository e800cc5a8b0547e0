using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;
using Microsoft.Extensions.Options;

namespace ChatFlows.Bot.Hosting;

/// <summary>
/// Runs the <see cref="ApprovalLifecycle"/> for the life of the host (README §Approvals): sweeps at once, then sleeps
/// until the earliest reminder or escalation due or <c>ChatFlows:Approvals:SweepInterval</c>, whichever comes first,
/// and wakes early when an approval starts waiting. Sleeps on the host's <see cref="TimeProvider"/>.
/// </summary>
internal sealed partial class ApprovalLifecycleService(
    ApprovalLifecycle lifecycle, RunEventStream events, TimeProvider time, IOptions<ApprovalOptions> options, ILogger<ApprovalLifecycleService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var waits = events.Subscribe(everyInstance: true);
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
                var delay = next is { } due ? Clamp(due - time.GetUtcNow(), interval) : interval;
                await WaitAsync(waits, delay, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private static TimeSpan Clamp(TimeSpan delay, TimeSpan interval) => delay <= TimeSpan.Zero ? TimeSpan.Zero : delay < interval ? delay : interval;

    // Until the delay passes, or an approval starts waiting (its reminders and escalation are then planned).
    private async Task WaitAsync(RunEventSubscription waits, TimeSpan delay, CancellationToken stoppingToken)
    {
        while (waits.Reader.TryRead(out _))
        {
        }
        if (delay <= TimeSpan.Zero) return;
        using var wake = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var sleeping = Task.Delay(delay, time, wake.Token);
        var listening = WaitForApprovalAsync(waits, wake.Token);
        await Task.WhenAny(sleeping, listening);
        await wake.CancelAsync();
        stoppingToken.ThrowIfCancellationRequested();
    }

    private static async Task WaitForApprovalAsync(RunEventSubscription waits, CancellationToken ct)
    {
        try
        {
            while (await waits.Reader.WaitToReadAsync(ct))
            {
                while (waits.Reader.TryRead(out var runEvent))
                {
                    if (runEvent.Type == RunEventTypes.RunWaiting && runEvent.Bookmark == ApprovalNode.Bookmark) return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweeping waiting approvals for reminders and escalations failed; trying again in {Interval}")]
    private partial void LogSweepFailed(Exception error, TimeSpan interval);
}
