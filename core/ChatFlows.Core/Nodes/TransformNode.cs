using System.Text.Json.Nodes;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Expressions;

namespace ChatFlows.Core.Nodes;

/// <summary><c>tool/transform</c>: shapes data. Its <c>value</c> is any JSON whose strings are templates.</summary>
public sealed class TransformNode(JsonTemplate value) : INodeHandler
{
    /// <summary>Registers the kind.</summary>
    public static void Register(NodeRegistry registry) =>
        registry.Add(new NodeKind(NodeTypes.Tool, "transform", Setup)
        {
            Pure = true,
            Label = "Transform",
            Description = "Builds a value from templates.",
            Config = new() { ["value"] = new JsonObject() },
            Fields = [new("value", "Value", NodeFieldTypes.Json) { Required = true, Template = true, Hint = "Any JSON; its strings are templates." }],
        });

    private static TransformNode? Setup(NodeSetup setup) =>
        setup.JsonTemplate("value", required: true) is { } value && !setup.HasProblems ? new TransformNode(value) : null;

    /// <inheritdoc />
    public ValueTask<NodeResult> RunAsync(NodeContext context, CancellationToken ct)
    {
        var evaluation = value.EvaluateAsync(context.Scope);
        return evaluation.IsCompletedSuccessfully
            ? ValueTask.FromResult(NodeResult.Success(evaluation.Result))
            : AwaitAsync(evaluation);

        static async ValueTask<NodeResult> AwaitAsync(ValueTask<System.Text.Json.JsonElement> pending) => NodeResult.Success(await pending);
    }
}
