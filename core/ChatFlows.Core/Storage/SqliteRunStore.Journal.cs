using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using ChatFlows.Core.Running;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace ChatFlows.Core.Storage;

// The journal: node and run changes are snapshotted on the run's thread and queued to a single writer, which
// commits everything queued so far in one transaction and keeps only the last change of each node and run in a
// batch. A run waits for the commit only where durability needs it: when it is queued, and when it waits or
// ends. A node journaled as finished but not yet committed when the process dies simply runs again, as the
// at-least-once rule of docs/semantics.md allows.
public sealed partial class SqliteRunStore
{
    private const int MaxBatch = 4096;

    private const string InsertRunSql = """
        insert into runs (id, workflow_id, workflow_version, status, trigger_node_id, trigger, started_by, thread, created_at, lease_owner, lease_expires_at,
            parent_run_id, parent_node_id, depth, replay_of, replay_from)
        values (@Id, @WorkflowId, @WorkflowVersion, @Status, @TriggerNodeId, @Trigger, @StartedBy, @Thread, @CreatedAt, @LeaseOwner, @LeaseExpiresAt,
            @ParentRunId, @ParentNodeId, @Depth, @ReplayOf, @ReplayFrom)
        """;

    private const string UpdateRunSql = """
        update runs set status = @Status, started_at = @StartedAt, finished_at = @FinishedAt, error_node_id = @ErrorNodeId,
            error = @Error, result = @Result, wake_at = @WakeAt
        where id = @Id
        """;

    private const string UpsertNodeSql = """
        insert into node_runs (run_id, node_id, status, attempts, started_at, finished_at, output, error, port, bookmark, wake_at,
            steps, prompt_tokens, completion_tokens, cost, reused_from)
        values (@RunId, @NodeId, @Status, @Attempts, @StartedAt, @FinishedAt, @Output, @Error, @Port, @Bookmark, @WakeAt,
            @Steps, @PromptTokens, @CompletionTokens, @Cost, @ReusedFrom)
        on conflict (run_id, node_id) do update set
            status = excluded.status, attempts = excluded.attempts, started_at = excluded.started_at,
            finished_at = excluded.finished_at, output = excluded.output, error = excluded.error, port = excluded.port,
            bookmark = excluded.bookmark, wake_at = excluded.wake_at, steps = excluded.steps,
            prompt_tokens = excluded.prompt_tokens, completion_tokens = excluded.completion_tokens, cost = excluded.cost,
            reused_from = excluded.reused_from
        """;

    private const string InsertEffectSql = """
        insert into node_effects (run_id, node_id, effect, value, created_at) values (@RunId, @NodeId, @Effect, @Value, @CreatedAt)
        on conflict do update set value = excluded.value
        """;

    // A sub-workflow's end is handed to its waiting parent in the same transaction that records the end.
    private const string ResumeParentSql = """
        insert into run_resumes (run_id, bookmark, node_id, value, created_at) values (@ParentRunId, @Bookmark, @ParentNodeId, @Value, @CreatedAt)
        on conflict do nothing
        """;

    private const string ReleaseSql = "update runs set lease_owner = null, lease_expires_at = null where id = @Id and lease_owner = @Owner";

    private const string DeleteResumeSql = "delete from run_resumes where run_id = @RunId and bookmark = @Bookmark";

    private readonly Channel<Write> _writes = Channel.CreateUnbounded<Write>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;
    // Runs whose unawaited journal writes failed; their next awaited write reports it.
    private readonly ConcurrentDictionary<string, Exception> _lostWrites = new(StringComparer.Ordinal);
    private long _nodeWrites;
    private long _rowsWritten;
    private long _commits;

    /// <summary>Node changes journaled since start.</summary>
    public long NodeWrites => Interlocked.Read(ref _nodeWrites);

    /// <summary>Rows written by the journal writer since start (after coalescing).</summary>
    public long RowsWritten => Interlocked.Read(ref _rowsWritten);

    /// <summary>Transactions committed by the journal writer since start.</summary>
    public long Commits => Interlocked.Read(ref _commits);

    /// <inheritdoc />
    public ValueTask RunChangedAsync(RunState run, CancellationToken ct)
    {
        var write = new UpdateRun(run);
        if (!run.Status.IsTerminal() && run.Status != RunStatus.Waiting)
        {
            _writes.Writer.TryWrite(write);
            return ValueTask.CompletedTask;
        }
        return new ValueTask(CommitRunAsync(write));
    }

    /// <inheritdoc />
    public ValueTask NodeChangedAsync(RunState run, NodeRecord node, CancellationToken ct)
    {
        Interlocked.Increment(ref _nodeWrites);
        _writes.Writer.TryWrite(new UpsertNode(run.Id, node));
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public Task FlushAsync(CancellationToken ct = default) => WriteAsync(new Barrier()).WaitAsync(ct);

    /// <summary>Commits what is queued and stops the writer.</summary>
    public async ValueTask DisposeAsync()
    {
        _writes.Writer.TryComplete();
        await _writer;
    }

    private async Task CommitRunAsync(UpdateRun write)
    {
        await WriteAsync(write);
        if (_lostWrites.TryRemove(write.Id, out var lost))
        {
            throw new InvalidOperationException($"Journal writes of run {write.Id} were lost ({lost.Message}); the run continues from its journal once its lease lapses.", lost);
        }
    }

    private Task WriteAsync(Write write)
    {
        write.Done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_writes.Writer.TryWrite(write)) write.Done.SetException(new ObjectDisposedException(nameof(SqliteRunStore)));
        return write.Done.Task;
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<Write>(MaxBatch);
        while (await _writes.Reader.WaitToReadAsync())
        {
            try
            {
                await using var connection = _database.Open();
                using var statements = new Statements(connection);
                while (await _writes.Reader.WaitToReadAsync())
                {
                    batch.Clear();
                    while (batch.Count < MaxBatch && _writes.Reader.TryRead(out var write)) batch.Add(write);
                    try
                    {
                        Commit(connection, statements, batch);
                    }
                    catch (Exception ex) when (ex is SqliteException or InvalidOperationException)
                    {
                        Fail(batch, ex);
                        // Start again on a fresh connection.
                        break;
                    }
                    foreach (var write in batch) write.Done?.TrySetResult();
                }
            }
            catch (SqliteException ex)
            {
                LogJournalUnavailable(ex);
                await Task.Delay(TimeSpan.FromMilliseconds(200), _time);
            }
        }
    }

    private void Commit(SqliteConnection connection, Statements statements, List<Write> batch)
    {
        // Only the last change of each node and run in a batch needs writing; inserts go first, releases last.
        var nodes = new Dictionary<(string, string), UpsertNode>();
        var runs = new Dictionary<string, UpdateRun>(StringComparer.Ordinal);
        foreach (var write in batch)
        {
            if (write is UpsertNode node) nodes[(node.RunId, node.NodeId)] = node;
            else if (write is UpdateRun run) runs[run.Id] = run;
        }
        using var transaction = connection.BeginTransaction();
        statements.Enlist(transaction);
        var rows = 0;
        foreach (var write in batch)
        {
            if (write is InsertRun insert)
            {
                var row = insert.Row;
                rows += statements.Run(statements.InsertRun, row.Id, row.WorkflowId, row.WorkflowVersion, row.Status, row.TriggerNodeId, row.Trigger,
                    row.StartedBy, row.Thread, row.CreatedAt, row.LeaseOwner, row.LeaseExpiresAt, row.ParentRunId, row.ParentNodeId, row.Depth, row.ReplayOf, row.ReplayFrom);
            }
        }
        foreach (var run in runs.Values)
        {
            rows += statements.Run(statements.UpdateRun, run.Id, run.Status, run.StartedAt, run.FinishedAt, run.ErrorNodeId, run.Error, run.Result?.GetRawText(), run.WakeAt);
            if (run.ParentOutcome is { } outcome)
            {
                rows += statements.Run(statements.ResumeParent, run.ParentRunId, ChildRuns.Bookmark(run.Id), run.ParentNodeId, outcome.GetRawText(), run.ChangedAt);
            }
        }
        foreach (var node in nodes.Values)
        {
            rows += statements.Run(statements.UpsertNode, node.RunId, node.NodeId, node.Status, node.Attempts, node.StartedAt, node.FinishedAt,
                node.Output?.GetRawText(), node.Error, node.Port, node.Bookmark, node.WakeAt, node.Steps, node.PromptTokens, node.CompletionTokens, node.Cost, node.ReusedFrom);
        }
        foreach (var write in batch)
        {
            if (write is InsertEffect effect) rows += statements.Run(statements.InsertEffect, effect.RunId, effect.NodeId, effect.Effect, effect.Value, effect.CreatedAt);
            else if (write is ReleaseRun release) rows += statements.Run(statements.Release, release.Id, release.Owner);
            else if (write is DeleteResume resume) rows += statements.Run(statements.DeleteResume, resume.RunId, resume.Bookmark);
        }
        transaction.Commit();
        Interlocked.Add(ref _rowsWritten, rows);
        Interlocked.Increment(ref _commits);
    }

    private void Fail(List<Write> batch, Exception error)
    {
        LogJournalWriteFailed(error, batch.Count);
        foreach (var write in batch)
        {
            if (write.Done is { } done) done.TrySetException(error);
            else if (write is UpsertNode node) _lostWrites[node.RunId] = error;
            else if (write is UpdateRun run) _lostWrites[run.Id] = error;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Journal writes failed; {Count} changes were not stored")]
    private partial void LogJournalWriteFailed(Exception error, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "The journal database cannot be opened; retrying")]
    private partial void LogJournalUnavailable(Exception error);

    // Prepared once per connection: the journal is the hot path, and preparing a statement costs more than running it.
    private sealed class Statements : IDisposable
    {
        public Statements(SqliteConnection connection)
        {
            InsertRun = Prepare(connection, InsertRunSql, "@Id", "@WorkflowId", "@WorkflowVersion", "@Status", "@TriggerNodeId", "@Trigger", "@StartedBy", "@Thread", "@CreatedAt", "@LeaseOwner", "@LeaseExpiresAt",
                "@ParentRunId", "@ParentNodeId", "@Depth", "@ReplayOf", "@ReplayFrom");
            UpdateRun = Prepare(connection, UpdateRunSql, "@Id", "@Status", "@StartedAt", "@FinishedAt", "@ErrorNodeId", "@Error", "@Result", "@WakeAt");
            UpsertNode = Prepare(connection, UpsertNodeSql, "@RunId", "@NodeId", "@Status", "@Attempts", "@StartedAt", "@FinishedAt", "@Output", "@Error", "@Port", "@Bookmark", "@WakeAt",
                "@Steps", "@PromptTokens", "@CompletionTokens", "@Cost", "@ReusedFrom");
            InsertEffect = Prepare(connection, InsertEffectSql, "@RunId", "@NodeId", "@Effect", "@Value", "@CreatedAt");
            ResumeParent = Prepare(connection, ResumeParentSql, "@ParentRunId", "@Bookmark", "@ParentNodeId", "@Value", "@CreatedAt");
            Release = Prepare(connection, ReleaseSql, "@Id", "@Owner");
            DeleteResume = Prepare(connection, DeleteResumeSql, "@RunId", "@Bookmark");
        }

        public SqliteCommand InsertRun { get; }

        public SqliteCommand UpdateRun { get; }

        public SqliteCommand UpsertNode { get; }

        public SqliteCommand Release { get; }

        public SqliteCommand InsertEffect { get; }

        public SqliteCommand ResumeParent { get; }

        public SqliteCommand DeleteResume { get; }

        public void Enlist(SqliteTransaction transaction)
        {
            InsertRun.Transaction = UpdateRun.Transaction = UpsertNode.Transaction = Release.Transaction = DeleteResume.Transaction = transaction;
            InsertEffect.Transaction = ResumeParent.Transaction = transaction;
        }

        public int Run(SqliteCommand command, params object?[] values)
        {
            for (var i = 0; i < values.Length; i++) command.Parameters[i].Value = values[i] ?? DBNull.Value;
            return command.ExecuteNonQuery();
        }

        public void Dispose()
        {
            InsertRun.Dispose();
            UpdateRun.Dispose();
            UpsertNode.Dispose();
            Release.Dispose();
            DeleteResume.Dispose();
            InsertEffect.Dispose();
            ResumeParent.Dispose();
        }

        private static SqliteCommand Prepare(SqliteConnection connection, string sql, params string[] names)
        {
            var command = connection.CreateCommand();
            command.CommandText = sql;
            foreach (var name in names) command.Parameters.Add(new SqliteParameter(name, DBNull.Value));
            command.Prepare();
            return command;
        }
    }

    private abstract class Write
    {
        public TaskCompletionSource? Done { get; set; }
    }

    private sealed class Barrier : Write;

    private sealed class InsertRun(RunRow row) : Write
    {
        public RunRow Row { get; } = row;
    }

    private sealed class ReleaseRun(string id, string owner) : Write
    {
        public string Id { get; } = id;

        public string Owner { get; } = owner;
    }

    private sealed class InsertEffect(string runId, string nodeId, string effect, string value, long createdAt) : Write
    {
        public string RunId { get; } = runId;

        public string NodeId { get; } = nodeId;

        public string Effect { get; } = effect;

        public string Value { get; } = value;

        public long CreatedAt { get; } = createdAt;
    }

    private sealed class DeleteResume(string runId, string bookmark) : Write
    {
        public string RunId { get; } = runId;

        public string Bookmark { get; } = bookmark;
    }

    // Snapshots: the run's executor keeps changing its records after handing them to the journal.
    private sealed class UpdateRun(RunState run) : Write
    {
        public string Id { get; } = run.Id;

        public string Status { get; } = run.Status.ToText();

        public long? StartedAt { get; } = UnixTime.From(run.StartedAt);

        public long? FinishedAt { get; } = UnixTime.From(run.FinishedAt);

        public string? ErrorNodeId { get; } = run.Error?.NodeId;

        public string? Error { get; } = run.Error?.Message;

        public JsonElement? Result { get; } = run.Result;

        public long? WakeAt { get; } = run.Status == RunStatus.Waiting ? UnixTime.From(EarliestWake(run)) : null;

        public string? ParentRunId { get; } = run.Request.ParentRunId;

        public string? ParentNodeId { get; } = run.Request.ParentNodeId;

        /// <summary>For an ended sub-workflow run: what its parent is resumed with.</summary>
        public JsonElement? ParentOutcome { get; } = run.Request.ParentRunId is not null && run.Status.IsTerminal()
            ? ChildRuns.Outcome(run)
            : null;

        public long? ChangedAt { get; } = UnixTime.From(run.FinishedAt);

        private static DateTimeOffset? EarliestWake(RunState run)
        {
            DateTimeOffset? earliest = null;
            foreach (var node in run.Nodes)
            {
                if (node.Status == NodeStatus.Waiting && node.WakeAt is { } wake && (earliest is null || wake < earliest)) earliest = wake;
            }
            return earliest;
        }
    }

    private sealed class UpsertNode(string runId, NodeRecord node) : Write
    {
        public string RunId { get; } = runId;

        public string NodeId { get; } = node.NodeId;

        public string Status { get; } = node.Status.ToText();

        public int Attempts { get; } = node.Attempts;

        public long? StartedAt { get; } = UnixTime.From(node.StartedAt);

        public long? FinishedAt { get; } = UnixTime.From(node.FinishedAt);

        public JsonElement? Output { get; } = node.Output;

        public string? Error { get; } = node.Error;

        public string? Port { get; } = node.Port;

        public string? Bookmark { get; } = node.Bookmark;

        public long? WakeAt { get; } = UnixTime.From(node.WakeAt);

        public string? Steps { get; } = node.Steps is { } steps ? JsonSerializer.Serialize(steps, JournalJson.Options) : null;

        public long? PromptTokens { get; } = node.Usage?.PromptTokens;

        public long? CompletionTokens { get; } = node.Usage?.CompletionTokens;

        public string? Cost { get; } = node.Usage?.Cost?.ToString(System.Globalization.CultureInfo.InvariantCulture);

        public string? ReusedFrom { get; } = node.ReusedFrom;
    }

    private sealed class RunRow
    {
        public string Id { get; init; } = "";

        public string WorkflowId { get; init; } = "";

        public int WorkflowVersion { get; init; }

        public string Status { get; init; } = "";

        public string? TriggerNodeId { get; init; }

        public string Trigger { get; init; } = "{}";

        public string? StartedBy { get; init; }

        public string? Thread { get; init; }

        public long CreatedAt { get; init; }

        public long? StartedAt { get; init; }

        public long? FinishedAt { get; init; }

        public string? ErrorNodeId { get; init; }

        public string? Error { get; init; }

        public string? Result { get; init; }

        public bool CancelRequested { get; init; }

        public string? LeaseOwner { get; init; }

        public long? LeaseExpiresAt { get; init; }

        public string? ParentRunId { get; init; }

        public string? ParentNodeId { get; init; }

        public int Depth { get; init; }

        public string? ReplayOf { get; init; }

        public string? ReplayFrom { get; init; }

        public static RunRow Queued(RunState run, DateTimeOffset now, string? owner, DateTimeOffset? leaseUntil) => new()
        {
            Id = run.Id,
            WorkflowId = run.WorkflowId,
            WorkflowVersion = run.WorkflowVersion,
            Status = RunStatus.Queued.ToText(),
            TriggerNodeId = run.Request.TriggerNodeId,
            Trigger = run.Request.Trigger.GetRawText(),
            StartedBy = run.Request.StartedBy,
            Thread = run.Request.Thread,
            CreatedAt = UnixTime.From(now),
            LeaseOwner = owner,
            LeaseExpiresAt = UnixTime.From(leaseUntil),
            ParentRunId = run.Request.ParentRunId,
            ParentNodeId = run.Request.ParentNodeId,
            Depth = run.Request.Depth,
            ReplayOf = run.Request.ReplayOf,
            ReplayFrom = run.Request.ReplayFrom,
        };

        public StoredRun ToStored() => new()
        {
            Id = Id,
            WorkflowId = WorkflowId,
            WorkflowVersion = WorkflowVersion,
            Status = ParseRunStatus(Status),
            TriggerNodeId = TriggerNodeId,
            Trigger = Json(Trigger)!.Value,
            StartedBy = StartedBy,
            Thread = Thread,
            CreatedAt = UnixTime.To(CreatedAt),
            StartedAt = UnixTime.To(StartedAt),
            FinishedAt = UnixTime.To(FinishedAt),
            Error = Error is null ? null : new RunError(ErrorNodeId, Error),
            Result = Json(Result),
            CancelRequested = CancelRequested,
            ParentRunId = ParentRunId,
            ParentNodeId = ParentNodeId,
            Depth = Depth,
            ReplayOf = ReplayOf,
            ReplayFrom = ReplayFrom,
        };
    }

    private sealed class NodeRow
    {
        public string NodeId { get; init; } = "";

        public string Status { get; init; } = "";

        public int Attempts { get; init; }

        public long? StartedAt { get; init; }

        public long? FinishedAt { get; init; }

        public string? Output { get; init; }

        public string? Error { get; init; }

        public string? Port { get; init; }

        public string? Bookmark { get; init; }

        public long? WakeAt { get; init; }

        public string? Steps { get; init; }

        public long? PromptTokens { get; init; }

        public long? CompletionTokens { get; init; }

        public string? Cost { get; init; }

        public string? ReusedFrom { get; init; }

        public NodeRecord ToRecord() => new(NodeId)
        {
            Status = Enum.Parse<NodeStatus>(Status, ignoreCase: true),
            Attempts = Attempts,
            StartedAt = UnixTime.To(StartedAt),
            FinishedAt = UnixTime.To(FinishedAt),
            Output = Json(Output),
            Error = Error,
            Port = Port,
            Bookmark = Bookmark,
            WakeAt = UnixTime.To(WakeAt),
            Steps = Steps is null ? null : JsonSerializer.Deserialize<NodeStep[]>(Steps, JournalJson.Options),
            Usage = PromptTokens is null && CompletionTokens is null ? null
                : new TokenUsage(PromptTokens ?? 0, CompletionTokens ?? 0, Cost is null ? null : decimal.Parse(Cost, System.Globalization.CultureInfo.InvariantCulture)),
            ReusedFrom = ReusedFrom,
        };
    }
}
