using ChatFlows.Core.Running;

namespace ChatFlows.Core.Storage;

/// <summary>
/// Durable runs (docs/architecture.md): the queue, the node journal, leases, decisions for waiting nodes, schedule ticks
/// and history. Workers claim runs under a lease that they renew while executing; a run whose lease lapsed
/// (its process died) is claimed again and continued from its journal. Every claim increments the run's lease epoch,
/// and every journal write names the epoch it was made under: once another instance has claimed the run, writes of
/// the instance that lost it change nothing and its next write throws <see cref="LeaseLostException"/>
/// (README §Running several instances). Implemented once for SQLite and PostgreSQL (<c>Storage/Relational</c>).
/// </summary>
public interface IRunStore : IRunJournal
{
    /// <summary>
    /// Stores a new queued run durably, with the node records it already holds (a replay's reused nodes). With an <paramref name="owner"/> the run is leased to that worker until
    /// <paramref name="leaseUntil"/> at epoch 1, so it can execute at once without a claim; sets <see cref="RunState.LeaseEpoch"/>.
    /// </summary>
    Task EnqueueAsync(RunState run, string? owner, DateTimeOffset leaseUntil, CancellationToken ct = default);

    /// <summary>
    /// Leases a new run to <paramref name="owner"/> as <see cref="EnqueueAsync"/> does, but writes nothing yet: the run,
    /// its nodes and its end are stored in one commit when it ends or waits, and the
    /// <see cref="IRunJournal.RunChangedAsync"/> that ends it returns once that commit is done. For a run whose nodes are
    /// all pure and whose caller waits for its answer (README §Webhooks): if the process dies before that commit, the
    /// run was never stored and its caller never answered. A node that records an effect has the run stored first.
    /// </summary>
    void Defer(RunState run, string owner, DateTimeOffset leaseUntil);

    /// <summary>
    /// Stores a run held by <see cref="Defer"/> now, as it is, unless it is stored already, and returns once it is: for
    /// a caller told the run's id before the run ended. Its later changes are journaled as any run's are.
    /// </summary>
    Task StoreDeferredAsync(string runId, CancellationToken ct = default);

    /// <summary>Forgets a run held by <see cref="Defer"/> that was interrupted before it was stored; true when it was never stored.</summary>
    bool DropDeferred(string runId);

    /// <summary>
    /// Claims a schedule's tick and queues its run in one step; false, and nothing queued, when the tick was
    /// already claimed (by this or another instance).
    /// </summary>
    Task<bool> EnqueueScheduledAsync(ScheduleTick tick, RunState run, CancellationToken ct = default);

    /// <summary>
    /// Claims an outside event and queues its run in one step; false, and nothing queued, when the event was already
    /// claimed (by this or another instance, before or after a restart).
    /// </summary>
    Task<bool> EnqueueClaimedAsync(StartClaim claim, RunState run, CancellationToken ct = default);

    /// <summary>The run an outside event started, or null when it has not been claimed.</summary>
    Task<string?> ClaimedRunAsync(StartClaim claim, CancellationToken ct = default);

    /// <summary>The latest claimed tick of a schedule trigger, if any.</summary>
    Task<DateTimeOffset?> LastTickAsync(string workflowId, string triggerId, CancellationToken ct = default);

    /// <summary>
    /// Leases up to <paramref name="max"/> runs that need a worker: queued or interrupted runs whose lease is free
    /// or lapsed, and waiting runs with a decision to take, a wake-up due or a cancel asked for. Each claim increments
    /// the run's lease epoch; two instances claiming at once never get the same run.
    /// </summary>
    Task<IReadOnlyList<RunLease>> ClaimAsync(string owner, int max, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken ct = default);

    /// <summary>
    /// Extends the leases this worker holds; reports the runs among them with a cancel asked for, and those another
    /// instance holds now (their writes from here are refused from then on).
    /// </summary>
    Task<LeaseRenewal> RenewLeasesAsync(string owner, IReadOnlyCollection<string> runIds, DateTimeOffset leaseUntil, CancellationToken ct = default);

    /// <summary>Gives a lease back (a run that ended or waits gives it back with its final journal write).</summary>
    Task ReleaseAsync(string runId, string owner, CancellationToken ct = default);

    /// <summary>A run with its node journal and pending decisions, or null.</summary>
    Task<StoredRun?> GetAsync(string runId, CancellationToken ct = default);

    /// <summary>The replays of a run (README §Replay a run), oldest first, without node details.</summary>
    Task<IReadOnlyList<StoredRun>> ListReplaysAsync(string runId, CancellationToken ct = default);

    /// <summary>Run history, newest first, without node details.</summary>
    Task<RunPage> ListAsync(RunQuery query, CancellationToken ct = default);

    /// <summary>How many runs wait (for an approval, a timer, a sub-workflow), in every workspace.</summary>
    Task<long> CountWaitingAsync(CancellationToken ct = default);

    /// <summary>Records a decision for the node waiting on a bookmark; at most one per bookmark is accepted.</summary>
    Task<ResumeOutcome> RequestResumeAsync(string runId, Resumption resumption, DateTimeOffset now, CancellationToken ct = default);

    /// <summary>Forgets a decision once the run has taken it.</summary>
    Task CompleteResumeAsync(string runId, string bookmark, CancellationToken ct = default);

    /// <summary>Asks for a run to be cancelled; false when it does not exist or has already ended.</summary>
    Task<bool> RequestCancelAsync(string runId, CancellationToken ct = default);

    /// <summary>Deletes runs (and their journals) that ended before <paramref name="endedBefore"/>; returns how many.</summary>
    Task<int> PruneAsync(DateTimeOffset endedBefore, CancellationToken ct = default);

    /// <summary>Waits until every journal write made so far is committed.</summary>
    Task FlushAsync(CancellationToken ct = default);
}
