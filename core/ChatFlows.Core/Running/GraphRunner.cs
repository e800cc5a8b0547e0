using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Secrets;
using ChatFlows.Core.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatFlows.Core.Running;

/// <summary>
/// Executes runs (docs/semantics.md). Branches fan out and run concurrently; a join runs once every incoming edge has
/// fired or been ruled out (dead-path elimination); failed attempts are retried with exponential backoff and
/// jitter; timeouts cancel an attempt; onError decides between failing the run, continuing and routing to the
/// error port. A node can wait on a bookmark; the run then parks and is resumed later with a value for it.
/// Run state is mutated only by the executor's loop, so journal writes happen in order.
/// </summary>
public sealed partial class GraphRunner(
    TimeProvider time, IRunJournal journal, RunEventStream events, ILogger<GraphRunner>? logger = null, Random? random = null, SecretVault? secrets = null,
    int maxOutputBytes = RunWorkerOptions.DefaultMaxOutputBytes)
{
    // How much of a truncated output its marker keeps as a preview, in bytes of JSON.
    private const int PreviewBytes = 512;

    private readonly int _maxOutputBytes = maxOutputBytes;
    private readonly SecretVault? _secrets = secrets;
    private readonly TimeProvider _time = time;
    private readonly IRunJournal _journal = journal;
    private readonly RunEventStream _events = events;
    private readonly ILogger _logger = logger ?? NullLogger<GraphRunner>.Instance;
    private readonly Random _random = random ?? Random.Shared;

    /// <summary>
    /// Runs until the run ends or waits. A queued run starts at its trigger; a run loaded from its journal continues:
    /// finished nodes are kept, nodes that were running start again, and <paramref name="resume"/> (if given) wakes
    /// the node waiting on that bookmark. Cancelling <paramref name="ct"/> cancels the run.
    /// </summary>
    public Task<RunState> ExecuteAsync(RunState run, Resumption? resume, CancellationToken ct) =>
        new Execution(this, run, ct).RunAsync(resume);

    // Debug: at thousands of runs a second one line per run would drown everything else (README §Logging).
    [LoggerMessage(Level = LogLevel.Debug, Message = "Run {RunId} of {WorkflowId} {Status}")]
    private partial void LogRunEnded(string runId, string workflowId, string status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Run {RunId} failed at {NodeId}: {Error}")]
    private partial void LogRunFailed(string runId, string? nodeId, string error);

    // Every line written while a run executes, by the engine or its nodes, carries the run (README §Logging).
    private static readonly Func<ILogger, string, string, IDisposable?> RunScope =
        LoggerMessage.DefineScope<string, string>("Run {RunId} of {WorkflowId}");

    [LoggerMessage(Level = LogLevel.Warning, Message = "Run {RunId}: the output of {NodeId} is {Bytes} bytes, more than ChatFlows:Runs:MaxOutputBytes ({MaxBytes}); it is stored as a truncated preview")]
    private partial void LogOutputTruncated(string runId, string nodeId, int bytes, int maxBytes);

    // A finished node's output, bounded (README §Bounded outputs): only the fields its select lists, and a
    // marker with a preview in place of an output larger than MaxOutputBytes. Without select, this costs one length check.
    private JsonElement? Bound(RunState run, WorkflowPlan.PlanNode plan, JsonElement? output)
    {
        if (output is not { ValueKind: not JsonValueKind.Undefined } value) return output;
        if (plan.Select is { } select) value = select.Apply(value);
        if (run.Redact(value) is { } redacted) value = redacted;
        var raw = JsonMarshal.GetRawUtf8Value(value);
        if (raw.Length <= _maxOutputBytes) return value;
        LogOutputTruncated(run.Id, plan.Node.Id, raw.Length, _maxOutputBytes);
        var preview = Encoding.UTF8.GetString(raw[..Math.Min(PreviewBytes, raw.Length)]).TrimEnd('\uFFFD') + "…";
        return JsonSerializer.SerializeToElement(new { truncated = true, bytes = raw.Length, maxBytes = _maxOutputBytes, preview });
    }

    private enum CompletionKind
    {
        Finished,
        RetryDue,
    }

    private readonly record struct Completion(CompletionKind Kind, int Node, int Attempt, NodeResult Result, Exception? Error);

    private sealed class Execution(GraphRunner runner, RunState run, CancellationToken ct)
    {
        private readonly WorkflowPlan.PlanNode[] _nodes = run.Plan.Nodes;
        private readonly int[] _remaining = new int[run.Plan.Nodes.Length];
        private readonly int[] _fired = new int[run.Plan.Nodes.Length];
        // A node is settled (queued to run, or skipped) exactly once, however many of its incoming edges resolve it
        // at the same moment: two ports of one condition, or a routed error and the branch that error ruled out.
        private readonly bool[] _settled = new bool[run.Plan.Nodes.Length];
        private readonly Queue<(int Node, Resumption? Resume)> _ready = new();
        private Channel<Completion>? _completions;
        // Cancelled when the run stops early (a failure or an end node) so that other branches stop too.
        private readonly CancellationTokenSource _runCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        private int _inFlight;
        private bool _stopping;
        private bool _ended;
        private bool _expired;
        // Null unless something listens to the run's spans.
        private RunTracing? _trace;
        private long[]? _attemptStarts;

        private CancellationToken NodeToken => _runCts.Token;

        public async Task<RunState> RunAsync(Resumption? resume)
        {
            using var scope = RunScope(runner._logger, run.Id, run.WorkflowId);
            run.Secrets.Vault = runner._secrets;
            run.Secrets.Workspace = run.Workspace;
            // Opened before the first journal write, so the root span starts as the run does (README §Telemetry).
            _trace = RunTracing.Start(run);
            try
            {
                try
                {
                    if (run.Status == RunStatus.Queued && run.Request.ReplayOf is null) await StartAsync();
                    else if (run.Status == RunStatus.Queued) await StartReplayAsync();
                    else await RestoreAsync(resume);
                    await LoopAsync();
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    // Falls through to FinishAsync, which records the cancellation.
                }
                await FinishAsync();
            }
            catch (Exception ex) when (_trace?.Escaped(ex) == true)
            {
                // Never taken: the filter only marks the span.
            }
            finally
            {
                _trace?.End(run);
            }
            return run;
        }

        private async ValueTask StartAsync()
        {
            var trigger = run.Plan.StartingTrigger(run.Request.TriggerNodeId);
            run.Status = RunStatus.Running;
            run.StartedAt = runner._time.GetUtcNow();
            await runner._journal.RunChangedAsync(run, ct);
            RunMetrics.RunStarted(run.WorkflowId, _nodes[trigger].Kind.Name);
            Publish(RunEventTypes.RunStarted, status: "running");
            for (var i = 0; i < _nodes.Length; i++) _remaining[i] = _nodes[i].IncomingCount;
            await StartTriggerAsync(trigger);
        }

        // The run's trigger runs; the workflow's other triggers are ruled out. Also used when a run is restored
        // from a journal written before its trigger started.
        private async ValueTask StartTriggerAsync(int trigger)
        {
            for (var i = 0; i < _nodes.Length; i++)
            {
                if (i != trigger && _nodes[i].Kind.IsTrigger && run.Nodes[i].Status == NodeStatus.Pending) await SkipAsync(i);
            }
            _settled[trigger] = true;
            _ready.Enqueue((trigger, null));
        }

        // A replay (README §Replay a run) starts with the nodes it reuses already journaled as finished. It starts as a
        // run does and then goes on as a restored run does: only the nodes left pending (the replayed node and what
        // follows it) execute; the reused ones fire their recorded ports.
        private async ValueTask StartReplayAsync()
        {
            run.Status = RunStatus.Running;
            run.StartedAt = runner._time.GetUtcNow();
            await runner._journal.RunChangedAsync(run, ct);
            RunMetrics.RunStarted(run.WorkflowId, _nodes[run.Plan.StartingTrigger(run.Request.TriggerNodeId)].Kind.Name);
            Publish(RunEventTypes.RunStarted, status: "running");
            if (EndedBeforeTheCrash())
            {
                Stop();
                return;
            }
            await QueueFromJournalAsync(-1, null);
        }

        // Rebuilds the join counters from the journal, then queues what can run.
        private async ValueTask RestoreAsync(Resumption? resume)
        {
            if (run.Status.IsTerminal())
            {
                // A resume of a finished run is a stale or duplicate click, answered like any other.
                if (resume is not null) throw new BookmarkNotFoundException(run.Id, resume.Bookmark, resume.NodeId);
                throw new InvalidOperationException($"Run {run.Id} has already {run.Status.ToText()}.");
            }
            var target = resume is null ? -1 : FindWaiting(resume.Bookmark, resume.NodeId);
            run.Status = RunStatus.Running;
            await runner._journal.RunChangedAsync(run, ct);
            if (EndedBeforeTheCrash())
            {
                // The journal holds the node that ended the run, but not the run's end: finish it that way.
                Stop();
                return;
            }
            await QueueFromJournalAsync(target, resume);
        }

        private async ValueTask QueueFromJournalAsync(int target, Resumption? resume)
        {
            for (var i = 0; i < _nodes.Length; i++) _remaining[i] = _nodes[i].IncomingCount;
            for (var i = 0; i < _nodes.Length; i++)
            {
                var record = run.Nodes[i];
                if (record.Status.IsFinished()) CountEdges(i, FiredPort(i));
                else if (record.Status == NodeStatus.Running) _ready.Enqueue((i, null));
            }
            if (target >= 0) _ready.Enqueue((target, resume));
            var trigger = run.Plan.StartingTrigger(run.Request.TriggerNodeId);
            if (run.Nodes[trigger].Status == NodeStatus.Pending) await StartTriggerAsync(trigger);
            for (var i = 0; i < _nodes.Length; i++)
            {
                if (run.Nodes[i].Status == NodeStatus.Pending && _remaining[i] == 0 && _nodes[i].IncomingCount > 0) await SettleAsync(i);
            }
        }

        // A process can die after journaling the node that failed, expired or ended the run and before journaling the
        // run's own end. Continuing such a run would rule that node's edges out and end it "succeeded".
        private bool EndedBeforeTheCrash()
        {
            if (run.Error is not null) return true;
            for (var i = 0; i < _nodes.Length; i++)
            {
                var plan = _nodes[i];
                var record = run.Nodes[i];
                if (record.Status == NodeStatus.Failed && plan.OnError == OnErrorModes.Fail)
                {
                    run.Error = new RunError(plan.Node.Id, record.Error ?? "Failed.");
                    return true;
                }
                if (record.Status != NodeStatus.Succeeded) continue;
                if (plan.Kind.EndsRun)
                {
                    _ended = true;
                    return true;
                }
                if (record.Port == NodeResult.ExpiredPort && !plan.Outgoing.Any(edge => edge.Port == NodeResult.ExpiredPort))
                {
                    _expired = true;
                    return true;
                }
            }
            return false;
        }

        private int FindWaiting(string bookmark, string? nodeId)
        {
            for (var i = 0; i < _nodes.Length; i++)
            {
                var record = run.Nodes[i];
                if (record.Status == NodeStatus.Waiting && record.Bookmark == bookmark && (nodeId is null || record.NodeId == nodeId)) return i;
            }
            throw new BookmarkNotFoundException(run.Id, bookmark, nodeId);
        }

        private async ValueTask LoopAsync()
        {
            while (true)
            {
                while (!_stopping && _ready.TryDequeue(out var next))
                {
                    ct.ThrowIfCancellationRequested();
                    await StartNodeAsync(next.Node, next.Resume);
                }
                if (_stopping || _inFlight == 0) return;
                var completion = await _completions!.Reader.ReadAsync(ct);
                _inFlight--;
                if (completion.Kind == CompletionKind.RetryDue) await StartNodeAsync(completion.Node, null);
                else if (completion.Error is null) await CompleteAsync(completion.Node, completion.Result);
                else await FailAttemptAsync(completion.Node, completion.Attempt, completion.Error);
            }
        }

        private async ValueTask StartNodeAsync(int index, Resumption? resume)
        {
            var plan = _nodes[index];
            var record = run.Nodes[index];
            var attempt = resume is null ? ++record.Attempts : record.Attempts;
            var waitedWith = resume is null ? null : record.Output;
            var now = runner._time.GetUtcNow();
            record.Status = NodeStatus.Running;
            record.StartedAt ??= now;
            record.Bookmark = null;
            record.WakeAt = null;
            _trace?.NodeStarted(index, plan, attempt);
            await runner._journal.NodeChangedAsync(run, record, ct);
            RunMetrics.NodeStarting(runner._time, ref _attemptStarts, index, _nodes.Length);
            Publish(RunEventTypes.NodeStarted, index, status: "running", attempt: attempt);

            var context = new NodeContext
            {
                RunId = run.Id,
                WorkflowId = run.WorkflowId,
                Workspace = run.Workspace,
                Node = plan.Node,
                Scope = run,
                Attempt = attempt,
                Time = runner._time,
                ResumedBookmark = resume?.Bookmark,
                ResumeValue = resume?.Value,
                WaitedWith = waitedWith,
                Request = run.Request,
                Journal = runner._journal,
            };
            ValueTask<NodeResult> pending;
            Exception? thrown = null;
            try
            {
                pending = plan.Timeout is { } timeout
                    ? RunWithTimeoutAsync(plan.Handler, context, timeout, runner._time, NodeToken)
                    : plan.Handler.RunAsync(context, NodeToken);
            }
            catch (Exception ex)
            {
                pending = default;
                thrown = ex;
            }
            // Awaiting outside the catch keeps the 88-byte pending out of the state machine, saving a write-barrier copy per node.
            if (thrown is not null)
            {
                await FailAttemptAsync(index, attempt, thrown);
                return;
            }

            if (pending.IsCompletedSuccessfully)
            {
                await CompleteAsync(index, pending.Result);
                return;
            }
            _completions ??= Channel.CreateUnbounded<Completion>(new UnboundedChannelOptions { SingleReader = true });
            _inFlight++;
            _ = TrackAsync(index, attempt, pending, _completions.Writer);
        }

        private static async Task TrackAsync(int index, int attempt, ValueTask<NodeResult> pending, ChannelWriter<Completion> completions)
        {
            try
            {
                completions.TryWrite(new Completion(CompletionKind.Finished, index, attempt, await pending, null));
            }
            catch (Exception ex)
            {
                completions.TryWrite(new Completion(CompletionKind.Finished, index, attempt, default, ex));
            }
        }

        private static async ValueTask<NodeResult> RunWithTimeoutAsync(INodeHandler handler, NodeContext context, TimeSpan timeout, TimeProvider time, CancellationToken ct)
        {
            using var timeoutCts = new CancellationTokenSource(timeout, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeoutCts.Token);
            try
            {
                // WaitAsync also stops waiting for a handler that ignores its token.
                return await handler.RunAsync(context, linked.Token).AsTask().WaitAsync(linked.Token);
            }
            catch (OperationCanceledException) when (timeoutCts.IsCancellationRequested && !ct.IsCancellationRequested)
            {
                throw new NodeException($"Timed out after {Describe(timeout)}.");
            }
        }

        private async ValueTask CompleteAsync(int index, NodeResult result)
        {
            var plan = _nodes[index];
            var record = run.Nodes[index];
            record.FinishedAt = runner._time.GetUtcNow();
            // What a node produced from a secret is recorded (and passed on in data) with the secret's value redacted; a
            // waiting node's output is its request, which its resumption reads whole.
            record.Output = result.Outcome == NodeOutcome.Waiting ? run.Redact(result.Output) : runner.Bound(run, plan, result.Output);
            record.Error = null;
            record.Steps = run.Redact(result.Details?.Steps);
            record.Usage = result.Details?.Usage;
            RunMetrics.NodeFinished(plan.Kind.Name, result.Outcome == NodeOutcome.Waiting ? NodeStatus.Waiting : NodeStatus.Succeeded, runner._time, _attemptStarts, index);
            if (result.Outcome == NodeOutcome.Waiting)
            {
                record.Status = NodeStatus.Waiting;
                record.Bookmark = result.Bookmark;
                record.WakeAt = result.WakeAt;
                _trace?.NodeFinished(index, NodeStatus.Waiting, null);
                await runner._journal.NodeChangedAsync(run, record, ct);
                return;
            }
            record.Status = NodeStatus.Succeeded;
            record.Port = result.Port;
            if (record.Output is { } output) run.SetData(plan.Slot, output);
            if (plan.Kind.ProducesRunResult) run.Result = record.Output;
            _trace?.NodeFinished(index, NodeStatus.Succeeded, result.Port);
            await runner._journal.NodeChangedAsync(run, record, ct);
            Publish(RunEventTypes.NodeFinished, index, status: "succeeded", attempt: record.Attempts, output: record.Output);
            if (result.Outcome == NodeOutcome.EndRun)
            {
                _ended = true;
                Stop();
                return;
            }
            if (result.Outcome == NodeOutcome.Expired && !plan.Outgoing.Any(edge => edge.Port == result.Port))
            {
                // Nobody decided and the workflow says nothing about it: the run itself has expired.
                _expired = true;
                Stop();
                return;
            }
            await PropagateAsync(index, result.Port);
        }

        private async ValueTask FailAttemptAsync(int index, int attempt, Exception error)
        {
            if (error is OperationCanceledException && ct.IsCancellationRequested) throw error;
            var plan = _nodes[index];
            var record = run.Nodes[index];
            var message = run.Redact(Describe(error));
            record.Error = message;
            RunMetrics.NodeFinished(plan.Kind.Name, NodeStatus.Failed, runner._time, _attemptStarts, index);
            if (error is NodeException { Steps: var steps, Usage: var usage } && (steps is not null || usage is not null))
            {
                record.Steps = run.Redact(steps);
                record.Usage = usage;
            }
            _trace?.NodeFailed(index, error, message, willRetry: attempt < plan.Retry.MaxAttempts && !_stopping);
            if (attempt < plan.Retry.MaxAttempts && !_stopping)
            {
                var delay = plan.Retry.DelayAfter(attempt, runner._random.NextDouble());
                await runner._journal.NodeChangedAsync(run, record, ct);
                _completions ??= Channel.CreateUnbounded<Completion>(new UnboundedChannelOptions { SingleReader = true });
                _inFlight++;
                // The retry's timer starts before observers hear of the failure, so "failed" means "retry scheduled".
                _ = RetryLaterAsync(index, attempt, delay, _completions.Writer);
                Publish(RunEventTypes.NodeFailed, index, status: "running", attempt: attempt, error: message, willRetry: true, retryIn: delay);
                return;
            }

            record.Status = NodeStatus.Failed;
            record.FinishedAt = runner._time.GetUtcNow();
            switch (plan.OnError)
            {
                case OnErrorModes.Continue:
                case OnErrorModes.Route:
                    var port = plan.OnError == OnErrorModes.Route ? NodeTypes.ErrorPort : null;
                    var output = JsonSerializer.SerializeToElement(new { error = message, nodeId = plan.Node.Id, attempts = attempt });
                    record.Output = output;
                    record.Port = port;
                    run.SetData(plan.Slot, output);
                    await runner._journal.NodeChangedAsync(run, record, ct);
                    Publish(RunEventTypes.NodeFailed, index, status: "failed", attempt: attempt, error: message, willRetry: false);
                    await PropagateAsync(index, port);
                    break;
                default:
                    run.Error = new RunError(plan.Node.Id, message);
                    await runner._journal.NodeChangedAsync(run, record, ct);
                    // Journaled at once, so a run restored before its end was journaled still fails at this node.
                    await runner._journal.RunChangedAsync(run, ct);
                    Publish(RunEventTypes.NodeFailed, index, status: "failed", attempt: attempt, error: message, willRetry: false);
                    Stop();
                    break;
            }
        }

        private async Task RetryLaterAsync(int index, int attempt, TimeSpan delay, ChannelWriter<Completion> completions)
        {
            try
            {
                await Task.Delay(delay, runner._time, NodeToken);
            }
            catch (OperationCanceledException)
            {
                // The run was stopped; the loop no longer waits for this retry.
                return;
            }
            completions.TryWrite(new Completion(CompletionKind.RetryDue, index, attempt + 1, default, null));
        }

        // Counts the finished node's edges at their targets and settles every target whose inputs are all known.
        private async ValueTask PropagateAsync(int index, string? port)
        {
            CountEdges(index, port);
            foreach (var edge in _nodes[index].Outgoing)
            {
                if (_remaining[edge.Target] == 0 && run.Nodes[edge.Target].Status == NodeStatus.Pending) await SettleAsync(edge.Target);
            }
        }

        private void CountEdges(int index, string? firedPort)
        {
            var fires = run.Nodes[index].Status != NodeStatus.Skipped
                && !(run.Nodes[index].Status == NodeStatus.Failed && _nodes[index].OnError == OnErrorModes.Fail);
            foreach (var edge in _nodes[index].Outgoing)
            {
                _remaining[edge.Target]--;
                if (fires && edge.Port == firedPort) _fired[edge.Target]++;
            }
        }

        // A node whose incoming edges are all resolved runs if any fired, and is skipped (ruling out its own edges) otherwise.
        // Not async: the common case only queues the node, and an async method would cost a state machine per node.
        private ValueTask SettleAsync(int index)
        {
            if (_settled[index]) return ValueTask.CompletedTask;
            _settled[index] = true;
            if (_fired[index] <= 0) return SkipAsync(index);
            _ready.Enqueue((index, null));
            return ValueTask.CompletedTask;
        }

        private async ValueTask SkipAsync(int start)
        {
            _settled[start] = true;
            var work = new Stack<int>();
            work.Push(start);
            while (work.TryPop(out var index))
            {
                var record = run.Nodes[index];
                record.Status = NodeStatus.Skipped;
                await runner._journal.NodeChangedAsync(run, record, ct);
                Publish(RunEventTypes.NodeFinished, index, status: "skipped");
                CountEdges(index, null);
                foreach (var edge in _nodes[index].Outgoing)
                {
                    if (_remaining[edge.Target] != 0 || run.Nodes[edge.Target].Status != NodeStatus.Pending || _settled[edge.Target]) continue;
                    _settled[edge.Target] = true;
                    if (_fired[edge.Target] > 0) _ready.Enqueue((edge.Target, null));
                    else work.Push(edge.Target);
                }
            }
        }

        private string? FiredPort(int index) => run.Nodes[index].Port;

        private void Stop()
        {
            _stopping = true;
            _runCts.Cancel();
        }

        private async ValueTask FinishAsync()
        {
            var now = runner._time.GetUtcNow();
            var cancelled = ct.IsCancellationRequested && !_ended && !_expired && run.Error is null;
            run.Status = cancelled ? RunStatus.Cancelled
                : run.Error is not null ? RunStatus.Failed
                : _ended ? RunStatus.Succeeded
                : _expired ? RunStatus.Expired
                : run.Nodes.Any(n => n.Status == NodeStatus.Waiting) ? RunStatus.Waiting
                : RunStatus.Succeeded;

            if (run.Status != RunStatus.Waiting)
            {
                // Indexed rather than foreach, which allocates an enumerator through IReadOnlyList on every run.
                for (var i = 0; i < run.Nodes.Count; i++)
                {
                    var record = run.Nodes[i];
                    var stopped = _ended || _expired;
                    if (record.Status is NodeStatus.Running or NodeStatus.Waiting || (stopped && record.Status == NodeStatus.Pending))
                    {
                        var wasWaiting = record.Status == NodeStatus.Waiting;
                        record.Status = stopped || record.Status == NodeStatus.Pending ? NodeStatus.Skipped : NodeStatus.Failed;
                        record.FinishedAt = now;
                        if (record.Status == NodeStatus.Failed)
                        {
                            record.Error = cancelled ? (wasWaiting ? "Cancelled while waiting." : "Cancelled while running.") : $"Stopped because the run failed at '{run.Error?.NodeId}'.";
                        }
                        await runner._journal.NodeChangedAsync(run, record, CancellationToken.None);
                    }
                }
                run.FinishedAt = now;
            }
            // The final state is journaled even when the run was cancelled.
            await runner._journal.RunChangedAsync(run, CancellationToken.None);
            // Branches abandoned by a stop may still hold the token; only dispose when none is left.
            if (_inFlight == 0) _runCts.Dispose();

            if (run.Status == RunStatus.Waiting)
            {
                for (var i = 0; i < _nodes.Length; i++)
                {
                    var record = run.Nodes[i];
                    if (record.Status == NodeStatus.Waiting)
                    {
                        Publish(RunEventTypes.RunWaiting, i, status: "waiting", output: record.Output, bookmark: record.Bookmark, wakeAt: record.WakeAt);
                    }
                }
                return;
            }
            RunMetrics.RunEnded(run.WorkflowId, run.Status);
            if (run.Status == RunStatus.Failed) runner.LogRunFailed(run.Id, run.Error?.NodeId, run.Error?.Message ?? "");
            // ToText allocates; build it only for a logger or subscriber that will read it (both re-check anyway).
            if (runner._logger.IsEnabled(LogLevel.Debug)) runner.LogRunEnded(run.Id, run.WorkflowId, run.Status.ToText());
            if (runner._events.HasSubscribers) Publish(RunEventTypes.RunFinished, status: run.Status.ToText(), output: run.Result, error: run.Error?.ToString());
        }

        private void Publish(
            string type, int node = -1, string? status = null, int? attempt = null, JsonElement? output = null, string? error = null,
            bool? willRetry = null, TimeSpan? retryIn = null, string? bookmark = null, DateTimeOffset? wakeAt = null)
        {
            if (!runner._events.HasSubscribers) return;
            var now = runner._time.GetUtcNow();
            var record = node >= 0 ? run.Nodes[node] : null;
            var since = record is null ? run.StartedAt : record.StartedAt;
            runner._events.Publish(new RunEvent
            {
                Type = type,
                RunId = run.Id,
                WorkflowId = run.WorkflowId,
                At = now,
                NodeId = record?.NodeId,
                NodeKind = node >= 0 ? _nodes[node].Kind.Name : null,
                Status = status,
                Attempt = attempt,
                DurationMs = type is RunEventTypes.NodeFinished or RunEventTypes.NodeFailed or RunEventTypes.RunFinished && since is { } start
                    ? (now - start).TotalMilliseconds
                    : null,
                Output = output,
                Error = error,
                WillRetry = willRetry,
                RetryInMs = retryIn?.TotalMilliseconds,
                Bookmark = bookmark,
                WakeAt = wakeAt,
                MayHaveChatCards = run.Request.Thread is not null || !run.Plan.IsPure,
            });
        }
    }

    /// <summary>A person-readable reason for a failed attempt.</summary>
    internal static string Describe(Exception error) => error switch
    {
        NodeException or Expressions.ExpressionException => error.Message,
        OperationCanceledException => "Cancelled.",
        _ => $"{error.GetType().Name}: {error.Message}",
    };

    internal static string Describe(TimeSpan span) =>
        span.TotalSeconds < 1 ? $"{span.TotalMilliseconds:0} ms"
        : span.TotalMinutes < 1 ? $"{span.TotalSeconds:0.#} s"
        : span.TotalHours < 1 ? $"{span.TotalMinutes:0.#} min"
        : $"{span.TotalHours:0.#} h";
}
