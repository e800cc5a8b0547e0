using System.Text.Json;
using System.Text.RegularExpressions;
using ChatFlows.Core.Agents;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Expressions;

namespace ChatFlows.Core.Nodes;

/// <summary>
/// <c>agent</c>: asks an agent (docs/semantics.md) with <c>input</c> rendered from the run, and outputs its answer as a
/// string. Config: <c>{agent, input, maxToolRounds?}</c>. Tool calls and token usage are kept on the node record,
/// also when the node fails.
/// </summary>
public sealed partial class AgentNode(string agentId, Template input, int maxToolRounds, BuiltInNodeOptions options) : INodeHandler
{
    /// <summary>Registers the kind.</summary>
    public static void Register(NodeRegistry registry, BuiltInNodeOptions options) =>
        registry.Add(new NodeKind(NodeTypes.Agent, null, setup => Setup(setup, options))
        {
            SideEffect = "calls a model, whose tools may act",
            Label = "Agent",
            Description = "Asks an agent: a model with instructions and tools.",
            Config = new() { ["agent"] = "", ["input"] = "{{ trigger }}" },
            Fields =
            [
                new("agent", "Agent", NodeFieldTypes.Agent) { Required = true },
                new("input", "Input", NodeFieldTypes.Textarea) { Required = true, Template = true, Hint = "A template, like {{ data.items }}." },
                new("maxToolRounds", "Max tool rounds", NodeFieldTypes.Number),
            ],
        });

    private static AgentNode? Setup(NodeSetup setup, BuiltInNodeOptions options)
    {
        var agent = setup.String("agent", required: true);
        if (!string.IsNullOrWhiteSpace(agent) && !AgentId().IsMatch(agent))
        {
            setup.Problem("agent", $"'{agent}' is not an agent id; ids use lower-case letters, digits and dashes, like summarizer.");
        }
        var input = setup.Template("input", required: true);
        var rounds = setup.Integer("maxToolRounds", 1, AgentRunner.MaxToolRoundsLimit);
        return setup.HasProblems ? null : new AgentNode(agent!, input!, rounds ?? AgentRunner.DefaultMaxToolRounds, options);
    }

    /// <inheritdoc />
    public async ValueTask<NodeResult> RunAsync(NodeContext context, CancellationToken ct)
    {
        var agents = options.Agents ?? throw new NodeException("Agent nodes cannot run here: this host has no agent store.");
        var agent = await agents.GetAsync(agentId, ct) ?? throw new NodeException($"Agent '{agentId}' does not exist; create it with POST /api/agents.");
        var runner = options.AgentRunner ?? throw new NodeException(
            $"Agent '{agentId}' needs a model, but no model profile is configured; set {ModelProfiles.Section}:<name>:Provider, :Model and :Endpoint (see README, Agents and models).");

        // A single {{ expression }} may yield an object or array; the model gets it as JSON text.
        var value = await input.EvaluateAsync(context.Scope);
        var text = value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
        var answer = await runner.RunAsync(agent, text, maxToolRounds, new AgentToolContext(agent, context), ct);
        return NodeResult.Success(JsonSerializer.SerializeToElement(answer.Text))
            .WithDetails(answer.Steps.Count > 0 ? answer.Steps : null, answer.Usage);
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}\\z")]
    private static partial Regex AgentId();
}
