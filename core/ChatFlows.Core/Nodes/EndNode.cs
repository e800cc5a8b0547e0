using ChatFlows.Core.Documents;
using ChatFlows.Core.Expressions;

namespace ChatFlows.Core.Nodes;

/// <summary>
/// <c>output/end</c>: ends the run successfully with an optional <c>value</c> as its result; branches still running
/// are stopped and nodes not yet reached are skipped.
/// </summary>
public sealed class EndNode(JsonTemplate? value) : INodeHandler
{
    /// <summary>Registers the kind.</summary>
    public static void Register(NodeRegistry registry) =>
        registry.Add(new NodeKind(NodeTypes.Output, "end", Setup)
        {
            Pure = true,
            ProducesRunResult = true,
            EndsRun = true,
            Label = "End",
            Description = "Ends the run with a result.",
            Fields = [new("value", "Result", NodeFieldTypes.Json) { Template = true }],
        });

    private static EndNode? Setup(NodeSetup setup)
    {
        var value = setup.JsonTemplate("value");
        return setup.HasProblems ? null : new EndNode(value);
    }

    /// <inheritdoc />
    public async ValueTask<NodeResult> RunAsync(NodeContext context, CancellationToken ct) =>
        NodeResult.End(value is null ? null : await value.EvaluateAsync(context.Scope));
}
