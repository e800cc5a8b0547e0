using ChatFlows.Core.Documents;

namespace ChatFlows.Core.Tests.Model;

/// <summary>What the reference model says of one node.</summary>
internal sealed record ModelOutcome(string Status, int Attempts, string? Label);

/// <summary>What the reference model says of a run.</summary>
internal sealed record ModelRun(string Status, IReadOnlyDictionary<string, ModelOutcome> Nodes, IReadOnlySet<string> Effects, IReadOnlySet<string> FailedAt);

/// <summary>
/// The run semantics of docs/semantics.md, written as plainly as possible and independently of the engine:
/// an edge fires when its source finished on the edge's port (a node failing with onError continue fires its default
/// port, with route its error port); it is ruled out when its source was skipped or finished on another port. A node
/// runs once when all its incoming edges are resolved and at least one fired, and is skipped when none fired.
/// Waiting nodes are answered in document order, one at a time, after everything else that can run has run.
/// </summary>
/// <remarks>
/// A node failing with onError fail fails the run. Which other nodes had run by then depends on scheduling, so for a
/// failed run the model gives every node's outcome as if nothing had stopped: the engine may have done less, never
/// anything else (the test checks it that way).
/// </remarks>
internal static class ReferenceModel
{
    public const string Pending = "pending", Waiting = "waiting", Succeeded = "succeeded", Failed = "failed", Skipped = "skipped";

    public static ModelRun Run(GeneratedWorkflow workflow)
    {
        var status = workflow.Nodes.ToDictionary(n => n.Id, _ => Pending);
        var attempts = workflow.Nodes.ToDictionary(n => n.Id, _ => 0);
        var labels = new Dictionary<string, string?>();
        var ports = new Dictionary<string, string?>();
        var effects = new HashSet<string>();
        var failedAt = new HashSet<string>();
        status[GeneratedWorkflow.Trigger] = Succeeded;
        ports[GeneratedWorkflow.Trigger] = null;
        var fires = new Dictionary<string, bool>();

        bool? Fired(ModelEdge edge)
        {
            var from = status[edge.From];
            if (from is Pending or Waiting) return null;
            if (from == Skipped) return false;
            if (from == Failed && !ports.ContainsKey(edge.From)) return false; // failed the run: nothing fires
            return ports[edge.From] == edge.Port;
        }

        void Finish(ModelNode node, string result, string? port, string? label, int tries)
        {
            status[node.Id] = result;
            ports[node.Id] = port;
            labels[node.Id] = label;
            attempts[node.Id] = tries;
        }

        void Execute(ModelNode node)
        {
            switch (node.Kind)
            {
                case ModelKind.Step:
                    if (node.FailUntil <= node.MaxAttempts)
                    {
                        Finish(node, Succeeded, null, "ok", node.FailUntil);
                    }
                    else if (node.OnError == OnErrorModes.Fail)
                    {
                        status[node.Id] = Failed;
                        attempts[node.Id] = node.MaxAttempts;
                        labels[node.Id] = null;
                        failedAt.Add(node.Id);
                    }
                    else
                    {
                        Finish(node, Failed, node.OnError == OnErrorModes.Route ? NodeTypes.ErrorPort : null, "error", node.MaxAttempts);
                    }
                    break;
                case ModelKind.Condition:
                    Finish(node, Succeeded, node.Value ? "true" : "false", node.Value ? "true" : "false", 1);
                    break;
                case ModelKind.Approval or ModelKind.Delay:
                    status[node.Id] = Waiting;
                    attempts[node.Id] = 1;
                    break;
                case ModelKind.Post or ModelKind.Request:
                    Finish(node, Succeeded, null, node.Kind == ModelKind.Post ? "posted" : "sent", 1);
                    effects.Add(node.Id);
                    break;
            }
        }

        // Settles every node whose incoming edges are all resolved, until nothing changes.
        void Settle()
        {
            for (var changed = true; changed;)
            {
                changed = false;
                foreach (var node in workflow.Nodes)
                {
                    if (status[node.Id] != Pending) continue;
                    var incoming = workflow.Edges.Where(e => e.To == node.Id).Select(Fired).ToArray();
                    if (incoming.Any(f => f is null)) continue;
                    if (incoming.Any(f => f == true)) Execute(node);
                    else status[node.Id] = Skipped;
                    changed = true;
                }
            }
        }

        string runStatus;
        while (true)
        {
            Settle();
            if (failedAt.Count > 0)
            {
                runStatus = "failed";
                break;
            }
            var waiting = workflow.Nodes.FirstOrDefault(n => status[n.Id] == Waiting);
            if (waiting is null)
            {
                runStatus = "succeeded";
                break;
            }
            if (waiting.Kind == ModelKind.Delay)
            {
                Finish(waiting, Succeeded, null, "resumed", 1);
                continue;
            }
            var decision = waiting.Decision switch { ModelDecision.Approved => "approved", ModelDecision.Rejected => "rejected", _ => "expired" };
            Finish(waiting, Succeeded, decision, decision, 1);
            if (decision == "expired" && !workflow.Edges.Any(e => e.From == waiting.Id && e.Port == "expired"))
            {
                // Nobody decided and the workflow says nothing about it: the run expires, nothing else runs.
                foreach (var node in workflow.Nodes.Where(n => status[n.Id] is Pending or Waiting)) status[node.Id] = Skipped;
                runStatus = "expired";
                break;
            }
        }

        var outcomes = workflow.Nodes.ToDictionary(n => n.Id, n => new ModelOutcome(status[n.Id], attempts[n.Id], labels.GetValueOrDefault(n.Id)));
        return new ModelRun(runStatus, outcomes, effects, failedAt);
    }
}
