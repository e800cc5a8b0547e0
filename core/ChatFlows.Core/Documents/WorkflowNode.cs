using System.Text.Json.Nodes;

namespace ChatFlows.Core.Documents;

/// <summary>One node of a workflow document.</summary>
public sealed class WorkflowNode
{
    /// <summary>Unique within the workflow.</summary>
    public required string Id { get; init; }

    /// <summary>
    /// What people read for this step (progress cards, the canvas label, the run timeline); the id when it has none.
    /// Trimmed, 1 to <see cref="WorkflowValidator.MaxNodeNameLength"/> characters, one line.
    /// </summary>
    public string? Name { get; init; }

    /// <summary><see cref="Name"/>, or the id when there is none.</summary>
    public string DisplayName => string.IsNullOrWhiteSpace(Name) ? Id : Name;

    /// <summary>trigger, agent, tool, condition, approval or output.</summary>
    public required string Type { get; init; }

    /// <summary>Type-specific settings; strings in it may be templates.</summary>
    public JsonObject Config { get; init; } = [];

    /// <summary>Key under <c>data</c> for this node's output; defaults to the id.</summary>
    public string? Output { get; init; }

    /// <summary>Retry policy for failed attempts.</summary>
    public RetryPolicy? Retry { get; init; }

    /// <summary>ISO-8601 duration after which an attempt is cancelled, e.g. <c>PT10S</c>.</summary>
    public string? Timeout { get; init; }

    /// <summary><c>fail</c> (default), <c>continue</c> or <c>route</c> (to the <c>error</c> port).</summary>
    public string? OnError { get; init; }

    /// <summary>The key this node's output is stored under in <c>data</c>.</summary>
    public string OutputKey => string.IsNullOrEmpty(Output) ? Id : Output;

    /// <summary>
    /// The kind within the type that selects the handler: <c>config.kind</c> for triggers and outputs,
    /// <c>config.tool</c> for tools, none for the other types.
    /// </summary>
    public string? Kind => Type switch
    {
        NodeTypes.Trigger or NodeTypes.Output => ConfigString("kind"),
        NodeTypes.Tool => ConfigString("tool"),
        _ => null,
    };

    /// <summary>Type and kind as one name, e.g. <c>tool/http</c> or <c>condition</c>.</summary>
    public string TypeName => Kind is { } kind ? $"{Type}/{kind}" : Type;

    private string? ConfigString(string name) =>
        Config.TryGetPropertyValue(name, out var value) && value is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    /// <summary>Every string in <see cref="Config"/> with its path below it (<c>headers/Authorization</c>, <c>approvers/0</c>).</summary>
    public IEnumerable<(string Field, string Text)> ConfigStrings()
    {
        var found = new List<(string, string)>();
        foreach (var (field, child) in Config) Walk(child, field);
        return found;

        void Walk(JsonNode? value, string field)
        {
            switch (value)
            {
                case JsonObject obj:
                    foreach (var (name, item) in obj) Walk(item, $"{field}/{name}");
                    break;
                case JsonArray array:
                    for (var i = 0; i < array.Count; i++) Walk(array[i], $"{field}/{i}");
                    break;
                case JsonValue text when text.GetValueKind() == System.Text.Json.JsonValueKind.String:
                    found.Add((field, text.GetValue<string>()));
                    break;
            }
        }
    }
}
