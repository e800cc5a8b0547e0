using System.Text.Json;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Expressions;
using ChatFlows.Core.Running;

namespace ChatFlows.Core.Nodes;

/// <summary>Everything one node attempt may use: the run's values, its node, the attempt number and the clock.</summary>
public sealed class NodeContext
{
    /// <summary>The run's id.</summary>
    public required string RunId { get; init; }

    /// <summary>The workflow the run belongs to.</summary>
    public required string WorkflowId { get; init; }

    /// <summary>The workspace of the run's workflow: secrets, connections, agents and knowledge bases are looked up in it.</summary>
    public string Workspace { get; init; } = ChatFlows.Core.Workspaces.WorkspaceIds.Default;

    /// <summary>The node being executed.</summary>
    public required WorkflowNode Node { get; init; }

    /// <summary><c>trigger</c>, <c>data</c> and <c>run</c> for templates and expressions.</summary>
    public required RunScope Scope { get; init; }

    /// <summary>1 for the first attempt.</summary>
    public required int Attempt { get; init; }

    /// <summary>The clock; never read <c>DateTime.UtcNow</c> in a handler.</summary>
    public required TimeProvider Time { get; init; }

    /// <summary>When the run is resumed at this node: the bookmark it waited on.</summary>
    public string? ResumedBookmark { get; init; }

    /// <summary>When the run is resumed at this node: the value given for the bookmark.</summary>
    public JsonElement? ResumeValue { get; init; }

    /// <summary>When the run is resumed at this node: what the node recorded when it began waiting (e.g. its approval request).</summary>
    public JsonElement? WaitedWith { get; init; }

    /// <summary>True when this attempt continues a node that waited on a bookmark.</summary>
    public bool IsResumed => ResumedBookmark is not null;

    /// <summary>The run's request: who started it, its chat thread, its parent run.</summary>
    public required RunRequest Request { get; init; }

    /// <summary>What this node recorded having done in earlier executions (messages posted, requests sent).</summary>
    public NodeEffects Effects => _effects ??= new NodeEffects(
        Journal ?? throw new InvalidOperationException("This node context has no journal to record effects in."), RunId, Node.Id);

    /// <summary>
    /// True when the node is tested on its own rather than run (README §Test a node): nothing is posted to chat, delays
    /// do not wait and no sub-workflow is started; the node returns what it would have done instead.
    /// </summary>
    public bool IsTest { get; init; }

    /// <summary>The run's journal, where <see cref="Effects"/> are kept.</summary>
    public IRunJournal? Journal { get; init; }

    private NodeEffects? _effects;
}
