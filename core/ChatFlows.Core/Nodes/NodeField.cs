namespace ChatFlows.Core.Nodes;

/// <summary>
/// One config field of a node kind as the editor's inspector shows it (<c>GET /api/node-kinds</c>): its name in
/// <c>config</c>, label, input type and hint. Described beside the node's config rules, in its <c>Register</c>, so
/// the form and the rules live in one place. Fields not described are kept untouched by the editor.
/// </summary>
/// <param name="Name">The config property, e.g. <c>url</c>.</param>
/// <param name="Label">What the form calls it.</param>
/// <param name="Type">One of <see cref="NodeFieldTypes"/>.</param>
public sealed record NodeField(string Name, string Label, string Type = NodeFieldTypes.Text)
{
    /// <summary>True when the field is never removed from config (the editor keeps it even when emptied).</summary>
    public bool Required { get; init; }

    /// <summary>One line of help under the input.</summary>
    public string? Hint { get; init; }

    /// <summary>The values of a <see cref="NodeFieldTypes.Select"/> field.</summary>
    public IReadOnlyList<string>? Options { get; init; }

    /// <summary>The id of a list of suggestions for a text field (<c>time-zones</c>, <c>workflow-ids</c>).</summary>
    public string? List { get; init; }

    /// <summary>The connection type a <see cref="NodeFieldTypes.Connection"/> field offers (http, database, mail, github).</summary>
    public string? ConnectionType { get; init; }

    /// <summary>True when the value is a Liquid template (may contain <c>{{ }}</c>); for json, list and map fields, their strings are.</summary>
    public bool Template { get; init; }

    /// <summary>True when the value is a condition's JavaScript expression over trigger, data and run.</summary>
    public bool Expression { get; init; }

    /// <summary>The values of config <c>action</c> the field belongs to (tool/github); null: every action.</summary>
    public IReadOnlyList<string>? Actions { get; init; }
}
