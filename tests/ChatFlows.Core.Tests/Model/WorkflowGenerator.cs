using ChatFlows.Core.Documents;
using CsCheck;

namespace ChatFlows.Core.Tests.Model;

/// <summary>
/// Generates <see cref="GeneratedWorkflow"/>s from small integers, so that CsCheck shrinks a failing case towards
/// fewer nodes, fewer edges, plain steps and no crash.
/// </summary>
internal static class WorkflowGenerator
{
    private static readonly Gen<RawNode> RawNodes = Gen.Select(
        Gen.Int[0, 99], Gen.Int[0, 4], Gen.Int[1, 3], Gen.Int[0, 2], Gen.Int[0, 2], Gen.Select(Gen.Int[0, 7], Gen.Int[0, 2]).Array[1, 3],
        (kind, fail, attempts, onError, choice, inputs) => new RawNode(kind, fail, attempts, onError, choice, inputs));

    /// <summary>Workflows of one to eight nodes after the trigger; half of them crash at a journal write.</summary>
    public static readonly Gen<GeneratedWorkflow> Workflows = Gen.Select(
        RawNodes.Array[1, 8],
        Gen.Frequency((1, Gen.Const(-1)), (1, Gen.Int[0, 30])),
        (nodes, crash) => Build(nodes, crash < 0 ? null : crash));

    private static GeneratedWorkflow Build(RawNode[] raw, int? crash)
    {
        var nodes = new List<ModelNode>();
        for (var i = 0; i < raw.Length; i++) nodes.Add(Node($"n{i}", raw[i], crash is not null));

        var edges = new List<ModelEdge>();
        for (var i = 0; i < raw.Length; i++)
        {
            foreach (var (source, port) in raw[i].Inputs)
            {
                // Sources come before the node (the trigger is -1), so the graph is acyclic and every node reachable.
                var from = source % (i + 1) - 1;
                var edge = new ModelEdge(from < 0 ? GeneratedWorkflow.Trigger : nodes[from].Id, from < 0 ? null : PortOf(nodes[from], port), nodes[i].Id);
                if (!edges.Contains(edge)) edges.Add(edge);
            }
        }
        // A routed error needs somewhere to go (validation refuses it otherwise): the next node, or continue at the end.
        for (var i = 0; i < nodes.Count; i++)
        {
            var node = nodes[i];
            if (node.OnError != OnErrorModes.Route || edges.Any(e => e.From == node.Id && e.Port == NodeTypes.ErrorPort)) continue;
            if (i + 1 < nodes.Count) edges.Add(new ModelEdge(node.Id, NodeTypes.ErrorPort, nodes[i + 1].Id));
            else nodes[i] = node with { OnError = OnErrorModes.Continue };
        }
        return new GeneratedWorkflow(nodes, edges, crash);
    }

    private static ModelNode Node(string id, RawNode raw, bool crashes)
    {
        var kind = raw.Kind switch
        {
            < 40 => ModelKind.Step,
            < 55 => ModelKind.Condition,
            < 65 => ModelKind.Approval,
            < 73 => ModelKind.Delay,
            < 87 => ModelKind.Post,
            _ => ModelKind.Request,
        };
        if (kind != ModelKind.Step)
        {
            return new ModelNode(id, kind) { Value = raw.Choice % 2 == 0, Decision = (ModelDecision)raw.Choice };
        }
        var failUntil = raw.Fail == 4 ? ModelNode.Never : raw.Fail + 1;
        // A re-execution after a crash is one more attempt; with a crash, a step either always succeeds or always
        // fails, so that the outcome does not hang on which attempt the crash took.
        if (crashes && failUntil > 1) failUntil = ModelNode.Never;
        return new ModelNode(id, kind)
        {
            FailUntil = failUntil,
            MaxAttempts = raw.Attempts,
            OnError = raw.OnError switch { 0 => OnErrorModes.Fail, 1 => OnErrorModes.Continue, _ => OnErrorModes.Route },
        };
    }

    private static string? PortOf(ModelNode source, int choice) => source.Kind switch
    {
        ModelKind.Condition => choice % 2 == 0 ? "true" : "false",
        ModelKind.Approval => choice switch { 0 => "approved", 1 => "rejected", _ => "expired" },
        ModelKind.Step when source.OnError == OnErrorModes.Route => choice % 2 == 0 ? null : NodeTypes.ErrorPort,
        _ => null,
    };

    private sealed record RawNode(int Kind, int Fail, int Attempts, int OnError, int Choice, (int Source, int Port)[] Inputs);
}
