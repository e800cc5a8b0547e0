using System.Data;
using System.Data.Common;
using System.Text.Json;
using ChatFlows.Core.Running;

namespace ChatFlows.Core.Storage.Relational;

// What the journal writer is handed, and how it sends a batch to the database in plain ADO.NET.
public abstract partial class RelationalRunStore
{
    /// <summary>One journal statement with its parameters, typed so that every provider binds them the same way.</summary>
    private sealed class JournalSql(string text, params (string Name, DbType Type)[] parameters)
    {
        public string Text { get; } = text;

        public (string Name, DbType Type)[] Parameters { get; } = parameters;
    }

    /// <summary>
    /// The statements of one commit. Where the provider batches (PostgreSQL), the whole commit is one round-trip, or
    /// two when a statement depends on whether an earlier one landed (<see cref="AddIfLanded"/>); otherwise (SQLite,
    /// in-process) each statement is prepared once per connection and run in turn, since preparing costs more than running.
    /// </summary>
    private sealed class JournalStatements(DbConnection connection) : IDisposable
    {
        private readonly Dictionary<JournalSql, DbCommand> _prepared = [];
        private readonly List<(JournalSql Sql, Write? Fence, object?[] Values)> _steps = [];
        private readonly bool _batches = connection.CanCreateBatch;
        // Looked up for every statement that goes with a run inserted in the batch.
        private readonly HashSet<Write> _refused = new(ReferenceEqualityComparer.Instance);
        private DbTransaction? _transaction;
        private int _rows;
        // Fenced statements queued for the batch and not run yet: whether they landed is not known until they run.
        private int _fencedPending;

        public void Begin(DbTransaction transaction)
        {
            _transaction = transaction;
            _steps.Clear();
            _refused.Clear();
            _rows = 0;
            _fencedPending = 0;
        }

        /// <summary>
        /// Runs a statement, or queues it for the batch; when <paramref name="fence"/> is given and the statement changes
        /// no row, that write was refused.
        /// </summary>
        public void Add(JournalSql sql, Write? fence, params object?[] values)
        {
            if (!_batches)
            {
                Run(sql, fence, values);
                return;
            }
            _steps.Add((sql, fence, values));
            if (fence is not null) _fencedPending++;
        }

        /// <summary>
        /// Runs a statement only if the fenced statement of <paramref name="landed"/>, added before, changed a row: what
        /// goes with a run just inserted is written only when the insert was not refused.
        /// </summary>
        public void AddIfLanded(Write landed, JournalSql sql, params object?[] values)
        {
            if (_batches && _fencedPending > 0) ExecuteBatch();
            if (!_refused.Contains(landed)) Add(sql, null, values);
        }

        /// <summary>Runs what is queued; returns the rows the commit changed and the fenced writes that changed none.</summary>
        public int Execute(out IReadOnlyCollection<Write> refused)
        {
            if (_steps.Count > 0) ExecuteBatch();
            refused = _refused;
            return _rows;
        }

        public void Dispose()
        {
            foreach (var command in _prepared.Values) command.Dispose();
        }

        private void ExecuteBatch()
        {
            using var batch = connection.CreateBatch();
            batch.Transaction = _transaction;
            foreach (var (sql, _, values) in _steps)
            {
                var command = batch.CreateBatchCommand();
                command.CommandText = sql.Text;
                for (var i = 0; i < values.Length; i++)
                {
                    var parameter = command.CreateParameter();
                    parameter.ParameterName = sql.Parameters[i].Name;
                    parameter.DbType = sql.Parameters[i].Type;
                    parameter.Value = values[i] ?? DBNull.Value;
                    command.Parameters.Add(parameter);
                }
                batch.BatchCommands.Add(command);
            }
            batch.ExecuteNonQuery();
            for (var i = 0; i < _steps.Count; i++)
            {
                var changed = batch.BatchCommands[i].RecordsAffected;
                _rows += changed;
                if (changed == 0 && _steps[i].Fence is { } fence) _refused.Add(fence);
            }
            _steps.Clear();
            _fencedPending = 0;
        }

        private void Run(JournalSql sql, Write? fence, object?[] values)
        {
            var command = Prepared(sql);
            command.Transaction = _transaction;
            for (var i = 0; i < values.Length; i++) command.Parameters[i].Value = values[i] ?? DBNull.Value;
            var changed = command.ExecuteNonQuery();
            _rows += changed;
            if (changed == 0 && fence is not null) _refused.Add(fence);
        }

        private DbCommand Prepared(JournalSql sql)
        {
            if (_prepared.TryGetValue(sql, out var command)) return command;
            command = connection.CreateCommand();
            command.CommandText = sql.Text;
            foreach (var (name, type) in sql.Parameters)
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = name;
                parameter.DbType = type;
                parameter.Value = DBNull.Value;
                command.Parameters.Add(parameter);
            }
            command.Prepare();
            _prepared[sql] = command;
            return command;
        }
    }

    private abstract class Write
    {
        public TaskCompletionSource? Done { get; set; }

        /// <summary>The run written to, if any.</summary>
        public virtual string? RunId => null;

        /// <summary>The lease epoch the write was made under.</summary>
        public virtual long Epoch => 0;
    }

    private sealed class Barrier : Write;

    private sealed class InsertRun(RunRow row, IReadOnlyList<UpsertNode> nodes, UpdateRun? ended = null) : Write
    {
        public RunRow Row { get; } = row;

        /// <summary>A replay's reused nodes, or a deferred run's nodes, written with the run.</summary>
        public IReadOnlyList<UpsertNode> Nodes { get; } = nodes;

        /// <summary>A deferred run's end (or wait), written in the same commit.</summary>
        public UpdateRun? Ended { get; } = ended;

        /// <summary>A deferred run's start entry, written only if the run's row lands (README §Webhooks).</summary>
        public IReadOnlyList<Audit.AuditEntry> Audit { get; init; } = [];

        public override string? RunId => Row.Id;

        public override long Epoch => Row.LeaseEpoch;
    }

    // A run held by Defer: its queued row, and the run whose nodes are snapshotted when it is stored.
    private sealed class DeferredRun(RunRow row, RunState run)
    {
        public RunRow Row { get; } = row;

        // Its start entry (README §Audit log), stored with the run's row so that neither is ever stored without the other.
        private List<Audit.AuditEntry>? _audit;
        private TaskCompletionSource? _audited;

        /// <summary>The commit storing the run, once started (under a lock on this object).</summary>
        public Task? Storing { get; set; }

        /// <summary>
        /// Holds <paramref name="entry"/> to be inserted with the run; <paramref name="settled"/> completes once the run
        /// is stored with it, or dropped without it. False once the run is being stored: the entry goes on its own.
        /// </summary>
        public bool TryHoldAudit(Audit.AuditEntry entry, out Task settled)
        {
            lock (this)
            {
                settled = Task.CompletedTask;
                if (Storing is not null) return false;
                (_audit ??= []).Add(entry);
                settled = (_audited ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
                return true;
            }
        }

        /// <summary>The held entries are stored with the run, or will never be (the run was dropped).</summary>
        public void AuditSettled() => _audited?.TrySetResult();

        // Ended: every node it reached, as the run ends. Otherwise (an effect is about to be recorded, concurrently
        // with the executor) only finished nodes, which no longer change; the others are journaled as they change.
        public InsertRun Insert(UpdateRun? ended)
        {
            var nodes = new List<UpsertNode>(run.Nodes.Count);
            foreach (var node in run.Nodes)
            {
                if (ended is null ? node.Status.IsFinished() : node.Status != NodeStatus.Pending) nodes.Add(new UpsertNode(run.Id, Row.LeaseEpoch, node));
            }
            return new InsertRun(Row, nodes, ended) { Audit = _audit?.ToArray() ?? [] };
        }
    }

    private sealed class InsertAudit(Audit.AuditEntry entry) : Write
    {
        public Audit.AuditEntry Entry { get; } = entry;
    }

    private sealed class ReleaseRun(string runId, string owner, long epoch) : Write
    {
        public override string RunId { get; } = runId;

        public override long Epoch { get; } = epoch;

        public string Owner { get; } = owner;
    }

    private sealed class InsertEffect(string runId, long epoch, string nodeId, string effect, string value, long createdAt) : Write
    {
        public override string RunId { get; } = runId;

        public override long Epoch { get; } = epoch;

        public string NodeId { get; } = nodeId;

        public string Effect { get; } = effect;

        public string Value { get; } = value;

        public long CreatedAt { get; } = createdAt;
    }

    private sealed class DeleteResume(string runId, string bookmark, long epoch) : Write
    {
        public override string RunId { get; } = runId;

        public override long Epoch { get; } = epoch;

        public string Bookmark { get; } = bookmark;
    }

    /// <summary>Deletes an ended run with everything that goes with it, by its workflow's history policy.</summary>
    private sealed class ForgetRun(string runId, long epoch) : Write
    {
        public override string RunId { get; } = runId;

        public override long Epoch { get; } = epoch;
    }

    // Snapshots: the run's executor keeps changing its records after handing them to the journal.
    private sealed class UpdateRun(RunState run) : Write
    {
        public override string RunId { get; } = run.Id;

        public override long Epoch { get; } = run.LeaseEpoch;

        public string Status { get; } = run.Status.ToText();

        public long? StartedAt { get; } = UnixTime.From(run.StartedAt);

        public long? FinishedAt { get; } = UnixTime.From(run.FinishedAt);

        public string? ErrorNodeId { get; } = run.Error?.NodeId;

        public string? Error { get; } = run.Error?.Message;

        public JsonElement? Result { get; } = run.Result;

        public long? WakeAt { get; } = run.Status == RunStatus.Waiting ? UnixTime.From(EarliestWake(run)) : null;

        public string? ParentRunId { get; } = run.Request.ParentRunId;

        // Set once: a run started outside any trace takes its first root span's context (README §Telemetry).
        public string? TraceParent { get; } = run.TraceParent;

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

    private sealed class UpsertNode(string runId, long epoch, NodeRecord node) : Write
    {
        public override string RunId { get; } = runId;

        public override long Epoch { get; } = epoch;

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
}
