using System.Text.Json.Nodes;
using ChatFlows.Core.Workspaces;

namespace ChatFlows.Core.Documents;

/// <summary>A workflow as authored: nodes, edges and canvas layout (docs/semantics.md, version 1).</summary>
public sealed record WorkflowDocument
{
    /// <summary>Stable identifier, used by <c>/run &lt;id&gt;</c> and the API.</summary>
    public required string Id { get; init; }

    /// <summary>Human-readable name; defaults to the id.</summary>
    public string? Name { get; init; }

    /// <summary>Optional one-line description shown in listings.</summary>
    public string? Description { get; init; }

    /// <summary>Version, set by the store on every save.</summary>
    public int Version { get; init; }

    /// <summary>The workspace it belongs to, set by the store (README §Workspaces and roles); its runs use that workspace's secrets, connections and agents.</summary>
    public string Workspace { get; init; } = WorkspaceIds.Default;

    /// <summary>
    /// Which ended runs are kept (<see cref="HistoryPolicies"/>): <c>all</c> when null, <c>errors</c> or <c>none</c> for
    /// high-volume workflows. Waiting runs are always kept until they end.
    /// </summary>
    public string? History { get; init; }

    /// <summary>The nodes, in authoring order.</summary>
    public IReadOnlyList<WorkflowNode> Nodes { get; init; } = [];

    /// <summary>Connections between node ports.</summary>
    public IReadOnlyList<WorkflowEdge> Edges { get; init; } = [];

    /// <summary>Canvas positions; never read by the engine.</summary>
    public JsonObject? Layout { get; init; }

    /// <summary>
    /// Sample data pinned by its authors for testing single nodes (README §Test a node): <c>{ "trigger": …,
    /// "nodes": { "&lt;node id&gt;": output } }</c>. Saved with the workflow, never with its runs; never read by a run.
    /// </summary>
    public JsonObject? Pinned { get; init; }

    /// <summary>
    /// The workflow's own tests (README §Workflow tests): each a trigger payload, mocked node outputs and expectations.
    /// Never read by a run.
    /// </summary>
    public JsonArray? Tests { get; init; }

    /// <summary>The display name: <see cref="Name"/> or else the id.</summary>
    public string DisplayName => string.IsNullOrWhiteSpace(Name) ? Id : Name;
}
