using System.Text.Json;
using System.Text.Json.Nodes;
using ChatFlows.Core.Connections;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Expressions;

namespace ChatFlows.Core.Nodes;

/// <summary>
/// Reads a node's config for its <see cref="NodeKind"/> factory. Every accessor reports a problem with the field's
/// path (<c>nodes/fetch/config/url</c>) instead of throwing, so validation lists every problem at once.
/// </summary>
public sealed class NodeSetup
{
    private readonly List<ValidationProblem> _problems;
    private readonly int _problemsBefore;
    private readonly ConnectionRegistry? _connections;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    internal NodeSetup(
        WorkflowNode node, string path, List<ValidationProblem> problems, SandboxOptions? sandbox = null, string workflowId = "", ConnectionRegistry? connections = null,
        string workspace = Workspaces.WorkspaceIds.Default)
    {
        Sandbox = sandbox ?? SandboxOptions.Default;
        WorkflowId = workflowId;
        Workspace = workspace;
        _connections = connections;
        Node = node;
        Path = path;
        _problems = problems;
        _problemsBefore = problems.Count;
    }

    /// <summary>The node being set up.</summary>
    public WorkflowNode Node { get; }

    /// <summary>The bounds of the node's templates and conditions.</summary>
    public SandboxOptions Sandbox { get; }

    /// <summary>The id of the workflow the node belongs to.</summary>
    public string WorkflowId { get; }

    /// <summary>The workspace of the node's workflow, whose connections, agents and knowledge bases it may use.</summary>
    public string Workspace { get; }

    /// <summary>The node's path, e.g. <c>nodes/fetch</c>.</summary>
    public string Path { get; }

    /// <summary>True when this node's config has at least one problem.</summary>
    public bool HasProblems => _problems.Count > _problemsBefore;

    /// <summary>The path of a config field.</summary>
    public string FieldPath(string field) => $"{Path}/config/{field}";

    /// <summary>Reports a problem with a config field.</summary>
    public void Problem(string field, string message) => _problems.Add(new ValidationProblem(FieldPath(field), message));

    /// <summary>A string field.</summary>
    public string? String(string field, bool required = false)
    {
        switch (Field(field, required))
        {
            case null:
                return null;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                var text = v.GetValue<string>();
                if (required && string.IsNullOrWhiteSpace(text)) Problem(field, $"{field} must not be empty.");
                return text;
            default:
                Problem(field, $"{field} must be a string.");
                return null;
        }
    }

    /// <summary>A string field parsed as a Liquid template.</summary>
    public Template? Template(string field, bool required = false)
    {
        var text = String(field, required);
        return text is null ? null : TemplateOf(text, field);
    }

    /// <summary>
    /// Text read from <paramref name="field"/> (e.g. one item of a list, <c>approvers/0</c>) parsed as a Liquid
    /// template; null, with the problem reported at the field, when it does not parse.
    /// </summary>
    public Template? TemplateOf(string text, string field)
    {
        try
        {
            return Expressions.Template.Parse(text, FieldPath(field), Sandbox);
        }
        catch (ExpressionException ex)
        {
            _problems.Add(new ValidationProblem(FieldPath(field), ex.Message[(FieldPath(field).Length + 2)..]));
            return null;
        }
    }

    /// <summary>Any JSON field whose strings are templates.</summary>
    /// <remarks>
    /// In a <paramref name="credential"/> field, <c>{{ secrets.NAME }}</c> is kept out of templating: it renders to a
    /// reference that the node resolves with <see cref="Secrets.SecretReferences.Resolve"/> where it uses the value.
    /// </remarks>
    public JsonTemplate? JsonTemplate(string field, bool required = false, bool credential = false)
    {
        if (!Node.Config.ContainsKey(field) && !required) return null;
        var value = Field(field, required);
        var errors = new List<ExpressionException>();
        var template = Expressions.JsonTemplate.Parse(value, FieldPath(field), errors, Sandbox, credential);
        foreach (var error in errors)
        {
            var colon = error.Message.IndexOf(": ", StringComparison.Ordinal);
            _problems.Add(new ValidationProblem(error.Message[..colon], error.Message[(colon + 2)..]));
        }
        return errors.Count == 0 ? template : null;
    }

    /// <summary>A string field parsed as a JavaScript expression.</summary>
    public Condition? Expression(string field, bool required = false)
    {
        var text = String(field, required);
        if (string.IsNullOrWhiteSpace(text)) return null;
        try
        {
            return Condition.Parse(text, FieldPath(field), Sandbox);
        }
        catch (ExpressionException ex)
        {
            _problems.Add(new ValidationProblem(FieldPath(field), ex.Message[(FieldPath(field).Length + 2)..]));
            return null;
        }
    }

    /// <summary>An ISO-8601 duration field, e.g. <c>PT10S</c>.</summary>
    public TimeSpan? Duration(string field, bool required = false)
    {
        var text = String(field, required);
        if (text is null) return null;
        if (IsoDuration.TryParse(text, out var duration) && duration > TimeSpan.Zero) return duration;
        Problem(field, $"'{text}' is not a positive ISO-8601 duration (like PT30S, PT4H or P1D).");
        return null;
    }

    /// <summary>A channel address field, e.g. <c>slack:C0123</c>.</summary>
    public ChannelAddress? Channel(string field, bool required = false)
    {
        var text = String(field, required);
        if (text is null) return null;
        if (ChannelAddress.TryParse(text, out var address, out var error)) return address;
        Problem(field, error);
        return null;
    }

    /// <summary>
    /// A field naming a connection of <paramref name="type"/> (README §Connections): it must exist, be of that type and
    /// list this workflow. Where no connections are known (the CLI's validate), only the name's form is checked.
    /// </summary>
    public string? Connection(string field, string type, bool required = true)
    {
        var name = String(field, required);
        if (string.IsNullOrWhiteSpace(name)) return null;
        var problem = _connections is null
            ? ConnectionRegistry.IsValidName(name) ? null : $"'{name}' is not a connection name; {ConnectionRegistry.NameRule}."
            : _connections.Problem(name, type, WorkflowId, Workspace);
        if (problem is not null) Problem(field, problem);
        return name;
    }

    /// <summary>A boolean field.</summary>
    public bool? Boolean(string field)
    {
        switch (Field(field, required: false))
        {
            case null:
                return null;
            case JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False:
                return v.GetValue<bool>();
            default:
                Problem(field, $"{field} must be true or false.");
                return null;
        }
    }

    /// <summary>A whole-number field within bounds.</summary>
    public int? Integer(string field, int min, int max, bool required = false)
    {
        switch (Field(field, required))
        {
            case null:
                return null;
            case JsonValue v when v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<int>(out var i) && i >= min && i <= max:
                return i;
            default:
                Problem(field, $"{field} must be a whole number from {min} to {max}.");
                return null;
        }
    }

    /// <summary>An array of strings.</summary>
    public IReadOnlyList<string>? StringList(string field, bool required = false)
    {
        switch (Field(field, required))
        {
            case null:
                return null;
            case JsonArray array when array.All(item => item is JsonValue v && v.GetValueKind() == JsonValueKind.String):
                return array.Select(item => item!.GetValue<string>()).ToArray();
            default:
                Problem(field, $"{field} must be an array of strings.");
                return null;
        }
    }

    /// <summary>A JSON field as written, for a kind that reads it itself (a manual trigger's input schema).</summary>
    public JsonNode? Json(string field, bool required = false) => Field(field, required);

    /// <summary>The config fields the factory has read so far: what a kind's form must describe (tests hold the two together).</summary>
    internal IReadOnlyCollection<string> FieldsRead => _read;

    private JsonNode? Field(string field, bool required)
    {
        _read.Add(field);
        if (Node.Config.TryGetPropertyValue(field, out var value) && value is not null) return value;
        if (required) Problem(field, $"{Node.TypeName} needs '{field}'.");
        return null;
    }
}
