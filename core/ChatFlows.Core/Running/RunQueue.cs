using System.Collections.Concurrent;
using System.Threading.Channels;
using ChatFlows.Core.Cluster;
using ChatFlows.Core.Storage;

namespace ChatFlows.Core.Running;

/// <summary>
/// Where triggers start runs and people decide or cancel them. A run started here is stored durably, leased to
/// this instance and handed to its <see cref="RunWorker"/> at once; decisions and cancels are stored, so that
/// whichever instance holds or next claims the run carries them out. When instances share the database, the other
/// instances hear of both at once through the <see cref="IClusterBus"/> (README §Running several instances); their
/// polling only makes up for a notice lost.
/// </summary>
public sealed class RunQueue
{
    private readonly IRunStore _store;
    private readonly IClusterBus _bus;
    private readonly TimeProvider _time;
    private readonly Channel<LocalRun> _local = Channel.CreateUnbounded<LocalRun>();
    private readonly ConcurrentDictionary<string, ActiveRun> _active = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<RunState>> _observers = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _wake = new(0);
    private int _claimWanted;

    /// <summary>
    /// Creates the queue of one instance, named after <paramref name="bus"/>'s instance (or, without a bus, after
    /// <see cref="RunWorkerOptions.InstanceId"/> — see <see cref="ClusterInstance"/>).
    /// </summary>
    public RunQueue(IRunStore store, TimeProvider time, RunWorkerOptions options, IClusterBus? bus = null)
    {
        _store = store;
        _time = time;
        Options = options;
        _bus = bus ?? new LocalClusterBus(ClusterInstance.Name(options.InstanceId));
        Owner = _bus.InstanceId;
        if (_bus.IsShared)
        {
            // Heard from another instance: wake this worker without telling anyone again.
            _bus.Subscribe(ClusterTopics.RunsReady, _ => WakeHere());
            _bus.Subscribe(ClusterTopics.Missed, _ => WakeHere());
            _bus.Subscribe(ClusterTopics.CancelRequested, notice =>
            {
                if (_active.TryGetValue(notice.Payload, out var active)) _ = active.CancelAsync();
            });
        }
    }

    /// <summary>This instance's lease owner name.</summary>
    public string Owner { get; }

    /// <summary>The worker settings.</summary>
    public RunWorkerOptions Options { get; }

    /// <summary>Runs queued or executing on this instance.</summary>
    public int ActiveCount => _active.Count;

    /// <summary>Runs queued on this instance that its worker has not started yet (<c>chatflows.queue.depth</c>).</summary>
    public int LocalDepth => _local.Reader.Count;

    /// <summary>
    /// Stores a new run and queues it on this instance. With <paramref name="observe"/>, the returned
    /// <see cref="QueuedRun.Settled"/> completes when the run first ends or waits here.
    /// </summary>
    public Task<QueuedRun> EnqueueAsync(WorkflowPlan plan, RunRequest request, bool observe = false, CancellationToken ct = default) =>
        EnqueueAsync(new RunState(plan, request, request.RunId ?? WorkflowEngine.NewRunId()), observe, ct);

    /// <summary>
    /// Queues a new run of a pure plan whose caller waits for its answer, without storing it yet: it is stored in one
    /// commit when it ends, before <see cref="QueuedRun.Settled"/> completes (<see cref="IRunStore.Defer"/>, README
    /// §Webhooks). A caller that stops waiting calls <see cref="StoreAsync"/> before it gives out the run's id.
    /// <paramref name="whileHeld"/> is called with the run's id before the run can start, so that what it records (the
    /// run's audit entry) is held to be stored in the same commit.
    /// </summary>
    public QueuedRun EnqueueObservedPure(WorkflowPlan plan, RunRequest request, Action<string>? whileHeld = null)
    {
        if (!plan.IsPure) throw new ArgumentException($"Workflow '{plan.Document.Id}' has nodes that act outside the run; its runs are stored before they start.", nameof(plan));
        var run = new RunState(plan, request, request.RunId ?? WorkflowEngine.NewRunId());
        var settled = new TaskCompletionSource<RunState>(TaskCreationOptions.RunContinuationsAsynchronously);
        _observers[run.Id] = settled;
        _active[run.Id] = new ActiveRun();
        _store.Defer(run, Owner, _time.GetUtcNow() + Options.LeaseDuration);
        whileHeld?.Invoke(run.Id);
        _local.Writer.TryWrite(new LocalRun(run.Id, run));
        _wake.Release();
        return new QueuedRun(run.Id, settled.Task);
    }

    /// <summary>Makes sure a run queued by <see cref="EnqueueObservedPure"/> is stored, as it is if it has not ended yet.</summary>
    public Task StoreAsync(string runId, CancellationToken ct = default) => _store.StoreDeferredAsync(runId, ct);

    /// <summary>Stores a prepared run (a replay, with the nodes it reuses already finished) and queues it on this instance.</summary>
    public async Task<QueuedRun> EnqueueAsync(RunState run, bool observe = false, CancellationToken ct = default)
    {
        TaskCompletionSource<RunState>? settled = null;
        if (observe)
        {
            settled = new TaskCompletionSource<RunState>(TaskCreationOptions.RunContinuationsAsynchronously);
            _observers[run.Id] = settled;
        }
        _active[run.Id] = new ActiveRun();
        try
        {
            await _store.EnqueueAsync(run, Owner, _time.GetUtcNow() + Options.LeaseDuration, ct);
        }
        catch
        {
            _active.TryRemove(run.Id, out _);
            _observers.TryRemove(run.Id, out _);
            throw;
        }
        _local.Writer.TryWrite(new LocalRun(run.Id, run));
        _wake.Release();
        return new QueuedRun(run.Id, settled?.Task);
    }

    /// <summary>Records a decision for a waiting node; the run continues on whichever instance claims it.</summary>
    public async Task<ResumeOutcome> ResumeAsync(string runId, Resumption resumption, CancellationToken ct = default)
    {
        var outcome = await _store.RequestResumeAsync(runId, resumption, _time.GetUtcNow(), ct);
        if (outcome == ResumeOutcome.Accepted) WakeForClaims();
        return outcome;
    }

    /// <summary>Cancels a run that has not ended; false when there is no such run or it has already ended.</summary>
    public async Task<bool> CancelAsync(string runId, CancellationToken ct = default)
    {
        if (!await _store.RequestCancelAsync(runId, ct)) return false;
        if (_active.TryGetValue(runId, out var active)) await active.CancelAsync();
        else if (_bus.IsShared) _bus.Publish(new ClusterNotice(ClusterTopics.CancelRequested, runId));
        WakeForClaims();
        return true;
    }

    /// <summary>
    /// Asks the worker to look for claimable runs now rather than at its next poll, and tells the other instances
    /// to look too: the run may be theirs to take.
    /// </summary>
    public void WakeForClaims()
    {
        WakeHere();
        if (_bus.IsShared) _bus.Publish(new ClusterNotice(ClusterTopics.RunsReady, ""));
    }

    private void WakeHere()
    {
        Volatile.Write(ref _claimWanted, 1);
        _wake.Release();
    }

    internal ChannelReader<LocalRun> Local => _local.Reader;

    internal SemaphoreSlim Wake => _wake;

    internal bool TakeClaimWanted() => Interlocked.Exchange(ref _claimWanted, 0) == 1;

    internal ICollection<string> ActiveIds => _active.Keys;

    internal ActiveRun Activate(string runId) => _active.GetOrAdd(runId, _ => new ActiveRun());

    internal bool TryGetActive(string runId, out ActiveRun active) => _active.TryGetValue(runId, out active!);

    internal void Deactivate(string runId)
    {
        if (_active.TryRemove(runId, out var active)) active.Cancellation.Dispose();
    }

    internal void Settle(RunState run)
    {
        if (_observers.TryRemove(run.Id, out var observer)) observer.TrySetResult(run);
    }

    internal void Abandon(string runId, Exception error)
    {
        if (_observers.TryRemove(runId, out var observer)) observer.TrySetException(error);
    }

    internal sealed record LocalRun(string RunId, RunState? Run);

    internal sealed class ActiveRun
    {
        public CancellationTokenSource Cancellation { get; } = new();

        public async Task CancelAsync()
        {
            try
            {
                await Cancellation.CancelAsync();
            }
            catch (ObjectDisposedException)
            {
                // The run finished meanwhile.
            }
        }
    }
}

/// <summary>A run just queued: its id and, when observed, the task that completes when it first ends or waits.</summary>
public sealed record QueuedRun(string RunId, Task<RunState>? Settled);
