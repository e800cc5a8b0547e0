using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using System.Threading.Channels;
using ChatFlows.Core.Running;
using Microsoft.Extensions.Logging;

namespace ChatFlows.Core.Storage.Relational;

// The journal: node and run changes are snapshotted on the run's thread and queued to a single writer, which
// commits everything queued so far in one transaction and keeps only the last change of each node and run in a
// batch. A run waits for the commit only where durability needs it: when it is queued, and when it waits or
// ends. A node journaled as finished but not yet committed when the process dies simply runs again, as the
// at-least-once rule of docs/semantics.md allows. Every write for a run names the lease epoch it was made under
// (README §Running several instances) and changes nothing once the epoch has moved on.
public abstract partial class RelationalRunStore
{
    private const int MaxBatch = 4096;

    private const int MaxCommitAttempts = 3;

    // How long the writer waits before it opens a database it could not open again.
    private static readonly TimeSpan ReopenPause = TimeSpan.FromMilliseconds(200);

    private const string InsertRunColumns =
        "id, workflow_id, workflow_version, status, trigger_node_id, trigger, started_by, thread, created_at, lease_owner, lease_expires_at, lease_epoch, parent_run_id, parent_node_id, depth, replay_of, replay_from, workspace, trace_parent";

    private const string InsertRunValues =
        "@Id, @WorkflowId, @WorkflowVersion, @Status, @TriggerNodeId, @Trigger, @StartedBy, @Thread, @CreatedAt, @LeaseOwner, @LeaseExpiresAt, @LeaseEpoch, @ParentRunId, @ParentNodeId, @Depth, @ReplayOf, @ReplayFrom, @Workspace, @TraceParent";

    private const string NodeWriteColumns =
        "run_id, node_id, status, attempts, started_at, finished_at, output, error, port, bookmark, wake_at, steps, prompt_tokens, completion_tokens, cost, reused_from";

    // The fence every journal write shares: the run is still at the epoch the write was made under.
    private const string Fence = "exists (select 1 from runs where id = @RunId and lease_epoch = @Epoch)";

    private static readonly JournalSql InsertRunSql = new(
        $"insert into runs ({InsertRunColumns}) values ({InsertRunValues}) on conflict (id) do nothing",
        ("@Id", DbType.String), ("@WorkflowId", DbType.String), ("@WorkflowVersion", DbType.Int32), ("@Status", DbType.String), ("@TriggerNodeId", DbType.String),
        ("@Trigger", DbType.String), ("@StartedBy", DbType.String), ("@Thread", DbType.String), ("@CreatedAt", DbType.Int64), ("@LeaseOwner", DbType.String),
        ("@LeaseExpiresAt", DbType.Int64), ("@LeaseEpoch", DbType.Int64), ("@ParentRunId", DbType.String), ("@ParentNodeId", DbType.String), ("@Depth", DbType.Int32),
        ("@ReplayOf", DbType.String), ("@ReplayFrom", DbType.String), ("@Workspace", DbType.String), ("@TraceParent", DbType.String));

    // A deferred run stored at its end (README §Webhooks) goes in as it ended, its lease already released: one row
    // written once instead of an insert, an update and a release.
    private static readonly JournalSql InsertEndedRunSql = new(
        $"""
        insert into runs ({InsertRunColumns}, started_at, finished_at, error_node_id, error, result, wake_at)
        values ({InsertRunValues}, @StartedAt, @FinishedAt, @ErrorNodeId, @Error, @Result, @WakeAt)
        on conflict (id) do nothing
        """,
        [.. InsertRunSql.Parameters, ("@StartedAt", DbType.Int64), ("@FinishedAt", DbType.Int64), ("@ErrorNodeId", DbType.String), ("@Error", DbType.String),
            ("@Result", DbType.String), ("@WakeAt", DbType.Int64)]);

    private static readonly JournalSql UpdateRunSql = new(
        """
        update runs set status = @Status, started_at = @StartedAt, finished_at = @FinishedAt, error_node_id = @ErrorNodeId,
            error = @Error, result = @Result, wake_at = @WakeAt, trace_parent = coalesce(@TraceParent, trace_parent)
        where id = @RunId and lease_epoch = @Epoch
        """,
        ("@RunId", DbType.String), ("@Epoch", DbType.Int64), ("@Status", DbType.String), ("@StartedAt", DbType.Int64), ("@FinishedAt", DbType.Int64),
        ("@ErrorNodeId", DbType.String), ("@Error", DbType.String), ("@Result", DbType.String), ("@WakeAt", DbType.Int64), ("@TraceParent", DbType.String));

    private static readonly JournalSql UpsertNodeSql = new(
        $"""
        insert into node_runs ({NodeWriteColumns})
        select @RunId, @NodeId, @Status, @Attempts, @StartedAt, @FinishedAt, @Output, @Error, @Port, @Bookmark, @WakeAt,
            @Steps, @PromptTokens, @CompletionTokens, @Cost, @ReusedFrom
        where {Fence}
        on conflict (run_id, node_id) do update set
            status = excluded.status, attempts = excluded.attempts, started_at = excluded.started_at,
            finished_at = excluded.finished_at, output = excluded.output, error = excluded.error, port = excluded.port,
            bookmark = excluded.bookmark, wake_at = excluded.wake_at, steps = excluded.steps,
            prompt_tokens = excluded.prompt_tokens, completion_tokens = excluded.completion_tokens, cost = excluded.cost,
            reused_from = excluded.reused_from
        """,
        ("@RunId", DbType.String), ("@Epoch", DbType.Int64), ("@NodeId", DbType.String), ("@Status", DbType.String), ("@Attempts", DbType.Int32),
        ("@StartedAt", DbType.Int64), ("@FinishedAt", DbType.Int64), ("@Output", DbType.String), ("@Error", DbType.String), ("@Port", DbType.String),
        ("@Bookmark", DbType.String), ("@WakeAt", DbType.Int64), ("@Steps", DbType.String), ("@PromptTokens", DbType.Int64), ("@CompletionTokens", DbType.Int64),
        ("@Cost", DbType.String), ("@ReusedFrom", DbType.String));

    // The nodes of a run inserted in the same transaction (a deferred run's, a replay's reused ones): written only
    // when that insert landed (JournalStatements.AddIfLanded), so they need no fence.
    private static readonly JournalSql InsertNewRunNodeSql = new(
        $"""
        insert into node_runs ({NodeWriteColumns})
        values (@RunId, @NodeId, @Status, @Attempts, @StartedAt, @FinishedAt, @Output, @Error, @Port, @Bookmark, @WakeAt,
            @Steps, @PromptTokens, @CompletionTokens, @Cost, @ReusedFrom)
        """,
        [.. UpsertNodeSql.Parameters.Where(p => p.Name != "@Epoch")]);

    private static readonly JournalSql InsertEffectSql = new(
        $"""
        insert into node_effects (run_id, node_id, effect, value, created_at)
        select @RunId, @NodeId, @Effect, @Value, @CreatedAt
        where {Fence}
        on conflict (run_id, node_id, effect) do update set value = excluded.value
        """,
        ("@RunId", DbType.String), ("@Epoch", DbType.Int64), ("@NodeId", DbType.String), ("@Effect", DbType.String), ("@Value", DbType.String), ("@CreatedAt", DbType.Int64));

    // A sub-workflow's end is handed to its waiting parent in the same transaction that records the end.
    private static readonly JournalSql ResumeParentSql = new(
        $"""
        insert into run_resumes (run_id, bookmark, node_id, value, created_at)
        select @ParentRunId, @Bookmark, @ParentNodeId, @Value, @CreatedAt
        where {Fence}
        on conflict do nothing
        """,
        ("@RunId", DbType.String), ("@Epoch", DbType.Int64), ("@ParentRunId", DbType.String), ("@Bookmark", DbType.String), ("@ParentNodeId", DbType.String),
        ("@Value", DbType.String), ("@CreatedAt", DbType.Int64));

    private static readonly JournalSql ReleaseSql = new(
        "update runs set lease_owner = null, lease_expires_at = null where id = @RunId and lease_owner = @Owner and lease_epoch = @Epoch",
        ("@RunId", DbType.String), ("@Epoch", DbType.Int64), ("@Owner", DbType.String));

    private static readonly JournalSql DeleteResumeSql = new(
        $"delete from run_resumes where run_id = @RunId and bookmark = @Bookmark and {Fence}",
        ("@RunId", DbType.String), ("@Epoch", DbType.Int64), ("@Bookmark", DbType.String));

    // What goes with a run when it is pruned or forgotten: its node journal, decisions, effects, chat cards and
    // approval journal (README §Approvals). The run's row goes last.
    private static readonly string[] RunJournalTables = ["node_runs", "run_resumes", "node_effects", "chat_messages", "approval_events"];

    private const string EndedStatuses = "status in ('succeeded', 'failed', 'cancelled', 'expired')";

    // A run is forgotten (docs/semantics.md §History policies) only once its end is stored under the epoch it ended in,
    // so a run another instance took over is never deleted under it.
    private static readonly JournalSql[] ForgetRunSql =
    [
        .. RunJournalTables.Select(table => new JournalSql(
            $"delete from {table} where run_id = @RunId and exists (select 1 from runs where id = @RunId and lease_epoch = @Epoch and {EndedStatuses})",
            ("@RunId", DbType.String), ("@Epoch", DbType.Int64))),
        new JournalSql($"delete from runs where id = @RunId and lease_epoch = @Epoch and {EndedStatuses}", ("@RunId", DbType.String), ("@Epoch", DbType.Int64)),
    ];

    private static readonly JournalSql InsertAuditSql = new(
        "insert into audit_events (at, workspace, actor, surface, action, target, detail, address) values (@At, @Workspace, @Actor, @Surface, @Action, @Target, @Detail, @Address)",
        ("@At", DbType.Int64), ("@Workspace", DbType.String), ("@Actor", DbType.String), ("@Surface", DbType.String), ("@Action", DbType.String),
        ("@Target", DbType.String), ("@Detail", DbType.String), ("@Address", DbType.String));

    // InsertAuditSql's values for one entry, whether it goes with a run's row or on its own.
    private static object?[] AuditValues(Audit.AuditEntry entry) =>
        [UnixTime.From(entry.At), entry.Workspace, entry.Actor, entry.Surface, entry.Action, entry.Target, entry.Detail, entry.Address];

    private static readonly Dictionary<string, Exception> NoneRefused = [];

    private readonly Channel<Write> _writes = Channel.CreateUnbounded<Write>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;
    // What the writer's thread sleeps on between commits (WaitForWrites), and the callback that wakes it.
    private readonly ManualResetEventSlim _writesQueued = new(false, spinCount: 0);
    private Action? _signalWritesQueued;
    // Runs whose unawaited journal writes failed; their next awaited write reports it.
    private readonly ConcurrentDictionary<string, Exception> _lostWrites = new(StringComparer.Ordinal);
    // Runs held by Defer: written in one commit when they end or wait.
    private readonly ConcurrentDictionary<string, DeferredRun> _deferred = new(StringComparer.Ordinal);
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
        if (IsLeaseLost(run.Id, run.LeaseEpoch)) return ValueTask.FromException(new LeaseLostException(run.Id));
        var ends = run.Status.IsTerminal() || run.Status == RunStatus.Waiting;
        if (!_deferred.IsEmpty && _deferred.TryGetValue(run.Id, out var deferred))
        {
            if (!ends) return ValueTask.CompletedTask;
            if (run.Plan.ForgetsEnded(run.Status))
            {
                // A run its workflow does not keep (docs/semantics.md §History policies), ended before anything of it
                // was stored, is not written at all; one stored meanwhile is forgotten behind its end.
                if (DropDeferred(run.Id)) return ValueTask.CompletedTask;
                return new ValueTask(ForgetAfterAsync(Store(deferred, new UpdateRun(run)), new ForgetRun(run.Id, run.LeaseEpoch)));
            }
            // The run, its nodes and its end, in one commit.
            return new ValueTask(Store(deferred, new UpdateRun(run)));
        }
        var write = new UpdateRun(run);
        if (!ends)
        {
            _writes.Writer.TryWrite(write);
            return ValueTask.CompletedTask;
        }
        if (run.Plan.ForgetsEnded(run.Status)) return new ValueTask(CommitAndForgetAsync(write, new ForgetRun(run.Id, run.LeaseEpoch)));
        return new ValueTask(CommitRunAsync(write));
    }

    /// <inheritdoc />
    public ValueTask NodeChangedAsync(RunState run, NodeRecord node, CancellationToken ct)
    {
        if (IsLeaseLost(run.Id, run.LeaseEpoch)) return ValueTask.FromException(new LeaseLostException(run.Id));
        Interlocked.Increment(ref _nodeWrites);
        // A deferred run's nodes are written as they are when it ends.
        if (!_deferred.IsEmpty && _deferred.ContainsKey(run.Id)) return ValueTask.CompletedTask;
        _writes.Writer.TryWrite(new UpsertNode(run.Id, run.LeaseEpoch, node));
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Appends an audit entry (README §Audit log) in the journal writer's next commit and returns once it is committed:
    /// under load, many entries and runs share one transaction instead of each taking the database's write lock.
    /// </summary>
    public Task AppendAuditAsync(Audit.AuditEntry entry)
    {
        // A deferred run's start entry goes in the commit that stores the run (README §Webhooks): a process that dies
        // before it leaves neither, and a run that is never stored leaves no entry.
        if (!_deferred.IsEmpty && entry.Action == Audit.AuditActions.RunStarted && _deferred.TryGetValue(entry.Target, out var deferred)
            && deferred.TryHoldAudit(entry, out var settled))
        {
            return settled;
        }
        return WriteAsync(new InsertAudit(entry));
    }

    /// <inheritdoc />
    public Task FlushAsync(CancellationToken ct = default) => WriteAsync(new Barrier()).WaitAsync(ct);

    /// <summary>Commits what is queued and stops the writer.</summary>
    public async ValueTask DisposeAsync()
    {
        _writes.Writer.TryComplete();
        await _writer;
        _writesQueued.Dispose();
        GC.SuppressFinalize(this);
    }

    private async Task CommitRunAsync(Write write)
    {
        await WriteAsync(write);
        if (write.RunId is { } runId && _lostWrites.TryRemove(runId, out var lost))
        {
            throw new InvalidOperationException($"Journal writes of run {write.RunId} were lost ({lost.Message}); the run continues from its journal once its lease lapses.", lost);
        }
    }

    // The forget is queued right behind the run's end, so it is committed with it or after it, never before; a
    // sub-workflow's parent has its outcome by then (handed over with the end).
    private Task CommitAndForgetAsync(UpdateRun end, ForgetRun forget)
    {
        var ended = CommitRunAsync(end);
        return Task.WhenAll(ended, WriteAsync(forget));
    }

    private async Task ForgetAfterAsync(Task stored, ForgetRun forget)
    {
        await stored;
        await WriteAsync(forget);
    }

    // A deferred run about to record an effect is stored first, as it is, so that the effect is journaled with its run.
    private async Task StoreThenWriteAsync(DeferredRun deferred, Write next)
    {
        var stored = Store(deferred, null);
        var written = WriteAsync(next);
        await stored;
        await written;
    }

    // The commit that stores a deferred run, started once: with its end when it ends (it stays deferred until that
    // commit is done, so that a caller asking for it waits for the same commit), or as it is when asked earlier, after
    // which it is journaled as any run is.
    private Task Store(DeferredRun deferred, UpdateRun? ended)
    {
        lock (deferred)
        {
            if (deferred.Storing is { } storing) return ended is null ? storing : CommitAfterAsync(storing, ended);
            if (ended is not null) return deferred.Storing = CommitEndAsync(deferred, ended);
            // Forgotten before the snapshot: a node change the executor makes from here on is journaled as usual, and
            // one it made before is in the snapshot.
            _deferred.TryRemove(deferred.Row.Id, out _);
            return deferred.Storing = CommitAsItIsAsync(deferred);
        }
    }

    private async Task CommitAsItIsAsync(DeferredRun deferred)
    {
        try
        {
            await CommitRunAsync(deferred.Insert(null));
        }
        finally
        {
            deferred.AuditSettled();
        }
    }

    private async Task CommitEndAsync(DeferredRun deferred, UpdateRun ended)
    {
        try
        {
            await CommitRunAsync(deferred.Insert(ended));
        }
        catch
        {
            // The transaction was rolled back: nothing of the run is stored, and DropDeferred says so.
            lock (deferred) deferred.Storing = null;
            throw;
        }
        // Stored with its lease released: this instance holds it no more, and has no release to write.
        _storedReleased[ended.RunId] = ended.Epoch;
        _held.TryRemove(new KeyValuePair<string, long>(ended.RunId, ended.Epoch));
        _deferred.TryRemove(ended.RunId, out _);
        deferred.AuditSettled();
    }

    private async Task CommitAfterAsync(Task stored, UpdateRun ended)
    {
        await stored;
        await CommitRunAsync(ended);
    }

    private Task WriteAsync(Write write)
    {
        write.Done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_writes.Writer.TryWrite(write)) write.Done.SetException(new ObjectDisposedException(GetType().Name));
        return write.Done.Task;
    }

    // The writer has a thread of its own: each commit is synchronous, and on a pool thread it would both hold that thread
    // for the commit and, when requests keep the pool busy, start only once the work queued before it had run, which
    // under load made the slowest runs wait (bench/README.md §Synchronous webhooks).
    private Task StartWriter()
    {
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                WriteLoop();
                stopped.SetResult();
            }
            catch (Exception ex)
            {
                stopped.SetException(ex);
            }
        })
        {
            IsBackground = true,
            Name = "ChatFlows journal writer",
        };
        thread.Start();
        return stopped.Task;
    }

    private void WriteLoop()
    {
        var batch = new List<Write>(MaxBatch);
        while (WaitForWrites())
        {
            try
            {
                using var connection = _database.OpenJournalWriterAsync().AsTask().GetAwaiter().GetResult();
                using var statements = new JournalStatements(connection);
                while (WaitForWrites())
                {
                    batch.Clear();
                    while (batch.Count < MaxBatch && _writes.Reader.TryRead(out var write)) batch.Add(write);
                    Dictionary<string, Exception> refused;
                    try
                    {
                        refused = CommitWithRetries(connection, statements, batch);
                    }
                    catch (Exception ex) when (ex is DbException or InvalidOperationException)
                    {
                        Fail(batch, ex);
                        // Start again on a fresh connection.
                        break;
                    }
                    _database.JournalCommitted(connection);
                    foreach (var write in batch)
                    {
                        if (refused.Count > 0 && write.RunId is { } runId && refused.TryGetValue(runId, out var why)) write.Done?.TrySetException(why);
                        else write.Done?.TrySetResult();
                    }
                }
            }
            catch (DbException ex)
            {
                LogJournalUnavailable(ex);
                // Real time, not the store's clock: the pause waits for the database to come back, and a clock that is
                // never moved on (a test's) would hold the writer, and every run waiting on a commit, for good.
                Thread.Sleep(ReopenPause);
            }
        }
    }

    // Blocks the writer's thread until a write is queued; false once the store is disposed and the queue drained. The
    // thread sleeps at once rather than spinning first, as waiting on a task would: between commits it usually waits
    // longer than a spin lasts, and spinning takes a core from the requests.
    private bool WaitForWrites()
    {
        var ready = _writes.Reader.WaitToReadAsync();
        if (!ready.IsCompleted)
        {
            _writesQueued.Reset();
            ready.GetAwaiter().UnsafeOnCompleted(_signalWritesQueued ??= _writesQueued.Set);
            _writesQueued.Wait();
        }
        return ready.GetAwaiter().GetResult();
    }

    // A deadlock with another instance's journal (both writing a run that just changed hands) or a serialization
    // failure rolls the whole batch back, with the writes of unrelated runs in it: it is sent again, not failed.
    private Dictionary<string, Exception> CommitWithRetries(DbConnection connection, JournalStatements statements, List<Write> batch)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return Commit(connection, statements, batch);
            }
            catch (DbException ex) when (ex.IsTransient && attempt < MaxCommitAttempts)
            {
                LogJournalCommitRetried(ex, attempt);
            }
        }
    }

    // Returns the runs whose writes were refused, and why: the fence refused them (another instance holds the run
    // now), or the run to insert was already stored (a sub-workflow started again by an instance that took its parent
    // over, while the first instance's start committed).
    private Dictionary<string, Exception> Commit(DbConnection connection, JournalStatements statements, List<Write> batch)
    {
        // Only the last change of each node and run in a batch needs writing; inserts go first, releases last.
        var nodes = new Dictionary<(string, string), UpsertNode>();
        var runs = new Dictionary<string, UpdateRun>(StringComparer.Ordinal);
        HashSet<string>? forgotten = null;
        foreach (var write in batch)
        {
            if (write is UpsertNode node) nodes[(node.RunId, node.NodeId)] = node;
            else if (write is UpdateRun run) runs[run.RunId] = run;
            else if (write is ForgetRun forget) (forgotten ??= new(StringComparer.Ordinal)).Add(forget.RunId);
            // Written with the run's row; an end queued behind it is newer and is written as an update.
            else if (write is InsertRun { Ended: { } ended }) runs.Remove(ended.RunId);
        }
        using var transaction = connection.BeginTransaction();
        if (LocksRunsForJournal)
        {
            var fenced = new HashSet<string>(StringComparer.Ordinal);
            foreach (var write in batch)
            {
                if (write is not InsertRun && write.RunId is { } runId) fenced.Add(runId);
            }
            if (fenced.Count > 0) LockRunsForJournal(connection, transaction, fenced);
        }
        statements.Begin(transaction);
        // Every run row first, then what goes with each run that landed: where the provider batches, that is two
        // round-trips whatever the number of runs.
        foreach (var write in batch)
        {
            if (write is InsertRun insert) AddRun(statements, insert);
        }
        foreach (var write in batch)
        {
            if (write is not InsertRun insert) continue;
            foreach (var node in insert.Nodes)
            {
                statements.AddIfLanded(insert, InsertNewRunNodeSql, node.RunId, node.NodeId, node.Status, node.Attempts, node.StartedAt, node.FinishedAt,
                    node.Output?.GetRawText(), node.Error, node.Port, node.Bookmark, node.WakeAt, node.Steps, node.PromptTokens, node.CompletionTokens, node.Cost, node.ReusedFrom);
            }
            foreach (var entry in insert.Audit)
            {
                statements.AddIfLanded(insert, InsertAuditSql, AuditValues(entry));
            }
            if (insert.Ended is { ParentOutcome: { } outcome } ended)
            {
                statements.AddIfLanded(insert, ResumeParentSql, ended.RunId, ended.Epoch, ended.ParentRunId, ChildRuns.Bookmark(ended.RunId), ended.ParentNodeId,
                    outcome.GetRawText(), ended.ChangedAt);
            }
        }
        foreach (var run in runs.Values)
        {
            statements.Add(UpdateRunSql, run, run.RunId, run.Epoch, run.Status, run.StartedAt, run.FinishedAt, run.ErrorNodeId, run.Error, run.Result?.GetRawText(), run.WakeAt, run.TraceParent);
            if (run.ParentOutcome is { } outcome)
            {
                statements.Add(ResumeParentSql, null, run.RunId, run.Epoch, run.ParentRunId, ChildRuns.Bookmark(run.RunId), run.ParentNodeId, outcome.GetRawText(), run.ChangedAt);
            }
        }
        foreach (var node in nodes.Values)
        {
            // A run forgotten in this batch would only have its nodes deleted again.
            if (forgotten is null || !forgotten.Contains(node.RunId)) AddNode(statements, node);
        }
        foreach (var write in batch)
        {
            if (write is InsertAudit audit) statements.Add(InsertAuditSql, null, AuditValues(audit.Entry));
            else if (write is InsertEffect effect) statements.Add(InsertEffectSql, effect, effect.RunId, effect.Epoch, effect.NodeId, effect.Effect, effect.Value, effect.CreatedAt);
            else if (write is ReleaseRun release) statements.Add(ReleaseSql, null, release.RunId, release.Epoch, release.Owner);
            else if (write is DeleteResume resume) statements.Add(DeleteResumeSql, null, resume.RunId, resume.Epoch, resume.Bookmark);
        }
        // Last, after every other write of the batch, so nothing of a forgotten run is written back after it.
        foreach (var write in batch)
        {
            if (write is not ForgetRun forget) continue;
            foreach (var sql in ForgetRunSql) statements.Add(sql, null, forget.RunId, forget.Epoch);
        }
        var rows = statements.Execute(out var refusedWrites);
        transaction.Commit();
        Interlocked.Add(ref _rowsWritten, rows);
        Interlocked.Increment(ref _commits);
        if (refusedWrites.Count == 0) return NoneRefused;
        var refused = new Dictionary<string, Exception>(StringComparer.Ordinal);
        foreach (var write in refusedWrites)
        {
            if (write is InsertRun)
            {
                refused[write.RunId!] = new RunAlreadyStoredException(write.RunId!);
                continue;
            }
            refused[write.RunId!] = new LeaseLostException(write.RunId!);
            MarkLeaseLost(write.RunId!, write.Epoch + 1);
        }
        return refused;
    }

    // A deferred run that ended is inserted as it ended (README §Webhooks); any other as queued.
    private static void AddRun(JournalStatements statements, InsertRun insert)
    {
        var row = insert.Row;
        if (insert.Ended is not { } ended)
        {
            statements.Add(InsertRunSql, insert, row.Id, row.WorkflowId, row.WorkflowVersion, row.Status, row.TriggerNodeId, row.Trigger, row.StartedBy, row.Thread,
                row.CreatedAt, row.LeaseOwner, row.LeaseExpiresAt, row.LeaseEpoch, row.ParentRunId, row.ParentNodeId, row.Depth, row.ReplayOf, row.ReplayFrom, row.Workspace, row.TraceParent);
            return;
        }
        statements.Add(InsertEndedRunSql, insert, row.Id, row.WorkflowId, row.WorkflowVersion, ended.Status, row.TriggerNodeId, row.Trigger, row.StartedBy, row.Thread,
            row.CreatedAt, null, null, row.LeaseEpoch, row.ParentRunId, row.ParentNodeId, row.Depth, row.ReplayOf, row.ReplayFrom, row.Workspace, ended.TraceParent ?? row.TraceParent,
            ended.StartedAt, ended.FinishedAt, ended.ErrorNodeId, ended.Error, ended.Result?.GetRawText(), ended.WakeAt);
    }

    private static void AddNode(JournalStatements statements, UpsertNode node) =>
        statements.Add(UpsertNodeSql, node, node.RunId, node.Epoch, node.NodeId, node.Status, node.Attempts, node.StartedAt, node.FinishedAt,
            node.Output?.GetRawText(), node.Error, node.Port, node.Bookmark, node.WakeAt, node.Steps, node.PromptTokens, node.CompletionTokens, node.Cost, node.ReusedFrom);

    private void Fail(List<Write> batch, Exception error)
    {
        LogJournalWriteFailed(error, batch.Count);
        foreach (var write in batch)
        {
            if (write.Done is { } done) done.TrySetException(error);
            else if (write is UpsertNode or UpdateRun) _lostWrites[write.RunId!] = error;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Journal writes failed; {Count} changes were not stored")]
    private partial void LogJournalWriteFailed(Exception error, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "The journal database cannot be opened; retrying")]
    private partial void LogJournalUnavailable(Exception error);

    [LoggerMessage(Level = LogLevel.Information, Message = "A journal commit was rolled back by the database (attempt {Attempt}); sending it again")]
    private partial void LogJournalCommitRetried(Exception error, int attempt);
}
