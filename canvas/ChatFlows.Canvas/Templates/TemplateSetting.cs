namespace ChatFlows.Canvas.Templates;

/// <summary>
/// Something a person must provide before a template's workflow works: a secret, a connection, a model profile, a
/// channel, an agent or a value in a node's field, with where to set it.
/// </summary>
public sealed record TemplateSetting(string Kind, string Name, string Description, string Where)
{
    /// <summary>The kinds a setting may have.</summary>
    public static readonly IReadOnlyList<string> Kinds = ["secret", "connection", "model", "channel", "agent", "value"];
}
