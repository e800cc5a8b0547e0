using ChatFlows.Core.Connections;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Expressions;
using ChatFlows.Core.Sql;

namespace ChatFlows.Core.Nodes;

/// <summary>The node kinds a workflow may use. Later features add kinds here without touching the engine.</summary>
public sealed class NodeRegistry
{
    private readonly Dictionary<string, NodeKind> _kinds = new(StringComparer.Ordinal);
    private readonly List<NodeKind> _order = [];

    /// <summary>The bounds of the templates and conditions of the nodes this registry sets up.</summary>
    public SandboxOptions Sandbox { get; init; } = SandboxOptions.Default;

    /// <summary>The connections node configs may name; null where there are none to check against (the CLI's validate).</summary>
    public ConnectionRegistry? Connections { get; init; }

    /// <summary>
    /// The workspaces whose policies running nodes are checked against (README §Workspaces and roles); null where there
    /// are none (the CLI).
    /// </summary>
    public ChatFlows.Core.Workspaces.IWorkspaceStore? Workspaces { get; init; }

    /// <summary>Registers a kind; a kind with the same name is replaced.</summary>
    public NodeRegistry Add(NodeKind kind)
    {
        if (_kinds.TryGetValue(kind.Name, out var old)) _order[_order.IndexOf(old)] = kind;
        else _order.Add(kind);
        _kinds[kind.Name] = kind;
        return this;
    }

    /// <summary>Every registered kind, in the order registered (a replaced kind keeps its place).</summary>
    public IEnumerable<NodeKind> Kinds => _order;

    /// <summary>The kind for a node, or null when its type or kind is unknown.</summary>
    public NodeKind? Find(WorkflowNode node) =>
        _kinds.GetValueOrDefault(node.Kind is null ? node.Type : $"{node.Type}/{node.Kind}");

    /// <summary>The kinds registered for a type (e.g. http, transform for <c>tool</c>).</summary>
    public IReadOnlyList<string> KindsOf(string type) =>
        _kinds.Values.Where(k => k.Type == type && k.Kind is not null).Select(k => k.Kind!).Order(StringComparer.Ordinal).ToArray();

    /// <summary>True when a type has kinds (trigger, tool, output) rather than being one kind itself.</summary>
    public bool HasKinds(string type) => _kinds.Values.Any(k => k.Type == type && k.Kind is not null);

    /// <summary>A registry with the built-in nodes.</summary>
    public static NodeRegistry CreateDefault(BuiltInNodeOptions? options = null)
    {
        options ??= new BuiltInNodeOptions();
        var registry = new NodeRegistry { Sandbox = options.Sandbox, Connections = options.Connections, Workspaces = options.Workspaces };
        // In the palette's order: kinds of a type are listed as they are registered.
        TriggerNodes.Register(registry);
        EmailTriggerNode.Register(registry);
        AgentNode.Register(registry, options);
        HttpNode.Register(registry, options);
        SqlNode.Register(registry, options);
        Github.GithubNode.Register(registry, options);
        Knowledge.SearchNode.Register(registry, options);
        TransformNode.Register(registry);
        DelayNode.Register(registry, options);
        SubworkflowNode.Register(registry, options);
        ConditionNode.Register(registry);
        ApprovalNode.Register(registry, options.ApprovalEmailLists);
        MessageNode.Register(registry, options.Chat);
        RespondNode.Register(registry);
        EmailOutputNode.Register(registry, options);
        Widgets.WidgetNode.Register(registry, options.Widgets);
        EndNode.Register(registry);
        return registry;
    }
}
