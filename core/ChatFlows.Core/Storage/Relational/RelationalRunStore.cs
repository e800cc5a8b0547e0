using System.Collections.Concurrent;
using System.Data.Common;
using System.Text.Json;
using ChatFlows.Core.Running;
using Dapper;
using Microsoft.Extensions.Logging;

namespace ChatFlows.Core.Storage.Relational;

/// <summary>
/// Runs in a relational database (docs/architecture.md §Storage), written once for every provider: the queries, the
/// row mapping, paging, pruning and the journal writer (<c>RelationalRunStore.Journal.cs</c>). A dialect adds only
/// what its database does differently: how runs are claimed, how a list of ids is passed, and whether the journal
/// must lock the runs it writes to.
/// </summary>
/// <remarks>
/// Lease epochs (README §Running several instances): every claim increments a run's <c>lease_epoch</c>, and every
/// journal write for the run is fenced in its SQL by the epoch it was made under. A fenced write that changes
/// nothing means another instance claimed the run; the run's next write here throws <see cref="LeaseLostException"/>.
/// </remarks>
public abstract partial class RelationalRunStore : IRunStore, IAsyncDisposable
{
    private readonly StoreDatabase _database;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    // The epoch of each run this instance holds, for the writes that name only a run id (effects, decisions taken, releases).
    private readonly ConcurrentDictionary<string, long> _held = new(StringComparer.Ordinal);

    // Deferred runs stored with their lease already released, by epoch, until their worker lets them go: a heartbeat
    // in between finds them released by this instance, not lost.
    private readonly ConcurrentDictionary<string, long> _storedReleased = new(StringComparer.Ordinal);

    // Runs whose lease this instance lost: writes under an epoch below the value are refused without reaching the database.
    private readonly ConcurrentDictionary<string, long> _lostLeases = new(StringComparer.Ordinal);
    private int _lostLeaseCount;

    /// <summary>Opens the store over a migrated database and starts its journal writer.</summary>
    protected RelationalRunStore(StoreDatabase database, TimeProvider time, ILogger logger)
    {
        _database = database;
        _time = time;
        _logger = logger;
        _writer = StartWriter();
    }

    /// <summary>
    /// Which runs need a worker (the same on every provider): queued or interrupted runs whose lease is free or lapsed
    /// as of <c>@Now</c>, and waiting runs with a decision to take, a wake-up due or a cancel asked for.
    /// </summary>
    protected const string Claimable = """
        status in ('queued', 'running', 'waiting')
          and (lease_expires_at is null or lease_expires_at < @Now)
          and (status != 'waiting' or wake_at <= @Now or cancel_requested = 1
               or exists (select 1 from run_resumes r where r.run_id = runs.id))
        """;

    /// <summary>
    /// Leases up to <c>@Max</c> claimable runs to <c>@Owner</c> until <c>@Until</c> (as of <c>@Now</c>), incrementing
    /// each one's <c>lease_epoch</c>; returns <c>id, lease_epoch</c> of each. Two instances claiming at once must never
    /// both get the same run.
    /// </summary>
    protected abstract string ClaimSql { get; }

    /// <summary>Extends <c>@Owner</c>'s leases among the runs <c>@Ids</c> to <c>@Until</c>.</summary>
    protected abstract string RenewSql { get; }

    /// <summary>Reads <c>id, lease_owner, lease_epoch, cancel_requested</c> of the runs <c>@Ids</c>.</summary>
    protected abstract string LeasesSql { get; }

    /// <inheritdoc />
    public Task EnqueueAsync(RunState run, string? owner, DateTimeOffset leaseUntil, CancellationToken ct = default)
    {
        var row = RunRow.Queued(run, _time.GetUtcNow(), owner, owner is null ? null : leaseUntil);
        run.LeaseEpoch = row.LeaseEpoch;
        if (owner is not null) _held[run.Id] = row.LeaseEpoch;
        // A replay's reused nodes are written with the run row, in the same transaction.
        var reused = run.Nodes.Where(n => n.Status != NodeStatus.Pending).Select(n => new UpsertNode(run.Id, row.LeaseEpoch, n)).ToArray();
        return EnqueueWrittenAsync(WriteAsync(new InsertRun(row, reused)), run.Id);
    }

    /// <inheritdoc />
    public void Defer(RunState run, string owner, DateTimeOffset leaseUntil)
    {
        var row = RunRow.Queued(run, _time.GetUtcNow(), owner, leaseUntil);
        run.LeaseEpoch = row.LeaseEpoch;
        _held[run.Id] = row.LeaseEpoch;
        _deferred[run.Id] = new DeferredRun(row, run);
    }

    /// <inheritdoc />
    public Task StoreDeferredAsync(string runId, CancellationToken ct = default) =>
        _deferred.TryGetValue(runId, out var deferred) ? Store(deferred, null).WaitAsync(ct) : Task.CompletedTask;

    /// <inheritdoc />
    public bool DropDeferred(string runId)
    {
        if (!_deferred.TryGetValue(runId, out var deferred)) return false;
        lock (deferred)
        {
            if (deferred.Storing is not null) return false;
            _deferred.TryRemove(runId, out _);
        }
        // Its start entry is dropped with it: the run never existed.
        deferred.AuditSettled();
        _held.TryRemove(runId, out _);
        return true;
    }

    private async Task EnqueueWrittenAsync(Task written, string runId)
    {
        try
        {
            await written;
        }
        catch (RunAlreadyStoredException)
        {
            // Not this instance's run to hold.
            _held.TryRemove(runId, out _);
            throw;
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<StoredRun>> ListReplaysAsync(string runId, CancellationToken ct = default)
    {
        const string Sql = $"select {RunRow.Columns} from runs where replay_of = @Id order by id";
        await using var connection = await _database.OpenAsync(ct);
        var rows = await connection.QueryAsync<RunRow>(new CommandDefinition(Sql, new { Id = runId }, cancellationToken: ct));
        return rows.Select(r => r.ToStored()).ToArray();
    }

    /// <inheritdoc />
    public async Task<bool> EnqueueScheduledAsync(ScheduleTick tick, RunState run, CancellationToken ct = default)
    {
        const string ClaimTickSql =
            "insert into schedule_ticks (workflow_id, trigger_id, due_at, run_id, claimed_at) values (@WorkflowId, @TriggerId, @DueAt, @RunId, @Now) on conflict do nothing";
        var now = _time.GetUtcNow();
        return await InsertClaimedRunAsync(
            ClaimTickSql, new { tick.WorkflowId, tick.TriggerId, DueAt = UnixTime.From(tick.DueAt), RunId = run.Id, Now = UnixTime.From(now) }, run, now, ct);
    }

    /// <inheritdoc />
    public async Task<bool> EnqueueClaimedAsync(StartClaim claim, RunState run, CancellationToken ct = default)
    {
        const string ClaimSql = "insert into start_claims (source, key, run_id, claimed_at) values (@Source, @Key, @RunId, @Now) on conflict do nothing";
        var now = _time.GetUtcNow();
        return await InsertClaimedRunAsync(ClaimSql, new { claim.Source, claim.Key, RunId = run.Id, Now = UnixTime.From(now) }, run, now, ct);
    }

    /// <inheritdoc />
    public async Task<string?> ClaimedRunAsync(StartClaim claim, CancellationToken ct = default)
    {
        const string Sql = "select run_id from start_claims where source = @Source and key = @Key";
        await using var connection = await _database.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(Sql, new { claim.Source, claim.Key }, cancellationToken: ct));
    }

    /// <inheritdoc />
    public async Task<DateTimeOffset?> LastTickAsync(string workflowId, string triggerId, CancellationToken ct = default)
    {
        const string Sql = "select max(due_at) from schedule_ticks where workflow_id = @WorkflowId and trigger_id = @TriggerId";
        await using var connection = await _database.OpenAsync(ct);
        var due = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(Sql, new { WorkflowId = workflowId, TriggerId = triggerId }, cancellationToken: ct));
        return UnixTime.To(due);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<RunLease>> ClaimAsync(string owner, int max, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken ct = default)
    {
        if (max <= 0) return [];
        await using var connection = await _database.OpenAsync(ct);
        var rows = await connection.QueryAsync<LeaseRow>(new CommandDefinition(
            ClaimSql, new { Owner = owner, Until = UnixTime.From(leaseUntil), Now = UnixTime.From(now), Max = max }, cancellationToken: ct));
        var leases = rows.Select(r => new RunLease(r.Id, r.LeaseEpoch)).OrderBy(l => l.RunId, StringComparer.Ordinal).ToArray();
        foreach (var lease in leases) _held[lease.RunId] = lease.Epoch;
        return leases;
    }

    /// <inheritdoc />
    public async Task<LeaseRenewal> RenewLeasesAsync(string owner, IReadOnlyCollection<string> runIds, DateTimeOffset leaseUntil, CancellationToken ct = default)
    {
        if (runIds.Count == 0) return LeaseRenewal.None;
        var args = new { Owner = owner, Until = UnixTime.From(leaseUntil), Ids = runIds.ToArray() };
        await using var connection = await _database.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(RenewSql, args, cancellationToken: ct));
        var rows = await connection.QueryAsync<LeaseRow>(new CommandDefinition(LeasesSql, args, cancellationToken: ct));
        List<string> cancelled = [], lost = [];
        foreach (var row in rows)
        {
            if (row.LeaseOwner == owner)
            {
                if (row.CancelRequested) cancelled.Add(row.Id);
                continue;
            }
            // Released here, under the epoch it was held with (a deferred run is stored with its lease released, just
            // before its worker lets it go). Released under a later epoch, it was taken over and finished elsewhere.
            if (row.LeaseOwner is null && _storedReleased.TryGetValue(row.Id, out var released) && released == row.LeaseEpoch) continue;
            // Held by another instance now (or released by it): nothing this one writes under an epoch up to the
            // current one may be written any more.
            lost.Add(row.Id);
            MarkLeaseLost(row.Id, row.LeaseEpoch + 1);
        }
        return new LeaseRenewal(cancelled, lost);
    }

    /// <inheritdoc />
    public Task ReleaseAsync(string runId, string owner, CancellationToken ct = default)
    {
        // Ordered behind the run's journal writes; nobody needs to wait for it. Not held (lost to another instance,
        // or a deferred run stored with its end and its lease released): there is nothing to release.
        _storedReleased.TryRemove(runId, out _);
        if (!_held.TryRemove(runId, out var epoch)) return Task.CompletedTask;
        // Never stored (interrupted before its end): there is no lease to release.
        if (!_deferred.IsEmpty && _deferred.TryGetValue(runId, out var deferred) && deferred.Storing is null && _deferred.TryRemove(runId, out _)) return Task.CompletedTask;
        _writes.Writer.TryWrite(new ReleaseRun(runId, owner, epoch));
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task<StoredRun?> GetAsync(string runId, CancellationToken ct = default)
    {
        const string RunSql = $"select {RunRow.Columns} from runs where id = @Id";
        const string NodesSql = $"select {NodeRow.Columns} from node_runs where run_id = @Id";
        const string ResumesSql = "select bookmark, node_id, value from run_resumes where run_id = @Id order by created_at";
        await using var connection = await _database.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<RunRow>(new CommandDefinition(RunSql, new { Id = runId }, cancellationToken: ct));
        if (row is null) return null;
        var nodes = await connection.QueryAsync<NodeRow>(new CommandDefinition(NodesSql, new { Id = runId }, cancellationToken: ct));
        var resumes = await connection.QueryAsync<ResumeRow>(new CommandDefinition(ResumesSql, new { Id = runId }, cancellationToken: ct));
        return row.ToStored() with
        {
            Nodes = nodes.Select(n => n.ToRecord()).ToArray(),
            Resumes = resumes.Select(r => new Resumption(r.Bookmark, StoredJson.Parse(r.Value), r.NodeId)).ToArray(),
        };
    }

    /// <inheritdoc />
    public async Task<RunPage> ListAsync(RunQuery query, CancellationToken ct = default)
    {
        const string Sql = $"""
            select {RunRow.Columns} from runs
            where (@WorkflowId is null or workflow_id = @WorkflowId)
              and (@Workspace is null or workspace = @Workspace)
              and (@Status is null or status = @Status)
              and (@Before is null or id < @Before)
            order by id desc
            limit @Take
            """;
        var limit = Math.Clamp(query.Limit, 1, 500);
        await using var connection = await _database.OpenAsync(ct);
        var rows = (await connection.QueryAsync<RunRow>(new CommandDefinition(
            Sql,
            new { query.WorkflowId, query.Workspace, Status = query.Status?.ToText(), query.Before, Take = limit + 1 },
            cancellationToken: ct))).AsList();
        var next = rows.Count > limit ? rows[limit - 1].Id : null;
        return new RunPage(rows.Take(limit).Select(r => r.ToStored()).ToArray(), next);
    }

    /// <inheritdoc />
    public async Task<long> CountWaitingAsync(CancellationToken ct = default)
    {
        // The first term is runs_unfinished's own condition: SQLite uses a partial index only for a query that states it,
        // and has no other index on status (Migrations/sqlite/0022). PostgreSQL reads runs_by_status.
        const string Sql = "select count(*) from runs where status in ('queued', 'running', 'waiting') and status = 'waiting'";
        await using var connection = await _database.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(Sql, cancellationToken: ct));
    }

    /// <inheritdoc />
    public async Task<ResumeOutcome> RequestResumeAsync(string runId, Resumption resumption, DateTimeOffset now, CancellationToken ct = default)
    {
        const string InsertSql = """
            insert into run_resumes (run_id, bookmark, node_id, value, created_at)
            select @RunId, @Bookmark, @NodeId, @Value, @Now
            where exists (select 1 from node_runs n join runs r on r.id = n.run_id
                          where n.run_id = @RunId and n.status = 'waiting' and n.bookmark = @Bookmark
                            and (@NodeId is null or n.node_id = @NodeId) and r.status in ('waiting', 'running'))
            on conflict do nothing
            """;
        const string WhySql = """
            select (select count(*) from runs where id = @RunId) as run_exists,
                   (select count(*) from run_resumes where run_id = @RunId and bookmark = @Bookmark) as decided
            """;
        var args = new { RunId = runId, resumption.Bookmark, resumption.NodeId, Value = resumption.Value?.GetRawText(), Now = UnixTime.From(now) };
        await using var connection = await _database.OpenAsync(ct);
        if (await connection.ExecuteAsync(new CommandDefinition(InsertSql, args, cancellationToken: ct)) == 1) return ResumeOutcome.Accepted;
        var why = await connection.QuerySingleAsync<(long RunExists, long Decided)>(new CommandDefinition(WhySql, args, cancellationToken: ct));
        return why.RunExists == 0 ? ResumeOutcome.RunNotFound : why.Decided > 0 ? ResumeOutcome.AlreadyDecided : ResumeOutcome.NotWaiting;
    }

    /// <inheritdoc />
    public Task CompleteResumeAsync(string runId, string bookmark, CancellationToken ct = default)
    {
        _writes.Writer.TryWrite(new DeleteResume(runId, bookmark, _held.GetValueOrDefault(runId)));
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task<bool> RequestCancelAsync(string runId, CancellationToken ct = default)
    {
        const string Sql = "update runs set cancel_requested = 1 where id = @Id and status in ('queued', 'running', 'waiting')";
        await using var connection = await _database.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(Sql, new { Id = runId }, cancellationToken: ct)) == 1;
    }

    /// <inheritdoc />
    public async Task<int> PruneAsync(DateTimeOffset endedBefore, CancellationToken ct = default)
    {
        // A run's finished_at is set when it ends, never in the past: no run joins the pruned set between these statements.
        const string Pruned = $"select id from runs where finished_at < @Before and {EndedStatuses}";
        const string DeleteRunsSql = $"delete from runs where finished_at < @Before and {EndedStatuses}";
        // The latest tick of each schedule stays: it is where the schedule continues from.
        const string DeleteTicksSql = """
            delete from schedule_ticks where due_at < @Before and exists (
                select 1 from schedule_ticks later
                where later.workflow_id = schedule_ticks.workflow_id and later.trigger_id = schedule_ticks.trigger_id
                  and later.due_at > schedule_ticks.due_at)
            """;
        const string DeleteClaimsSql = "delete from start_claims where claimed_at < @Before";
        var args = new { Before = UnixTime.From(endedBefore) };
        await using var connection = await _database.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        foreach (var table in RunJournalTables)
        {
            await connection.ExecuteAsync(new CommandDefinition($"delete from {table} where run_id in ({Pruned})", args, transaction, cancellationToken: ct));
        }
        var count = await connection.ExecuteAsync(new CommandDefinition(DeleteRunsSql, args, transaction, cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition(DeleteTicksSql, args, transaction, cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition(DeleteClaimsSql, args, transaction, cancellationToken: ct));
        await transaction.CommitAsync(ct);
        return count;
    }

    /// <inheritdoc />
    public async ValueTask<JsonElement?> FindEffectAsync(string runId, string nodeId, string effect, CancellationToken ct)
    {
        const string Sql = "select value from node_effects where run_id = @RunId and node_id = @NodeId and effect = @Effect";
        // A run not stored yet has recorded nothing.
        if (_deferred.ContainsKey(runId)) return null;
        await using var connection = await _database.OpenAsync(ct);
        var value = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(Sql, new { RunId = runId, NodeId = nodeId, Effect = effect }, cancellationToken: ct));
        return StoredJson.Parse(value);
    }

    /// <inheritdoc />
    public ValueTask RecordEffectAsync(string runId, string nodeId, string effect, JsonElement value, CancellationToken ct)
    {
        var epoch = _held.GetValueOrDefault(runId);
        if (IsLeaseLost(runId, epoch)) return ValueTask.FromException(new LeaseLostException(runId));
        var write = new InsertEffect(runId, epoch, nodeId, effect, value.GetRawText(), UnixTime.From(_time.GetUtcNow()));
        if (!_deferred.IsEmpty && _deferred.TryGetValue(runId, out var deferred)) return new(StoreThenWriteAsync(deferred, write));
        return new(WriteAsync(write));
    }

    /// <summary>True when the journal must lock the runs it writes to (<see cref="LockRunsForJournal"/>).</summary>
    protected virtual bool LocksRunsForJournal => false;

    /// <summary>
    /// Locks the rows of <paramref name="runIds"/> for the journal transaction, where another instance could otherwise
    /// claim one of them between a fenced write and its commit; SQLite, with one writer at a time, needs nothing.
    /// </summary>
    protected virtual void LockRunsForJournal(DbConnection connection, DbTransaction transaction, IReadOnlyCollection<string> runIds)
    {
    }

    private async Task<bool> InsertClaimedRunAsync(string claimSql, object claimArgs, RunState run, DateTimeOffset now, CancellationToken ct)
    {
        const string InsertSql = $"insert into runs ({InsertRunColumns}) values ({InsertRunValues})";
        var row = RunRow.Queued(run, now, null, null);
        run.LeaseEpoch = row.LeaseEpoch;
        await using var connection = await _database.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (await connection.ExecuteAsync(new CommandDefinition(claimSql, claimArgs, transaction, cancellationToken: ct)) != 1) return false;
        await connection.ExecuteAsync(new CommandDefinition(InsertSql, row, transaction, cancellationToken: ct));
        await transaction.CommitAsync(ct);
        return true;
    }

    private bool IsLeaseLost(string runId, long epoch) =>
        Volatile.Read(ref _lostLeaseCount) > 0 && _lostLeases.TryGetValue(runId, out var from) && epoch < from;

    private void MarkLeaseLost(string runId, long refusedBelow)
    {
        var added = false;
        _lostLeases.AddOrUpdate(runId, _ => { added = true; return refusedBelow; }, (_, old) => Math.Max(old, refusedBelow));
        if (added) Interlocked.Increment(ref _lostLeaseCount);
        if (_held.TryGetValue(runId, out var held) && held < refusedBelow) _held.TryRemove(new KeyValuePair<string, long>(runId, held));
    }

    private sealed class ResumeRow
    {
        public string Bookmark { get; init; } = "";

        public string? NodeId { get; init; }

        public string? Value { get; init; }
    }

    private sealed class LeaseRow
    {
        public string Id { get; init; } = "";

        public string? LeaseOwner { get; init; }

        public long LeaseEpoch { get; init; }

        public bool CancelRequested { get; init; }
    }
}
