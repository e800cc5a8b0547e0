using ChatFlows.Core.Documents;
using ChatFlows.Core.Running;
using CsCheck;
using Xunit.Abstractions;

namespace ChatFlows.Core.Tests.Model;

/// <summary>
/// README §Replay a run, as a property over generated workflows (retries, every onError mode, conditions picking a
/// port, skipped branches, approvals, delays, posts and requests): a finished run replayed from any node N it reached
/// keeps the recorded status, port, output and attempts of every node not downstream of N, executes no node outside N
/// and its descendants (other than nodes the old run stopped before they finished), and repeats no side effect of a
/// reused node.
/// </summary>
[Collection(NonParallelCollection.Name)]
public sealed class ReplayModelTests(ITestOutputHelper output)
{
    private const int Cases = 1_000;

    [Fact]
    public async Task Replay_FromAnyReachedNode_ReusesWhatCameBeforeAndReExecutesOnlyTheNodeAndItsDescendants()
    {
        await using var harness = await ModelHarness.StartAsync();
        var checkedCases = 0;
        var executedFrom = 0;

        await Gen.Select(WorkflowGenerator.Workflows, Gen.Int[0, 1000]).SampleAsync(
            async (workflow, pick) =>
            {
                var replay = await harness.RunAndReplayAsync(workflow, pick);
                if (Check(workflow, replay)) Interlocked.Increment(ref executedFrom);
                Interlocked.Increment(ref checkedCases);
            },
            writeLine: output.WriteLine,
            seed: Environment.GetEnvironmentVariable("CHATFLOWS_MODEL_SEED"),
            iter: Cases,
            print: c => $"{c.Item1} replayed with pick {c.Item2}");

        var summary = $"replay model: {checkedCases} replays of generated runs kept every node before the replay point ({executedFrom} re-executed the node replayed from)";
        output.WriteLine(summary);
        TestSummary.Write(summary);
        Assert.True(checkedCases >= Cases, summary);
        Assert.True(executedFrom > Cases / 2, summary);
    }

    // True when the node replayed from was executed again (it is not when a reused node had stopped the run).
    private static bool Check(GeneratedWorkflow workflow, ReplayCase replay)
    {
        var downstream = Downstream(workflow, replay.From);
        var onError = workflow.Nodes.ToDictionary(n => n.Id, n => n.OnError);
        var old = replay.Old.Nodes.ToDictionary(n => n.NodeId);
        var now = replay.Replay.Nodes.ToDictionary(n => n.NodeId);
        // Nodes the old run stopped (by its failure) or never started, rather than finished on their own, run again wherever they are.
        var unfinished = workflow.Nodes.Select(n => n.Id)
            .Where(id => !old.TryGetValue(id, out var record) || !FinishedOnItsOwn(record, onError[id]))
            .ToHashSet();
        var context = $"replay of {replay.Old.Id} ({replay.Old.Status.ToText()}) from {replay.From}: ";

        Assert.True(replay.Replay.Status.IsTerminal(), context + $"the replay ended {replay.Replay.Status.ToText()}");
        Assert.Equal(replay.Old.Id, replay.Replay.ReplayOf);
        Assert.Equal(replay.From, replay.Replay.ReplayFrom);
        foreach (var (id, before) in old)
        {
            if (downstream.Contains(id) || unfinished.Contains(id)) continue;
            var after = now[id];
            Assert.True(after.ReusedFrom == replay.Old.Id, context + $"{id} should be reused from the old run");
            Assert.True(before.Status == after.Status, context + $"{id} was {before.Status.ToText()}, now {after.Status.ToText()}");
            Assert.True(before.Port == after.Port, context + $"{id} fired {before.Port}, now {after.Port}");
            Assert.True(before.Attempts == after.Attempts, context + $"{id} took {before.Attempts} attempts, now {after.Attempts}");
            Assert.True(before.Output?.GetRawText() == after.Output?.GetRawText(), context + $"{id} output {before.Output}, now {after.Output}");
        }
        foreach (var (id, after) in now)
        {
            var executed = after.ReusedFrom is null && after.Attempts > 0;
            Assert.False(executed && !downstream.Contains(id) && !unfinished.Contains(id), context + $"{id} is not downstream of {replay.From} and was executed again");
            Assert.False(after.ReusedFrom is not null && downstream.Contains(id), context + $"{id} is downstream of {replay.From} and was reused");
        }
        foreach (var id in replay.ReplayEffects)
        {
            Assert.True(downstream.Contains(id) || unfinished.Contains(id), context + $"{id} repeated its side effect although it was reused");
        }
        // A node never started in the replay has no journal row (another branch failed the replay first).
        var fromExecuted = now.TryGetValue(replay.From, out var from) && from.ReusedFrom is null && from.Attempts > 0;
        Assert.True(fromExecuted || replay.Replay.Status is RunStatus.Failed or RunStatus.Expired, context + $"{replay.From} was not executed and the replay {replay.Replay.Status.ToText()}");
        return fromExecuted;
    }

    private static bool FinishedOnItsOwn(NodeRecord record, string onError) => record.Status switch
    {
        NodeStatus.Succeeded or NodeStatus.Skipped => true,
        NodeStatus.Failed => onError != OnErrorModes.Fail && record.Output is { } output && output.TryGetProperty("nodeId", out _),
        _ => false,
    };

    private static HashSet<string> Downstream(GeneratedWorkflow workflow, string from)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal) { from };
        var work = new Stack<string>([from]);
        while (work.TryPop(out var id))
        {
            foreach (var edge in workflow.Edges.Where(e => e.From == id))
            {
                if (seen.Add(edge.To)) work.Push(edge.To);
            }
        }
        return seen;
    }
}
