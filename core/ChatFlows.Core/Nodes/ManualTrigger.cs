using ChatFlows.Core.Documents;

namespace ChatFlows.Core.Nodes;

/// <summary>
/// The manual trigger (Play, the runs API, the CLI, <c>/run</c> in chat, agents calling <c>workflow:&lt;id&gt;</c>). Its
/// optional <c>input</c> is an <see cref="InputSchema"/> of <c>trigger.args</c>, read once when the workflow is compiled;
/// <see cref="Running.RunStarter"/> checks every start against it (README §Workflow inputs).
/// </summary>
public sealed class ManualTrigger : INodeHandler
{
    private static readonly ManualTrigger WithoutInput = new(null);

    private ManualTrigger(InputSchema? input) => Input = input;

    /// <summary>What the trigger takes as <c>trigger.args</c>; null when it takes anything.</summary>
    public InputSchema? Input { get; }

    /// <summary>Reads the trigger's config; problems have paths like <c>nodes/start/config/input/properties/service/type</c>.</summary>
    public static INodeHandler? Setup(NodeSetup setup)
    {
        if (!setup.Node.Config.ContainsKey("input")) return WithoutInput;
        var input = setup.Json("input");
        var schema = InputSchema.Parse(input, (path, message) => setup.Problem(path.Length == 0 ? "input" : $"input/{path}", message));
        return schema is null ? null : new ManualTrigger(schema);
    }

    /// <inheritdoc />
    public ValueTask<NodeResult> RunAsync(NodeContext context, CancellationToken ct) => ValueTask.FromResult(NodeResult.Success(context.Scope.Trigger));
}
