using System.Text.Json.Nodes;
using ChatFlows.Core.Documents;

namespace ChatFlows.Core.Nodes;

/// <summary>
/// A pluggable node kind (<c>tool/transform</c>, <c>condition</c>, …): its ports and a factory that reads the
/// node's config through a <see cref="NodeSetup"/>. The same factory serves validation (problems are collected)
/// and compilation (a handler is built), so a config rule is written once.
/// </summary>
public sealed class NodeKind(string type, string? kind, Func<NodeSetup, INodeHandler?> create)
{
    /// <summary>The node type, e.g. <c>tool</c>.</summary>
    public string Type { get; } = type;

    /// <summary>The kind within the type, e.g. <c>http</c>; null for types without kinds.</summary>
    public string? Kind { get; } = kind;

    /// <summary><c>type/kind</c> or just the type.</summary>
    public string Name { get; } = kind is null ? type : $"{type}/{kind}";

    /// <summary>Named output ports; empty when the node has only the default (unnamed) port.</summary>
    public IReadOnlyList<string> Ports { get; init; } = [];

    /// <summary>True when the node's output becomes the run's result (respond, end).</summary>
    public bool ProducesRunResult { get; init; }

    /// <summary>True when the node ends the run as it finishes (end), stopping every other branch.</summary>
    public bool EndsRun { get; init; }

    /// <summary>
    /// Config fields that hold credentials and so may contain <c>{{ secrets.NAME }}</c> (README §Secrets): a field
    /// name, or <c>field/*</c> for every value of an object field.
    /// </summary>
    public IReadOnlyList<string> CredentialFields { get; init; } = [];

    /// <summary>
    /// What running the node does outside the run, as a phrase ("posts a message to chat"); null when it does nothing
    /// outside. Testing a single node asks before doing it (README §Test a node).
    /// </summary>
    public string? SideEffect { get; init; }

    /// <summary>
    /// True when running the node reads only the run's own data and touches nothing outside it: no call, message,
    /// model, sub-workflow, wait or decision. A run whose nodes are all pure has nothing to repeat or lose if it is
    /// executed again, so a caller waiting for its answer may have it journaled in one commit at its end (README
    /// §Webhooks). Kinds are impure unless they say so.
    /// </summary>
    public bool Pure { get; init; }

    /// <summary>One line for listings and the editor's palette.</summary>
    public string Description { get; init; } = "";

    /// <summary>What the palette and the kind picker call it ("HTTP request"); the kind or type when not given.</summary>
    public string Label
    {
        get => field ?? Kind ?? Type;
        init;
    }

    /// <summary>The config fields the editor's form shows, in order; config rules live in the factory beside them.</summary>
    public IReadOnlyList<NodeField> Fields { get; init; } = [];

    /// <summary>What a new node's config starts with, without the kind field (see <see cref="NewConfig"/>).</summary>
    public JsonObject Config { get; init; } = [];

    /// <summary>A new node's config: the kind field first (<c>kind</c> or <c>tool</c>), as documents write it, then <see cref="Config"/>.</summary>
    public JsonObject NewConfig()
    {
        var config = new JsonObject();
        if (Kind is not null && NodeTypeInfo.Of(Type)?.KindField is { } field) config[field] = Kind;
        foreach (var (name, value) in Config) config[name] = value?.DeepClone();
        return config;
    }

    /// <summary>Reads the config; returns a handler, or null when the config has problems (reported to the setup).</summary>
    public INodeHandler? Create(NodeSetup setup) => create(setup);

    /// <summary>True for trigger kinds.</summary>
    public bool IsTrigger => Type == NodeTypes.Trigger;
}
