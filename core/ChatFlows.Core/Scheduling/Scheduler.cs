using System.Collections.Concurrent;
using System.Text.Json;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Running;
using ChatFlows.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatFlows.Core.Scheduling;

/// <summary>
/// Fires <c>trigger/schedule</c> nodes (docs/semantics.md). A due time is claimed by a unique (workflow, trigger, due
/// time) row in the same transaction that queues its run, so a tick fires once however many instances run; the
/// <see cref="RunWorker"/> that claims the run executes it. Ticks missed while no instance ran fire once at
/// start-up, for the latest of them, unless the trigger says <c>catchUp: false</c>. Schedules follow edits made
/// through this instance's store at once, and edits made elsewhere at the next refresh.
/// </summary>
public sealed partial class Scheduler
{
    /// <summary>The <see cref="RunRequest.StartedBy"/> of scheduled runs.</summary>
    public const string StartedBy = "schedule";

    // A failed read or claim (a busy or unreachable database) is tried again this soon rather than at the next tick.
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);

    private readonly IWorkflowStore _workflows;
    private readonly IRunStore _runs;
    private readonly RunStarter _starter;
    private readonly TimeProvider _time;
    private readonly SchedulerOptions _options;
    private readonly ILogger _logger;

    // Owned by the loop: the triggers followed, and the saved state of the workflow each was read from.
    private readonly Dictionary<(string WorkflowId, string TriggerId), Entry> _entries = new();
    private readonly Dictionary<string, (int Version, DateTimeOffset UpdatedAt)> _read = new(StringComparer.Ordinal);

    // Written by the store's Changed event, on whichever thread saved.
    private readonly ConcurrentDictionary<string, bool> _changed = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _wake = new(0);

    private readonly Lock _passGate = new();
    private readonly List<(long After, TaskCompletionSource Done)> _passWaiters = [];
    private long _passesStarted;
    private IReadOnlyList<ScheduledTrigger> _schedules = [];

    /// <summary>Creates the scheduler of one instance.</summary>
    public Scheduler(
        IWorkflowStore workflows,
        IRunStore runs,
        RunStarter starter,
        TimeProvider time,
        SchedulerOptions? options = null,
        ILogger<Scheduler>? logger = null)
    {
        _workflows = workflows;
        _runs = runs;
        _starter = starter;
        _time = time;
        _options = options ?? new SchedulerOptions();
        // The refresh bounds every wait; a zero interval would spin.
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.RefreshInterval, TimeSpan.FromMilliseconds(1), nameof(options));
        _logger = logger ?? NullLogger<Scheduler>.Instance;
    }

    /// <summary>The schedule triggers followed, with their next due times, as of the last pass.</summary>
    public IReadOnlyList<ScheduledTrigger> Schedules => Volatile.Read(ref _schedules);

    /// <summary>Raised on the scheduler's loop after this instance claimed a tick and queued its run.</summary>
    public event Action<ScheduleTick>? Fired;

    /// <summary>Raised on the scheduler's loop when a due tick started nothing, with the problems that stopped it.</summary>
    public event Action<ScheduleTick, StartOutcome.Refused>? Refused;

    /// <summary>Follows the stored workflows and fires their schedules until <paramref name="stoppingToken"/> is cancelled.</summary>
    public async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Each start is a start-up: schedules are read afresh and missed ticks caught up on.
        _entries.Clear();
        _read.Clear();
        _workflows.Changed += OnWorkflowChanged;
        try
        {
            var nextRefresh = DateTimeOffset.MinValue;
            while (!stoppingToken.IsCancellationRequested)
            {
                var pass = Interlocked.Increment(ref _passesStarted);
                var now = _time.GetUtcNow();
                if (now >= nextRefresh)
                {
                    nextRefresh = now + (await RefreshAllAsync(now, stoppingToken) ? _options.RefreshInterval : RetryDelay);
                }
                else if (!await RefreshChangedAsync(now, stoppingToken))
                {
                    nextRefresh = now + RetryDelay;
                }
                await FireDueAsync(now, stoppingToken);
                Volatile.Write(ref _schedules, Snapshot());

                var wakeAt = nextRefresh;
                foreach (var entry in _entries.Values)
                {
                    if (entry.AttemptAt < wakeAt) wakeAt = entry.AttemptAt.Value;
                }
                // Timers take at most about 49 days; a pass a day costs nothing.
                var delay = wakeAt - _time.GetUtcNow();
                delay = delay < TimeSpan.Zero ? TimeSpan.Zero : delay > TimeSpan.FromDays(1) ? TimeSpan.FromDays(1) : delay;
                // The timer starts before waiters hear the pass is done, so a clock moved on after that still wakes it.
                using var due = new CancellationTokenSource(delay, _time);
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(due.Token, stoppingToken);
                CompletePass(pass);
                try
                {
                    await _wake.WaitAsync(wait.Token);
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                    // Something is due.
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            _workflows.Changed -= OnWorkflowChanged;
            lock (_passGate)
            {
                foreach (var (_, done) in _passWaiters) done.TrySetCanceled(stoppingToken);
                _passWaiters.Clear();
            }
        }
    }

    /// <summary>
    /// Wakes the scheduler and completes once it has finished a pass that began after this call: workflow changes
    /// taken in, and every tick due by the clock's time then fired. Lets callers observe it without waiting on time;
    /// it completes only while <see cref="ExecuteAsync"/> runs.
    /// </summary>
    public Task NextPassAsync(CancellationToken ct = default)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_passGate) _passWaiters.Add((Interlocked.Read(ref _passesStarted), done));
        _wake.Release();
        return done.Task.WaitAsync(ct);
    }

    private void OnWorkflowChanged(WorkflowChange change)
    {
        _changed[change.WorkflowId] = true;
        _wake.Release();
    }

    private void CompletePass(long pass)
    {
        lock (_passGate)
        {
            for (var i = _passWaiters.Count - 1; i >= 0; i--)
            {
                if (_passWaiters[i].After >= pass) continue;
                _passWaiters[i].Done.TrySetResult();
                _passWaiters.RemoveAt(i);
            }
        }
    }

    private async Task FireDueAsync(DateTimeOffset now, CancellationToken ct)
    {
        var due = _entries.Where(e => e.Value.AttemptAt <= now).Select(e => e.Key).ToArray();
        foreach (var key in due)
        {
            // Firing an earlier one may have re-read this workflow and dropped or moved this trigger.
            if (!_entries.TryGetValue(key, out var entry) || !(entry.AttemptAt <= now)) continue;
            try
            {
                await FireAsync(key, now, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFireFailed(ex, key.WorkflowId, key.TriggerId, entry.Due, RetryDelay);
                // Looked up again: a re-read of the workflow may have replaced the entry.
                if (_entries.TryGetValue(key, out var current)) current.AttemptAt = now + RetryDelay;
            }
        }
    }

    private async Task FireAsync((string WorkflowId, string TriggerId) key, DateTimeOffset now, CancellationToken ct)
    {
        // The saved workflow decides, not what this instance last read: it may have been edited or deleted elsewhere.
        var stored = await _workflows.GetAsync(key.WorkflowId, ct);
        if (stored is null)
        {
            Forget(key.WorkflowId);
            return;
        }
        await FollowAsync(stored, now, ct);
        if (!_entries.TryGetValue(key, out var entry) || !(entry.AttemptAt <= now)) return;

        // Normally the due time itself; after a stall (a suspended process, a long database outage) the latest of
        // the ticks that passed, which fires once for all of them.
        var dueAt = (entry.Config.Schedule.Latest(now) ?? entry.Due!.Value).ToUniversalTime();
        var tick = new ScheduleTick(key.WorkflowId, key.TriggerId, dueAt);
        var request = new RunRequest
        {
            Trigger = JsonSerializer.SerializeToElement(new
            {
                scheduledAt = dueAt.UtcDateTime,
                firedAt = now.UtcDateTime,
                triggerId = key.TriggerId,
                channel = entry.Config.Channel,
            }),
            TriggerNodeId = key.TriggerId,
            StartedBy = StartedBy,
            Thread = entry.Config.Channel,
        };
        switch (await _starter.StartAsync(stored.Document.Id, request, new StartOptions { Tick = tick, Origin = new Audit.AuditOrigin(StartedBy, Audit.AuditSurfaces.Schedule) }, ct))
        {
            case StartOutcome.Started started:
                LogFired(key.WorkflowId, key.TriggerId, dueAt, started.RunId);
                Fired?.Invoke(tick);
                break;
            case StartOutcome.Refused { Kind: StartProblemKind.AlreadyStarted }:
                LogAlreadyClaimed(key.WorkflowId, key.TriggerId, dueAt);
                break;
            case StartOutcome.Refused refused:
                // Saved documents are validated, but one saved by an older version, or whose agent was deleted, may
                // not be: the tick is skipped with the problems in the log, and the schedule goes on.
                LogRefused(key.WorkflowId, key.TriggerId, dueAt, refused.Describe());
                Refused?.Invoke(tick, refused);
                break;
        }
        entry.ScheduleAt(entry.Config.Schedule.Next(now));
    }

    private ScheduledTrigger[] Snapshot() => _entries.Values
        .OrderBy(e => e.WorkflowId, StringComparer.Ordinal)
        .ThenBy(e => e.Config.TriggerId, StringComparer.Ordinal)
        .Select(e => new ScheduledTrigger(e.WorkflowId, e.Config.TriggerId, e.Version, e.Config.Schedule, e.Due))
        .ToArray();

    [LoggerMessage(Level = LogLevel.Debug, Message = "Schedule {TriggerId} of workflow {WorkflowId} fired for {DueAt:O}: run {RunId}")]
    private partial void LogFired(string workflowId, string triggerId, DateTimeOffset dueAt, string runId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Schedule {TriggerId} of workflow {WorkflowId} for {DueAt:O} was already claimed")]
    private partial void LogAlreadyClaimed(string workflowId, string triggerId, DateTimeOffset dueAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Schedule {TriggerId} of workflow {WorkflowId} skipped {DueAt:O}: the run cannot start until the workflow is fixed and saved: {Problems}")]
    private partial void LogRefused(string workflowId, string triggerId, DateTimeOffset dueAt, string problems);

    [LoggerMessage(Level = LogLevel.Error, Message = "Schedule {TriggerId} of workflow {WorkflowId} could not fire for {DueAt:O}; trying again in {Delay}")]
    private partial void LogFireFailed(Exception error, string workflowId, string triggerId, DateTimeOffset? dueAt, TimeSpan delay);

    // One followed trigger.
    private sealed class Entry(string workflowId, ScheduleConfig config, int version)
    {
        public string WorkflowId { get; } = workflowId;

        public ScheduleConfig Config { get; set; } = config;

        public int Version { get; set; } = version;

        // The tick to fire next; null when the expression never fires again.
        public DateTimeOffset? Due { get; private set; }

        // When to fire it: the due time, or later after a failed attempt.
        public DateTimeOffset? AttemptAt { get; set; }

        public void ScheduleAt(DateTimeOffset? due)
        {
            Due = due;
            AttemptAt = due;
        }
    }
}
