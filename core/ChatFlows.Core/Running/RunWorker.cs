using ChatFlows.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatFlows.Core.Running;

/// <summary>
/// Executes runs for one instance: those queued here, and those it claims from the store (queued elsewhere,
/// interrupted by a dead process, or waiting with a decision, a due wake-up or a cancel). Leases are renewed
/// while runs execute. A waiting run is released and holds no thread or memory until it is claimed again.
/// </summary>
public sealed partial class RunWorker(
    RunQueue queue, IRunStore store, WorkflowPlans plans, WorkflowEngine engine, TimeProvider time, ILogger<RunWorker>? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger<RunWorker>.Instance;
    private readonly RunWorkerOptions _options = queue.Options;
    private readonly List<Task> _executions = [];
    private readonly Lock _gate = new();

    /// <summary>Runs until <paramref name="stoppingToken"/> is cancelled; runs in flight are then left to finish or lapse, never cancelled.</summary>
    public async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var slots = new SemaphoreSlim(_options.Concurrency);
        var heartbeat = HeartbeatAsync(stoppingToken);
        var nextPoll = time.GetUtcNow();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                while (slots.CurrentCount > 0 && queue.Local.TryRead(out var local))
                {
                    await slots.WaitAsync(stoppingToken);
                    Start(local.RunId, local.Run, slots);
                }
                var now = time.GetUtcNow();
                if (slots.CurrentCount > 0 && (queue.TakeClaimWanted() || now >= nextPoll))
                {
                    nextPoll = now + _options.PollInterval;
                    await ClaimAsync(slots, now, stoppingToken);
                }
                using var pollDue = new CancellationTokenSource(_options.PollInterval, time);
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(pollDue.Token, stoppingToken);
                try
                {
                    await queue.Wake.WaitAsync(wait.Token);
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                    // Time to poll.
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        await heartbeat;
        await ReleaseUnstartedAsync();
    }

    /// <summary>Waits for the runs this worker is executing.</summary>
    public Task DrainAsync()
    {
        lock (_gate) return Task.WhenAll(_executions.ToArray());
    }

    private async Task ClaimAsync(SemaphoreSlim slots, DateTimeOffset now, CancellationToken ct)
    {
        IReadOnlyList<RunLease> claimed;
        try
        {
            claimed = await store.ClaimAsync(queue.Owner, slots.CurrentCount, now, now + _options.LeaseDuration, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogClaimFailed(ex);
            return;
        }
        foreach (var lease in claimed)
        {
            await slots.WaitAsync(ct);
            Start(lease.RunId, null, slots, lease.Epoch);
        }
    }

    private void Start(string runId, RunState? run, SemaphoreSlim slots, long epoch = 0)
    {
        var active = queue.Activate(runId);
        var execution = Task.Run(() => ExecuteRunAsync(runId, run, epoch, active));
        lock (_gate) _executions.Add(execution);
        _ = execution.ContinueWith(
            (done, state) =>
            {
                lock (_gate) _executions.Remove(done);
                slots.Release();
                queue.Wake.Release();
            },
            null,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    // A run queued here carries its epoch already; a claimed one executes under the epoch of its claim.
    private async Task ExecuteRunAsync(string runId, RunState? run, long epoch, RunQueue.ActiveRun active)
    {
        var token = active.Cancellation.Token;
        Exception? failure = null;
        try
        {
            if (run is not null)
            {
                run = await engine.ContinueAsync(run, token);
            }
            else
            {
                var stored = await store.GetAsync(runId, CancellationToken.None);
                if (stored is not null && !stored.Status.IsTerminal())
                {
                    var plan = await plans.GetAsync(stored.WorkflowId, stored.WorkflowVersion, CancellationToken.None)
                        ?? throw new InvalidOperationException($"Version {stored.WorkflowVersion} of workflow '{stored.WorkflowId}' is not stored.");
                    if (stored.CancelRequested) await active.CancelAsync();
                    var restored = RunState.Restore(plan, stored);
                    restored.LeaseEpoch = epoch;
                    run = await ContinueStoredAsync(restored, stored.Resumes, token);
                }
            }
        }
        catch (Exception ex) when (IsLeaseLost(ex))
        {
            // Another instance claimed the run after this one's lease lapsed (a pause, a partition): it carries the
            // run on from the journal, and this instance writes nothing more to it, not even a release.
            LogLeaseLost(runId);
            queue.Deactivate(runId);
            queue.Abandon(runId, ex);
            return;
        }
        catch (Exception ex)
        {
            failure = ex;
            LogRunInterrupted(ex, runId);
        }
        queue.Deactivate(runId);
        if (failure is not null)
        {
            // A run interrupted before it was ever stored is gone; its caller is told so, not given its id.
            if (store.DropDeferred(runId)) failure = new RunNotStoredException(runId, failure);
            // The lease is kept so that the run is retried from its journal once it lapses, not in a tight loop.
            queue.Abandon(runId, failure);
            return;
        }
        // Released before observers hear of the run, so that a decision or cancel they send finds it claimable.
        await store.ReleaseAsync(runId, queue.Owner, CancellationToken.None);
        if (run is not null)
        {
            queue.Settle(run);
            // A parent waiting for a sub-workflow, or whose sub-workflow just ended, may have its outcome to take now.
            if ((run.Request.ParentRunId is not null && run.Status.IsTerminal())
                || (run.Status == RunStatus.Waiting && run.Nodes.Any(n => n.Status == NodeStatus.Waiting && ChildRuns.IsChildBookmark(n.Bookmark))))
            {
                await store.FlushAsync(CancellationToken.None);
                queue.WakeForClaims();
            }
        }
    }

    // Takes the stored decisions and due wake-ups one by one; a run with neither simply continues (an interrupted
    // run restarts its running nodes, a queued one starts, a cancelled one records its cancellation).
    private async Task<RunState> ContinueStoredAsync(RunState run, IReadOnlyList<Resumption> decisions, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var wakes = run.Nodes
            .Where(n => n.Status == NodeStatus.Waiting && n.WakeAt <= now && n.Bookmark is not null)
            .Select(n => new Resumption(n.Bookmark!, null, n.NodeId));
        var pending = decisions.Concat(wakes).ToArray();
        if (pending.Length == 0) return await engine.ContinueAsync(run, ct);

        var stored = decisions.Count;
        for (var i = 0; i < pending.Length; i++)
        {
            var resume = pending[i];
            if (!run.Status.IsTerminal() && IsWaitingOn(run, resume))
            {
                run = await engine.ResumeAsync(run, resume, ct);
            }
            else
            {
                LogDecisionDropped(run.Id, resume.Bookmark);
            }
            if (i < stored) await store.CompleteResumeAsync(run.Id, resume.Bookmark, CancellationToken.None);
        }
        // A cancel asked for while the run waits is recorded by one more pass with the cancelled token.
        if (ct.IsCancellationRequested && !run.Status.IsTerminal()) run = await engine.ContinueAsync(run, ct);
        return run;
    }

    private static bool IsWaitingOn(RunState run, Resumption resume) =>
        run.Nodes.Any(n => n.Status == NodeStatus.Waiting && n.Bookmark == resume.Bookmark && (resume.NodeId is null || n.NodeId == resume.NodeId));

    private async Task HeartbeatAsync(CancellationToken ct)
    {
        var interval = _options.LeaseDuration / 3;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, time, ct);
                var ids = queue.ActiveIds.ToArray();
                var renewal = await store.RenewLeasesAsync(queue.Owner, ids, time.GetUtcNow() + _options.LeaseDuration, ct);
                // A cancel asked for on another instance; or a run another instance holds now, stopped at once: the
                // store refuses its writes from here on, so it ends with a LeaseLostException and writes nothing.
                foreach (var runId in renewal.Cancelled.Concat(renewal.Lost))
                {
                    if (queue.TryGetActive(runId, out var active)) await active.CancelAsync();
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogHeartbeatFailed(ex);
            }
        }
    }

    // Runs queued here but not started are given back, so that the next instance (or this one after a restart)
    // takes them at once instead of after their lease lapses.
    private async Task ReleaseUnstartedAsync()
    {
        var released = false;
        while (queue.Local.TryRead(out var local))
        {
            queue.Deactivate(local.RunId);
            await store.ReleaseAsync(local.RunId, queue.Owner, CancellationToken.None);
            released = true;
        }
        await store.FlushAsync(CancellationToken.None);
        // Other instances' idle workers take them now rather than at their next poll.
        if (released) queue.WakeForClaims();
    }

    private static bool IsLeaseLost(Exception? error)
    {
        for (; error is not null; error = error.InnerException)
        {
            if (error is LeaseLostException) return true;
            if (error is AggregateException aggregate && aggregate.InnerExceptions.Any(IsLeaseLost)) return true;
        }
        return false;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Run {RunId} is now held by another instance; this instance stopped executing it")]
    private partial void LogLeaseLost(string runId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Run {RunId} was interrupted; it continues from its journal when its lease lapses")]
    private partial void LogRunInterrupted(Exception error, string runId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Run {RunId} no longer waits on {Bookmark}; the decision was dropped")]
    private partial void LogDecisionDropped(string runId, string bookmark);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Claiming runs failed; trying again at the next poll")]
    private partial void LogClaimFailed(Exception error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Renewing run leases failed")]
    private partial void LogHeartbeatFailed(Exception error);
}
