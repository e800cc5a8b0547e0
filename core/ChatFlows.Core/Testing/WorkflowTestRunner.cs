using System.Text.Json;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Expressions;
using ChatFlows.Core.Messaging;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;

namespace ChatFlows.Core.Testing;

/// <summary>
/// Runs a workflow's tests offline (README §Workflow tests): the real node kinds, with mocked nodes giving their mocks,
/// on an in-memory journal and a clock that jumps to each timed wait. Nothing outside the run is touched: a node that
/// acts outside (its kind's <see cref="NodeKind.SideEffect"/>) and is not mocked fails the test, except
/// <c>output/message</c>, whose message is kept as its output instead of being posted.
/// </summary>
public sealed class WorkflowTestRunner(SandboxOptions? sandbox = null)
{
    // A run that waits on more timed waits than this is reported rather than followed for ever.
    private const int MaxTimedWaits = 1_000;

    /// <summary>Runs every test of <paramref name="tests"/> against <paramref name="document"/>, one after another.</summary>
    public async Task<IReadOnlyList<WorkflowTestResult>> RunAsync(WorkflowDocument document, IReadOnlyList<WorkflowTest> tests, CancellationToken ct = default)
    {
        var results = new List<WorkflowTestResult>(tests.Count);
        foreach (var test in tests) results.Add(await RunAsync(document, test, ct));
        return results;
    }

    /// <summary>Runs one test.</summary>
    public async Task<WorkflowTestResult> RunAsync(WorkflowDocument document, WorkflowTest test, CancellationToken ct = default)
    {
        var clock = new TestClock();
        var registry = NodeRegistry.CreateDefault(new BuiltInNodeOptions
        {
            Sandbox = sandbox ?? SandboxOptions.Default,
            // Every delay suspends on a timed wait, which the clock jumps to.
            InlineDelayLimit = TimeSpan.Zero,
            // Messages are kept, not posted: the fallback takes every platform.
            Chat = new ChatChannels([], new RecordingChatChannel("test")),
        });
        WorkflowPlan plan;
        try
        {
            // The tests are checked by the caller; the run needs only the graph.
            plan = WorkflowPlan.Compile(document with { Tests = null }, registry);
        }
        catch (WorkflowValidationException ex)
        {
            return NotRun(test, ex.Problems.Select(p => $"the workflow is not valid: {p.Path}: {p.Message}"));
        }

        var unmocked = new List<string>();
        var offline = plan.ForOfflineTests((node, kind, handler) =>
            test.Mocks.TryGetValue(node.Id, out var mock) ? new MockedNode(mock)
            : kind.SideEffect is { } effect && kind.Name != "output/message" ? new UnmockedNode(Unmocked(node, kind, effect), unmocked)
            : handler);
        var request = new RunRequest
        {
            RunId = WorkflowEngine.NewRunId(),
            Trigger = test.Trigger,
            TriggerNodeId = test.TriggerNode,
            StartedBy = "test",
        };
        if (RunStarter.Admit(offline, request, out request) is { Count: > 0 } refused)
        {
            return NotRun(test, refused.Select(p => p.Kind == StartProblemKind.InvalidInput ? $"trigger: args/{p}" : $"trigger: {p.Message}"));
        }

        var engine = new WorkflowEngine(registry, new InMemoryRunStore(), clock);
        var run = await engine.StartAsync(offline, request, ct);
        for (var waits = 0; run.Status == RunStatus.Waiting && waits < MaxTimedWaits; waits++)
        {
            var due = run.Nodes.Where(n => n.Status == NodeStatus.Waiting && n.WakeAt is not null && n.Bookmark is not null).MinBy(n => n.WakeAt);
            if (due is null) break;
            clock.MoveTo(due.WakeAt!.Value);
            run = await engine.ResumeAsync(run, new Resumption(due.Bookmark!, null, due.NodeId), ct);
        }

        var mismatches = new List<string>(unmocked.Distinct(StringComparer.Ordinal));
        Check(test.Expect, run, mismatches);
        var ran = run.Nodes.Where(Ran).Select(n => n.NodeId).ToArray();
        return new WorkflowTestResult(test.Name, mismatches.Count == 0, mismatches, run.Status.ToText(), ran);
    }

    /// <summary>The sentence for a node that would act outside the run and has no mock.</summary>
    public static string Unmocked(WorkflowNode node, NodeKind kind, string effect) =>
        kind.Ports.Count > 0
            ? $"node '{node.Id}' {effect}: mock it in this test, with the port it fires ({string.Join(", ", kind.Ports)})"
            : $"node '{node.Id}' {effect}: mock it in this test";

    private static void Check(TestExpectation expect, RunState run, List<string> mismatches)
    {
        if (expect.Status is { } status && status != run.Status.ToText())
        {
            var why = run.Error is { } error ? $" ('{error.NodeId}' failed: {error.Message})" : "";
            mismatches.Add($"status: expected {status}, got {run.Status.ToText()}{why}");
        }
        if (expect.Path is { } path)
        {
            var listed = path.ToHashSet(StringComparer.Ordinal);
            foreach (var id in path.Distinct(StringComparer.Ordinal))
            {
                var node = run.Node(id);
                if (!Ran(node)) mismatches.Add($"path: '{id}' did not run ({node.Status.ToText()})");
            }
            foreach (var node in run.Nodes)
            {
                if (Ran(node) && !listed.Contains(node.NodeId)) mismatches.Add($"path: '{node.NodeId}' ran but is not in the path");
            }
        }
        if (expect.Nodes is { } nodes)
        {
            foreach (var (id, expected) in nodes)
            {
                var actual = run.Node(id).Status.ToText();
                if (actual != expected) mismatches.Add($"nodes.{id}: expected {expected}, got {actual}{FailedWith(run.Node(id))}");
            }
        }
        if (expect.Outputs is { } outputs)
        {
            foreach (var (id, expected) in outputs)
            {
                var node = run.Node(id);
                if (node.Output is null && !Ran(node))
                {
                    mismatches.Add($"outputs.{id}: expected {JsonSubset.Show(expected)}, got nothing ('{id}' {node.Status.ToText()})");
                    continue;
                }
                JsonSubset.Compare(expected, node.Output, $"outputs.{id}", mismatches);
            }
        }
        if (expect.Result is { } result) JsonSubset.Compare(result, run.Result, "result", mismatches);
    }

    private static string FailedWith(NodeRecord node) => node.Status == NodeStatus.Failed && node.Error is { } error ? $" ({error})" : "";

    private static bool Ran(NodeRecord node) => node.Status is NodeStatus.Succeeded or NodeStatus.Failed or NodeStatus.Waiting;

    private static WorkflowTestResult NotRun(WorkflowTest test, IEnumerable<string> why) => new(test.Name, false, why.ToArray(), "not run", []);

    private sealed class MockedNode(NodeMock mock) : INodeHandler
    {
        public ValueTask<NodeResult> RunAsync(NodeContext context, CancellationToken ct)
        {
            if (mock.Error is { } error) throw new NodeException(error);
            return ValueTask.FromResult(mock.Port == NodeResult.ExpiredPort ? NodeResult.Expire(mock.Output) : NodeResult.Success(mock.Output, mock.Port));
        }
    }

    private sealed class UnmockedNode(string sentence, List<string> unmocked) : INodeHandler
    {
        public ValueTask<NodeResult> RunAsync(NodeContext context, CancellationToken ct)
        {
            lock (unmocked) unmocked.Add(sentence);
            throw new NodeException(sentence);
        }
    }
}
