using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;

namespace ChatFlows.Bench;

/// <summary>
/// What the engine costs per node when the nodes themselves cost nothing: whole runs of trivial, synchronous nodes
/// against a plain chain of ten awaited calls. No event subscribers, a journal that keeps nothing.
/// </summary>
[MemoryDiagnoser]
// Short enough for a 2-core box (all four finish in about two minutes); the median resists bursts from other processes.
[SimpleJob(warmupCount: 3, iterationCount: 15)]
[MedianColumn]
public class EngineOverheadBenchmarks
{
    private const int Steps = 10;

    private readonly RunRequest _request = new() { StartedBy = "bench" };
    private WorkflowEngine _engine = null!;
    private WorkflowPlan _linear = null!;
    private WorkflowPlan _fanOut = null!;
    private WorkflowPlan _linearTransform = null!;
    private int _counter;

    [GlobalSetup]
    public void Setup()
    {
        var registry = NodeRegistry.CreateDefault().Add(new NodeKind(NodeTypes.Tool, "noop", _ => NoopHandler.Instance));
        _engine = new WorkflowEngine(registry, new NullRunJournal(), TimeProvider.System);
        _linear = _engine.Compile(Linear("linear10", () => new JsonObject { ["tool"] = "noop" }));
        _fanOut = _engine.Compile(FanOut("fanout10"));
        _linearTransform = _engine.Compile(Linear("linear10-transform", () => new JsonObject { ["tool"] = "transform", ["value"] = 1 }));

        // A benchmark of a run that fails early would measure the wrong thing.
        foreach (var plan in new[] { _linear, _fanOut, _linearTransform })
        {
            var run = _engine.StartAsync(plan, _request).GetAwaiter().GetResult();
            var ran = run.Nodes.Count(n => n.Status == NodeStatus.Succeeded);
            if (run.Status != RunStatus.Succeeded || ran != run.Nodes.Count)
            {
                throw new InvalidOperationException($"{plan.Document.Id} ended {run.Status} with {ran} of {run.Nodes.Count} nodes succeeded.");
            }
        }
    }

    [Benchmark(Baseline = true)]
    public async Task<int> Baseline()
    {
        for (var i = 0; i < Steps; i++) await StepAsync();
        return _counter;
    }

    [Benchmark]
    public Task<RunState> Linear10() => _engine.StartAsync(_linear, _request);

    [Benchmark]
    public Task<RunState> FanOut10() => _engine.StartAsync(_fanOut, _request);

    [Benchmark]
    public Task<RunState> Linear10Transform() => _engine.StartAsync(_linearTransform, _request);

    // Not inlined, so the baseline pays for a real call and await per step, as the engine does per node.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private ValueTask StepAsync()
    {
        _counter++;
        return ValueTask.CompletedTask;
    }

    // trigger -> n1 -> n2 -> ... -> n10
    internal static WorkflowDocument Linear(string id, Func<JsonObject> config)
    {
        var nodes = new List<WorkflowNode> { Trigger() };
        var edges = new List<WorkflowEdge>();
        for (var i = 1; i <= Steps; i++)
        {
            nodes.Add(new WorkflowNode { Id = $"n{i}", Type = NodeTypes.Tool, Config = config() });
            edges.Add(new WorkflowEdge(i == 1 ? "start" : $"n{i - 1}", $"n{i}"));
        }
        return new WorkflowDocument { Id = id, Nodes = nodes, Edges = edges };
    }

    // trigger -> n1..n10 in parallel -> join
    private static WorkflowDocument FanOut(string id)
    {
        var nodes = new List<WorkflowNode> { Trigger() };
        var edges = new List<WorkflowEdge>();
        for (var i = 1; i <= Steps; i++)
        {
            nodes.Add(new WorkflowNode { Id = $"n{i}", Type = NodeTypes.Tool, Config = new JsonObject { ["tool"] = "noop" } });
            edges.Add(new WorkflowEdge("start", $"n{i}"));
            edges.Add(new WorkflowEdge($"n{i}", "join"));
        }
        nodes.Add(new WorkflowNode { Id = "join", Type = NodeTypes.Tool, Config = new JsonObject { ["tool"] = "noop" } });
        return new WorkflowDocument { Id = id, Nodes = nodes, Edges = edges };
    }

    private static WorkflowNode Trigger() =>
        new() { Id = "start", Type = NodeTypes.Trigger, Config = new JsonObject { ["kind"] = "manual" } };
}
