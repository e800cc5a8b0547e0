using System.Text.Json;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Expressions;

namespace ChatFlows.Core.Nodes;

/// <summary><c>condition</c>: evaluates a JavaScript expression and fires its <c>true</c> or <c>false</c> port.</summary>
public sealed class ConditionNode(Condition expression) : INodeHandler
{
    private static readonly JsonElement True = JsonSerializer.SerializeToElement(true);
    private static readonly JsonElement False = JsonSerializer.SerializeToElement(false);

    /// <summary>Registers the kind.</summary>
    public static void Register(NodeRegistry registry) =>
        registry.Add(new NodeKind(NodeTypes.Condition, null, Setup)
        {
            Pure = true,
            Ports = ["true", "false"],
            Label = "Condition",
            Description = "Branches on a JavaScript expression.",
            Config = new() { ["expression"] = "" },
            Fields =
            [
                new("expression", "Expression", NodeFieldTypes.Textarea)
                {
                    Required = true,
                    Expression = true,
                    Hint = "JavaScript over trigger, data and run, like data.items.length > 0.",
                },
            ],
        });

    private static ConditionNode? Setup(NodeSetup setup) =>
        setup.Expression("expression", required: true) is { } expression && !setup.HasProblems ? new ConditionNode(expression) : null;

    /// <inheritdoc />
    public ValueTask<NodeResult> RunAsync(NodeContext context, CancellationToken ct) =>
        ValueTask.FromResult(expression.IsTrue(context.Scope, ct) ? NodeResult.Success(True, "true") : NodeResult.Success(False, "false"));
}
