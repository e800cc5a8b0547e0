using System.Text.Json;
using ChatFlows.Core.Http;
using ChatFlows.Core.Messaging;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;
using ChatFlows.Core.Storage;
using ChatFlows.Core.Tests.Http;
using ChatFlows.Core.Tests.Storage;
using Microsoft.Extensions.Time.Testing;

namespace ChatFlows.Core.Tests.Model;

/// <summary>What the engine did with one node of a generated workflow.</summary>
internal sealed record EngineOutcome(string Status, int Attempts, string? Label, string? Error);

/// <summary>What the engine did with a generated workflow: the run as the store has it, and the side effects seen outside.</summary>
/// <summary>A finished run and its replay from <see cref="From"/>, with the nodes that had side effects in each.</summary>
internal sealed record ReplayCase(StoredRun Old, StoredRun Replay, string From, IReadOnlySet<string> OldEffects, IReadOnlySet<string> ReplayEffects);

internal sealed record EngineRun(
    string Status, string? FailedAt, IReadOnlyDictionary<string, EngineOutcome> Nodes, IReadOnlySet<string> Effects,
    IReadOnlyDictionary<string, string?[]> IdempotencyKeys, bool Crashed);

/// <summary>
/// Runs generated workflows on the real engine over a real SQLite journal: approvals and delays are answered from the
/// run as restored from the store, and a run whose process "dies" is restored from its journal and continued by a new
/// engine, as another instance would. Posts go to a recording chat channel, requests to a local HTTP server.
/// </summary>
internal sealed class ModelHarness : IAsyncDisposable
{
    private readonly TestDatabase _database = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
    private readonly RecordingChatChannel _chat = new("playground");
    private readonly SqliteRunStore _store;
    private readonly NodeRegistry _registry;
    private readonly HttpTestServer _server;
    private int _cases;

    private ModelHarness(HttpTestServer server)
    {
        _server = server.Map("/effects", 200, """{"ok": true}""");
        _store = new SqliteRunStore(_database.Database, _time);
        _registry = ModelNodes.Create(_chat);
    }

    public static async Task<ModelHarness> StartAsync() => new(await HttpTestServer.StartAsync());

    public async Task<EngineRun> RunAsync(GeneratedWorkflow workflow)
    {
        var runId = $"case-{Interlocked.Increment(ref _cases)}";
        var plan = WorkflowPlan.Compile(workflow.ToDocument(_server.Url("/effects")), _registry);
        var request = new RunRequest { RunId = runId, StartedBy = "model" };
        // Queued unleased (epoch 0), as the engine starts it from the request below with a run state of its own.
        await _store.EnqueueAsync(new RunState(plan, request, runId), null, default);
        var process = new Process(this, plan, runId, workflow.CrashAfterWrites);

        await DriveAsync(workflow, plan, runId, process, (engine, ct) => engine.StartAsync(plan, request, ct));
        await _store.FlushAsync();
        return Observe(workflow, RunState.Restore(plan, (await _store.GetAsync(runId))!), process.Crashed);
    }

    /// <summary>
    /// Runs <paramref name="workflow"/> (without a crash) to its end, then replays that run (README §Replay a run) from
    /// one of the nodes it reached, chosen by <paramref name="pick"/>, and runs the replay to its end.
    /// </summary>
    public async Task<ReplayCase> RunAndReplayAsync(GeneratedWorkflow workflow, int pick)
    {
        workflow = workflow with { CrashAfterWrites = null };
        var plan = WorkflowPlan.Compile(workflow.ToDocument(_server.Url("/effects")), _registry);
        var oldId = $"case-{Interlocked.Increment(ref _cases)}";
        var request = new RunRequest { RunId = oldId, StartedBy = "model" };
        await _store.EnqueueAsync(new RunState(plan, request, oldId), null, default);
        await DriveAsync(workflow, plan, oldId, new Process(this, plan, oldId, null), (engine, ct) => engine.StartAsync(plan, request, ct));
        await _store.FlushAsync();
        var old = (await _store.GetAsync(oldId))!;

        var reached = old.Nodes.Where(n => n.Attempts > 0).Select(n => n.NodeId).Order(StringComparer.Ordinal).ToArray();
        var from = reached[pick % reached.Length];
        var newId = $"case-{Interlocked.Increment(ref _cases)}";
        var replay = RunReplays.Prepare(plan, old, from, newId, "model");
        await _store.EnqueueAsync(replay, "model", _time.GetUtcNow().AddDays(1));
        await DriveAsync(workflow, plan, newId, new Process(this, plan, newId, null), (engine, ct) => engine.ContinueAsync(replay, ct));
        await _store.FlushAsync();
        return new ReplayCase(old, (await _store.GetAsync(newId))!, from, EffectsOf(oldId), EffectsOf(newId));
    }

    // The nodes that posted to chat or sent a request in a run.
    private HashSet<string> EffectsOf(string runId)
    {
        var effects = new HashSet<string>(_chat.Messages.Where(m => m.RunId == runId).Select(m => m.NodeId!));
        foreach (var request in _server.Received("/effects").Where(r => r.Query.Contains($"run={runId}&", StringComparison.Ordinal)))
        {
            effects.Add(request.Query[(request.Query.IndexOf("node=", StringComparison.Ordinal) + "node=".Length)..]);
        }
        return effects;
    }

    // Runs until the run ends, answering every wait (approvals, delays) from the run as the store has it.
    private async Task DriveAsync(
        GeneratedWorkflow workflow, WorkflowPlan plan, string runId, Process process, Func<WorkflowEngine, CancellationToken, Task<RunState>> first)
    {
        var run = await process.StepAsync(first);
        while (run.Status == RunStatus.Waiting)
        {
            // A waiting run holds nothing in memory: it is answered as the store has it.
            var stored = RunState.Restore(plan, (await _store.GetAsync(runId))!);
            var waiting = stored.Nodes.First(n => n.Status == NodeStatus.Waiting);
            var resumption = Answer(workflow.Nodes.Single(n => n.Id == waiting.NodeId), waiting);
            run = await process.StepAsync((engine, ct) => engine.ResumeAsync(stored, resumption, ct));
        }
    }

    private static Resumption Answer(ModelNode node, NodeRecord waiting)
    {
        if (node.Kind == ModelKind.Delay || node.Decision == ModelDecision.Expired) return new Resumption(waiting.Bookmark!, null, waiting.NodeId);
        var decision = node.Decision == ModelDecision.Approved ? "approved" : "rejected";
        return new Resumption(ApprovalNode.Bookmark, JsonSerializer.SerializeToElement(new { decision, by = "playground:model" }), waiting.NodeId);
    }

    private EngineRun Observe(GeneratedWorkflow workflow, RunState run, bool crashed)
    {
        var nodes = new Dictionary<string, EngineOutcome>();
        foreach (var node in workflow.Nodes)
        {
            var record = run.Node(node.Id);
            nodes[node.Id] = new EngineOutcome(record.Status.ToText(), record.Attempts, Label(node, record, run.Id), record.Error);
        }
        var effects = new HashSet<string>(_chat.Messages.Where(m => m.RunId == run.Id).Select(m => m.NodeId!));
        var keys = new Dictionary<string, string?[]>();
        foreach (var request in _server.Received("/effects").Where(r => r.Query.Contains($"run={run.Id}&", StringComparison.Ordinal)))
        {
            var nodeId = request.Query[(request.Query.IndexOf("node=", StringComparison.Ordinal) + "node=".Length)..];
            effects.Add(nodeId);
            keys[nodeId] = [.. keys.GetValueOrDefault(nodeId, []), request.Header(IdempotencyKey.Header)];
        }
        return new EngineRun(run.Status.ToText(), run.Error?.NodeId, nodes, effects, keys, crashed);
    }

    // What a finished node produced, reduced to what the model predicts.
    private static string? Label(ModelNode node, NodeRecord record, string runId)
    {
        if (node.Kind == ModelKind.Delay && record.Status == NodeStatus.Succeeded) return "resumed";
        if (record.Output is not { } output || record.Status is not (NodeStatus.Succeeded or NodeStatus.Failed)) return null;
        if (record.Status == NodeStatus.Failed)
        {
            // onError continue and route leave the error as the output; a node stopped while waiting keeps what it waited with.
            if (!output.TryGetProperty("error", out var error)) return null;
            return error.GetString() == ModelNodes.Failure(node.Id) && output.GetProperty("nodeId").GetString() == node.Id ? "error" : $"unexpected error output {output}";
        }
        var label = node.Kind switch
        {
            ModelKind.Step => output.ValueKind == JsonValueKind.String && output.GetString() == node.Id ? "ok" : null,
            ModelKind.Condition => output.ValueKind is JsonValueKind.True or JsonValueKind.False ? (output.GetBoolean() ? "true" : "false") : null,
            ModelKind.Approval => output.GetProperty("decision").GetString(),
            ModelKind.Post => output.GetProperty("postedTo").GetString() == ModelNodes.Channel && output.GetProperty("text").GetString() == $"{node.Id} of {runId}" ? "posted" : null,
            ModelKind.Request => output.TryGetProperty("ok", out var ok) && ok.ValueKind == JsonValueKind.True ? "sent" : null,
            _ => null,
        };
        return label ?? $"unexpected output {output}";
    }

    public async ValueTask DisposeAsync()
    {
        await _store.DisposeAsync();
        await _server.DisposeAsync();
        _database.Dispose();
    }

    /// <summary>The process a run starts in; after it dies, a new engine on the same store carries the run on.</summary>
    private sealed class Process(ModelHarness harness, WorkflowPlan plan, string runId, int? crashAfterWrites)
    {
        private readonly CrashingJournal _journal = new(harness._store, crashAfterWrites);
        private readonly CancellationTokenSource _alive = new();

        public bool Crashed => _journal.Crashed;

        public async Task<RunState> StepAsync(Func<WorkflowEngine, CancellationToken, Task<RunState>> step)
        {
            if (_journal.Crashed) return await step(new WorkflowEngine(harness._registry, harness._store, harness._time), CancellationToken.None);
            try
            {
                return await step(new WorkflowEngine(harness._registry, _journal, harness._time), _alive.Token);
            }
            catch (ProcessDiedException)
            {
                // Whatever the dead process still had going stops with it.
                await _alive.CancelAsync();
            }
            await harness._store.FlushAsync();
            var restored = RunState.Restore(plan, (await harness._store.GetAsync(runId))!);
            if (restored.Status == RunStatus.Waiting || restored.Status.IsTerminal()) return restored;
            return await new WorkflowEngine(harness._registry, harness._store, harness._time).ContinueAsync(restored);
        }
    }
}
