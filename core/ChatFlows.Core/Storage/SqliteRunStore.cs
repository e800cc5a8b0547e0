using System.Text.Json;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Running;
using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatFlows.Core.Storage;

/// <summary>
/// Runs in SQLite. Journal writes go through one writer that commits whatever has queued up in a single
/// transaction (group commit), so concurrent runs share commits; see <c>SqliteRunStore.Journal.cs</c>. Claims,
/// decisions and queries use their own pooled connections.
/// </summary>
public sealed partial class SqliteRunStore : IRunStore, IAsyncDisposable
{
    private const string RunColumns =
        "id, workflow_id, workflow_version, status, trigger_node_id, trigger, started_by, thread, created_at, started_at, finished_at, error_node_id, error, result, cancel_requested, parent_run_id, parent_node_id, depth, replay_of, replay_from";

    private readonly SqliteDatabase _database;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Opens the store over a migrated database and starts its journal writer.</summary>
    public SqliteRunStore(SqliteDatabase database, TimeProvider time, ILogger<SqliteRunStore>? logger = null)
    {
        _database = database;
        _time = time;
        _logger = logger ?? NullLogger<SqliteRunStore>.Instance;
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <inheritdoc />
    public Task EnqueueAsync(RunState run, string? owner, DateTimeOffset leaseUntil, CancellationToken ct = default)
    {
        // A replay's reused nodes are queued before its run row, so they are committed no later than the run.
        foreach (var node in run.Nodes)
        {
            if (node.Status != NodeStatus.Pending) _writes.Writer.TryWrite(new UpsertNode(run.Id, node));
        }
        return WriteAsync(new InsertRun(RunRow.Queued(run, _time.GetUtcNow(), owner, owner is null ? null : leaseUntil)));
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<StoredRun>> ListReplaysAsync(string runId, CancellationToken ct = default)
    {
        const string Sql = $"select {RunColumns} from runs where replay_of = @Id order by id";
        await using var connection = _database.Open();
        var rows = await connection.QueryAsync<RunRow>(new CommandDefinition(Sql, new { Id = runId }, cancellationToken: ct));
        return rows.Select(r => r.ToStored()).ToArray();
    }

    /// <inheritdoc />
    public async Task<bool> EnqueueScheduledAsync(ScheduleTick tick, RunState run, CancellationToken ct = default)
    {
        const string ClaimTickSql =
            "insert into schedule_ticks (workflow_id, trigger_id, due_at, run_id, claimed_at) values (@WorkflowId, @TriggerId, @DueAt, @RunId, @Now) on conflict do nothing";
        var now = _time.GetUtcNow();
        var row = RunRow.Queued(run, now, null, null);
        await using var connection = _database.Open();
        await using var transaction = connection.BeginTransaction();
        var claimed = await connection.ExecuteAsync(new CommandDefinition(
            ClaimTickSql,
            new { tick.WorkflowId, tick.TriggerId, DueAt = UnixTime.From(tick.DueAt), RunId = run.Id, Now = UnixTime.From(now) },
            transaction,
            cancellationToken: ct));
        if (claimed != 1) return false;
        await connection.ExecuteAsync(new CommandDefinition(InsertRunSql, row, transaction, cancellationToken: ct));
        await transaction.CommitAsync(ct);
        return true;
    }

    /// <inheritdoc />
    public async Task<bool> EnqueueClaimedAsync(StartClaim claim, RunState run, CancellationToken ct = default)
    {
        const string ClaimSql = "insert into start_claims (source, key, run_id, claimed_at) values (@Source, @Key, @RunId, @Now) on conflict do nothing";
        var now = _time.GetUtcNow();
        var row = RunRow.Queued(run, now, null, null);
        await using var connection = _database.Open();
        await using var transaction = connection.BeginTransaction();
        var claimed = await connection.ExecuteAsync(new CommandDefinition(
            ClaimSql, new { claim.Source, claim.Key, RunId = run.Id, Now = UnixTime.From(now) }, transaction, cancellationToken: ct));
        if (claimed != 1) return false;
        await connection.ExecuteAsync(new CommandDefinition(InsertRunSql, row, transaction, cancellationToken: ct));
        await transaction.CommitAsync(ct);
        return true;
    }

    /// <inheritdoc />
    public async Task<string?> ClaimedRunAsync(StartClaim claim, CancellationToken ct = default)
    {
        const string Sql = "select run_id from start_claims where source = @Source and key = @Key";
        await using var connection = _database.Open();
        return await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(Sql, new { claim.Source, claim.Key }, cancellationToken: ct));
    }

    /// <inheritdoc />
    public async Task<DateTimeOffset?> LastTickAsync(string workflowId, string triggerId, CancellationToken ct = default)
    {
        const string Sql = "select max(due_at) from schedule_ticks where workflow_id = @WorkflowId and trigger_id = @TriggerId";
        await using var connection = _database.Open();
        var due = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(Sql, new { WorkflowId = workflowId, TriggerId = triggerId }, cancellationToken: ct));
        return UnixTime.To(due);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> ClaimAsync(string owner, int max, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken ct = default)
    {
        // SQLite has one writer at a time, so the select and the update cannot interleave with another claim.
        const string Sql = """
            update runs set lease_owner = @Owner, lease_expires_at = @Until
            where id in (
                select id from runs
                where status in ('queued', 'running', 'waiting')
                  and (lease_expires_at is null or lease_expires_at < @Now)
                  and (status != 'waiting' or wake_at <= @Now or cancel_requested = 1
                       or exists (select 1 from run_resumes r where r.run_id = runs.id))
                order by id
                limit @Max)
            returning id
            """;
        if (max <= 0) return [];
        await using var connection = _database.Open();
        var ids = await connection.QueryAsync<string>(new CommandDefinition(
            Sql, new { Owner = owner, Until = UnixTime.From(leaseUntil), Now = UnixTime.From(now), Max = max }, cancellationToken: ct));
        return ids.AsList();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> RenewLeasesAsync(string owner, IReadOnlyCollection<string> runIds, DateTimeOffset leaseUntil, CancellationToken ct = default)
    {
        const string RenewSql = "update runs set lease_expires_at = @Until where lease_owner = @Owner and id in @Ids";
        const string CancelledSql = "select id from runs where lease_owner = @Owner and cancel_requested = 1 and id in @Ids";
        if (runIds.Count == 0) return [];
        var args = new { Owner = owner, Until = UnixTime.From(leaseUntil), Ids = runIds };
        await using var connection = _database.Open();
        await connection.ExecuteAsync(new CommandDefinition(RenewSql, args, cancellationToken: ct));
        return (await connection.QueryAsync<string>(new CommandDefinition(CancelledSql, args, cancellationToken: ct))).AsList();
    }

    /// <inheritdoc />
    public Task ReleaseAsync(string runId, string owner, CancellationToken ct = default)
    {
        // Ordered behind the run's journal writes; nobody needs to wait for it.
        _writes.Writer.TryWrite(new ReleaseRun(runId, owner));
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task<StoredRun?> GetAsync(string runId, CancellationToken ct = default)
    {
        const string RunSql = $"select {RunColumns} from runs where id = @Id";
        const string NodesSql = """
            select node_id, status, attempts, started_at, finished_at, output, error, port, bookmark, wake_at, steps, prompt_tokens, completion_tokens, cost, reused_from
            from node_runs where run_id = @Id
            """;
        const string ResumesSql = "select bookmark, node_id, value from run_resumes where run_id = @Id order by created_at";
        await using var connection = _database.Open();
        var row = await connection.QuerySingleOrDefaultAsync<RunRow>(new CommandDefinition(RunSql, new { Id = runId }, cancellationToken: ct));
        if (row is null) return null;
        var nodes = await connection.QueryAsync<NodeRow>(new CommandDefinition(NodesSql, new { Id = runId }, cancellationToken: ct));
        var resumes = await connection.QueryAsync<ResumeRow>(new CommandDefinition(ResumesSql, new { Id = runId }, cancellationToken: ct));
        return row.ToStored() with
        {
            Nodes = nodes.Select(n => n.ToRecord()).ToArray(),
            Resumes = resumes.Select(r => new Resumption(r.Bookmark, Json(r.Value), r.NodeId)).ToArray(),
        };
    }

    /// <inheritdoc />
    public async Task<RunPage> ListAsync(RunQuery query, CancellationToken ct = default)
    {
        const string Sql = $"""
            select {RunColumns} from runs
            where (@WorkflowId is null or workflow_id = @WorkflowId)
              and (@Status is null or status = @Status)
              and (@Before is null or id < @Before)
            order by id desc
            limit @Take
            """;
        var limit = Math.Clamp(query.Limit, 1, 500);
        await using var connection = _database.Open();
        var rows = (await connection.QueryAsync<RunRow>(new CommandDefinition(
            Sql,
            new { query.WorkflowId, Status = query.Status?.ToText(), query.Before, Take = limit + 1 },
            cancellationToken: ct))).AsList();
        var next = rows.Count > limit ? rows[limit - 1].Id : null;
        return new RunPage(rows.Take(limit).Select(r => r.ToStored()).ToArray(), next);
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
        await using var connection = _database.Open();
        if (await connection.ExecuteAsync(new CommandDefinition(InsertSql, args, cancellationToken: ct)) == 1) return ResumeOutcome.Accepted;
        var why = await connection.QuerySingleAsync<(long RunExists, long Decided)>(new CommandDefinition(WhySql, args, cancellationToken: ct));
        return why.RunExists == 0 ? ResumeOutcome.RunNotFound : why.Decided > 0 ? ResumeOutcome.AlreadyDecided : ResumeOutcome.NotWaiting;
    }

    /// <inheritdoc />
    public Task CompleteResumeAsync(string runId, string bookmark, CancellationToken ct = default)
    {
        _writes.Writer.TryWrite(new DeleteResume(runId, bookmark));
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task<bool> RequestCancelAsync(string runId, CancellationToken ct = default)
    {
        const string Sql = "update runs set cancel_requested = 1 where id = @Id and status in ('queued', 'running', 'waiting')";
        await using var connection = _database.Open();
        return await connection.ExecuteAsync(new CommandDefinition(Sql, new { Id = runId }, cancellationToken: ct)) == 1;
    }

    /// <inheritdoc />
    public async Task<int> PruneAsync(DateTimeOffset endedBefore, CancellationToken ct = default)
    {
        const string Sql = """
            create temp table if not exists pruned (id text primary key);
            delete from pruned;
            insert into pruned select id from runs
                where finished_at < @Before and status in ('succeeded', 'failed', 'cancelled', 'expired');
            delete from node_runs where run_id in (select id from pruned);
            delete from run_resumes where run_id in (select id from pruned);
            delete from node_effects where run_id in (select id from pruned);
            delete from chat_messages where run_id in (select id from pruned);
            delete from runs where id in (select id from pruned);
            delete from schedule_ticks where due_at < @Before and exists (
                select 1 from schedule_ticks later
                where later.workflow_id = schedule_ticks.workflow_id and later.trigger_id = schedule_ticks.trigger_id
                  and later.due_at > schedule_ticks.due_at);
            delete from start_claims where claimed_at < @Before;
            select count(*) from pruned;
            """;
        await using var connection = _database.Open();
        await using var transaction = connection.BeginTransaction();
        var count = await connection.ExecuteScalarAsync<int>(new CommandDefinition(Sql, new { Before = UnixTime.From(endedBefore) }, transaction, cancellationToken: ct));
        await transaction.CommitAsync(ct);
        return count;
    }

    /// <inheritdoc />
    public async ValueTask<JsonElement?> FindEffectAsync(string runId, string nodeId, string effect, CancellationToken ct)
    {
        const string Sql = "select value from node_effects where run_id = @RunId and node_id = @NodeId and effect = @Effect";
        await using var connection = _database.Open();
        var value = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(Sql, new { RunId = runId, NodeId = nodeId, Effect = effect }, cancellationToken: ct));
        return Json(value);
    }

    /// <inheritdoc />
    public ValueTask RecordEffectAsync(string runId, string nodeId, string effect, JsonElement value, CancellationToken ct) =>
        new(WriteAsync(new InsertEffect(runId, nodeId, effect, value.GetRawText(), UnixTime.From(_time.GetUtcNow()))));

    // What the store wrote may nest deeper than any input (a payload inside a node's output), never deeper than this.
    private static JsonElement? Json(string? text) => text is null ? null : JsonDocument.Parse(text, StrictJson.StoredOptions).RootElement.Clone();

    private static RunStatus ParseRunStatus(string text) => Enum.Parse<RunStatus>(text, ignoreCase: true);

    private sealed class ResumeRow
    {
        public string Bookmark { get; init; } = "";

        public string? NodeId { get; init; }

        public string? Value { get; init; }
    }
}
