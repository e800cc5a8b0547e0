using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text.Json;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;
using ChatFlows.Core.Storage;
using ChatFlows.Core.Telemetry;
using ChatFlows.Core.Tests.Storage;
using Microsoft.Extensions.Time.Testing;

namespace ChatFlows.Core.Tests.Telemetry;

/// <summary>
/// The engine's instruments, read with a <see cref="MeterListener"/> as an exporter would. Tests run side by side in the
/// process, so each looks only at its own workflow id and at the <c>tool/metered</c> node kind only this class uses.
/// </summary>
public sealed class RunMetricsTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 9, 0, 0, TimeSpan.Zero));
    private readonly InMemoryRunStore _store = new();
    private readonly NodeRegistry _registry = NodeRegistry.CreateDefault();
    private readonly Dictionary<string, Func<NodeContext, CancellationToken, ValueTask<NodeResult>>> _behaviours = [];
    private readonly ConcurrentQueue<Recorded> _recorded = new();
    private readonly MeterListener _listener = new();

    public RunMetricsTests()
    {
        _registry.Add(new NodeKind(NodeTypes.Tool, "metered", setup => new Metered(this, setup.Node.Id)));
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ChatFlowsTelemetry.Name) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => _recorded.Enqueue(new Recorded(instrument.Name, value, Tags(tags))));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => _recorded.Enqueue(new Recorded(instrument.Name, value, Tags(tags))));
        _listener.Start();
    }

    public void Dispose() => _listener.Dispose();

    [Fact]
    public async Task StartAsync_SucceededRun_CountsItStartedByItsTriggerAndEndedSucceeded()
    {
        var workflow = NewWorkflowId();
        var engine = Engine();

        var run = await engine.StartAsync(engine.Compile(Build(workflow, ["a"], ["start->a"])), new RunRequest());

        Assert.Equal(RunStatus.Succeeded, run.Status);
        var started = Assert.Single(Of("chatflows.runs.started", workflow));
        Assert.Equal(1, started.Value);
        Assert.Equal("trigger/manual", started.Tags[RunMetrics.TriggerKind]);
        var ended = Assert.Single(Of("chatflows.runs.ended", workflow));
        Assert.Equal("succeeded", ended.Tags[RunMetrics.RunStatusName]);
        // Bounded attributes only: nothing names the run itself.
        Assert.DoesNotContain(_recorded, r => r.Tags.Values.Contains(run.Id));
    }

    [Fact]
    public async Task StartAsync_FailedRun_CountsItEndedFailed()
    {
        _behaviours["broken"] = (_, _) => throw new NodeException("the service said no");
        var workflow = NewWorkflowId();
        var engine = Engine();

        var run = await engine.StartAsync(engine.Compile(Build(workflow, ["broken"], ["start->broken"])), new RunRequest());

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Single(Of("chatflows.runs.started", workflow));
        Assert.Equal("failed", Assert.Single(Of("chatflows.runs.ended", workflow)).Tags[RunMetrics.RunStatusName]);
    }

    [Fact]
    public async Task StartAsync_NodeAttempts_RecordTheirDurationsByKindAndOutcome()
    {
        var slowStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _behaviours["slow"] = async (context, ct) =>
        {
            slowStarted.SetResult();
            await Task.Delay(TimeSpan.FromSeconds(2), context.Time, ct);
            return NodeResult.Success();
        };
        _behaviours["flaky"] = (context, _) => context.Attempt == 1 ? throw new NodeException("try again") : ValueTask.FromResult(NodeResult.Success());
        _behaviours["ask"] = (_, _) => ValueTask.FromResult(NodeResult.Wait("ok"));
        var workflow = NewWorkflowId();
        var engine = Engine();
        var document = Build(workflow, ["slow", "flaky", "ask"], ["start->slow", "slow->flaky", "flaky->ask"], new()
        {
            ["flaky"] = """ "retry": {"maxAttempts": 2, "initialDelay": "PT1S", "jitter": 0} """,
        });

        using var events = engine.Events.Subscribe();

        var running = engine.StartAsync(engine.Compile(document), new RunRequest());
        await slowStarted.Task.WaitAsync(Patience);
        _time.Advance(TimeSpan.FromSeconds(2));
        // Heard once the retry's timer runs.
        await NextAsync(events, RunEventTypes.NodeFailed);
        _time.Advance(TimeSpan.FromSeconds(1));
        var run = await running.WaitAsync(Patience);

        Assert.Equal(RunStatus.Waiting, run.Status);
        Assert.Equal(
            [("succeeded", 2.0), ("failed", 0.0), ("succeeded", 0.0), ("waiting", 0.0)],
            Durations().Select(d => ((string)d.Tags[RunMetrics.NodeStatusName]!, d.Value)));
        // A run that parks has not ended.
        Assert.Empty(Of("chatflows.runs.ended", workflow));
    }

    [Fact]
    public async Task WaitingGauge_Scraped_CountsInTheBackgroundAtMostEveryRefresh()
    {
        using var db = new TestDatabase();
        await using var store = new SqliteRunStore(db.Database, _time);
        _behaviours["ask"] = (_, _) => ValueTask.FromResult(NodeResult.Wait("ok"));
        var engine = new WorkflowEngine(_registry, store, _time);
        var plan = engine.Compile(Build(NewWorkflowId(), ["ask"], ["start->ask"]));
        async Task WaitingRunAsync()
        {
            var run = new RunState(plan, new RunRequest(), WorkflowEngine.NewRunId());
            await store.EnqueueAsync(run, null, default);
            await engine.ContinueAsync(run);
            await store.FlushAsync();
        }
        var count = new WaitingRunsCount(store, _time, TimeSpan.FromSeconds(15));
        await WaitingRunAsync();

        var first = count.Current();
        await count.Counting;
        var counted = count.Current();
        await WaitingRunAsync();
        var cached = count.Current();
        await count.Counting;
        _time.Advance(TimeSpan.FromSeconds(15));
        var stale = count.Current();
        await count.Counting;

        Assert.Null(first);
        Assert.Equal(1, counted);
        Assert.Equal(1, cached);
        Assert.Equal(1, stale);
        Assert.Equal(2, count.Current());
    }

    private WorkflowEngine Engine() => new(_registry, _store, _time);

    private static string NewWorkflowId() => "metrics-" + Guid.NewGuid().ToString("N")[..12];

    private Recorded[] Of(string instrument, string workflowId) =>
        _recorded.Where(r => r.Instrument == instrument && Equals(r.Tags.GetValueOrDefault(RunMetrics.WorkflowId), workflowId)).ToArray();

    private Recorded[] Durations() =>
        _recorded.Where(r => r.Instrument == "chatflows.node.duration" && Equals(r.Tags.GetValueOrDefault(RunMetrics.NodeKind), "tool/metered")).ToArray();

    private static async Task NextAsync(RunEventSubscription subscription, string type)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while ((await subscription.Reader.ReadAsync(timeout.Token)).Type != type)
        {
        }
    }

    private static Dictionary<string, object?> Tags(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var all = new Dictionary<string, object?>();
        foreach (var (key, value) in tags) all[key] = value;
        return all;
    }

    private static WorkflowDocument Build(string id, string[] nodes, string[] edges, Dictionary<string, string>? extras = null)
    {
        var metered = nodes.Select(n => $$"""{"id": "{{n}}", "type": "tool", "config": {"tool": "metered"}{{(extras?.TryGetValue(n, out var more) == true ? ", " + more : "")}}}""").ToArray();
        return Running.Workflows.Build(metered, edges) with { Id = id };
    }

    private sealed record Recorded(string Instrument, double Value, Dictionary<string, object?> Tags);

    private sealed class Metered(RunMetricsTests owner, string nodeId) : INodeHandler
    {
        public ValueTask<NodeResult> RunAsync(NodeContext context, CancellationToken ct) =>
            owner._behaviours.TryGetValue(nodeId, out var behaviour) ? behaviour(context, ct) : ValueTask.FromResult(NodeResult.Success(JsonSerializer.SerializeToElement(nodeId)));
    }
}
