using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using ChatFlows.Core.Agents;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Expressions;
using ChatFlows.Core.Messaging;
using ChatFlows.Core.Running;

namespace ChatFlows.Core.Nodes;

/// <summary>
/// <c>agent</c>: asks an agent (docs/semantics.md) with <c>input</c> rendered from the run, and outputs its answer as a
/// string. Config: <c>{agent, input, maxToolRounds?, history?, approvers?, confirmTimeout?}</c>. Tool calls and token
/// usage are kept on the node record, also when the node fails. With <c>history: "thread"</c> the earlier messages of
/// the run's chat thread go before the input; a call to a tool in the agent's <c>confirm</c> list waits, as an
/// approval, for one of <c>approvers</c> (by default whoever started the run) to decide.
/// </summary>
public sealed partial class AgentNode(
    string agentId, Template input, int maxToolRounds, bool threadHistory, IReadOnlyList<Template>? approvers, TimeSpan? confirmTimeout, BuiltInNodeOptions options)
    : INodeHandler
{
    /// <summary>The node effect holding a conversation paused for a confirmation.</summary>
    public const string ConversationEffect = "agent-conversation";

    /// <summary>The most earlier thread messages an agent gets, newest kept.</summary>
    public const int MaxHistoryMessages = 100;

    /// <summary>The most estimated tokens of thread history an agent gets; a profile's context window may trim it further.</summary>
    public const int MaxHistoryTokens = 8_000;

    /// <summary>The name of the step that says which thread history the agent got, or why it got none.</summary>
    public const string HistoryStep = "thread_history";

    private static readonly JsonSerializerOptions Pretty = new() { WriteIndented = true };

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
                new("history", "History", NodeFieldTypes.Select) { Options = ["none", "thread"], Hint = "thread: the chat thread's earlier messages go before the input." },
                new("approvers", "Approvers", NodeFieldTypes.List)
                {
                    Template = true,
                    Hint = "Who approves the agent's confirm tools, one a line: slack:U012…, teams:<AAD id>, playground:name, or anyone. Empty: whoever started the run.",
                },
                new("confirmTimeout", "Confirm timeout") { Hint = "ISO-8601 duration, like PT1H; then the call counts as rejected." },
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
        var history = setup.String("history");
        if (history is not (null or "none" or "thread")) setup.Problem("history", $"history must be \"none\" or \"thread\", not '{history}'.");
        var approvers = setup.Node.Config.ContainsKey("approvers") ? ApprovalNode.Approvers(setup, required: false) : null;
        var timeout = setup.Duration("confirmTimeout");
        return setup.HasProblems ? null : new AgentNode(
            agent!, input!, rounds ?? AgentRunner.DefaultMaxToolRounds, history == "thread", approvers, timeout, options);
    }

    /// <inheritdoc />
    public async ValueTask<NodeResult> RunAsync(NodeContext context, CancellationToken ct)
    {
        var agents = options.Agents ?? throw new NodeException("Agent nodes cannot run here: this host has no agent store.");
        // An agent of another workspace is as absent as one that does not exist (README §Workspaces and roles).
        var agent = await agents.GetAsync(agentId, ct) is { } found && found.Workspace == context.Workspace ? found : throw new NodeException(
            $"Agent '{agentId}' does not exist; create it with POST {(context.Workspace == Workspaces.WorkspaceIds.Default ? "/api" : $"/api/w/{context.Workspace}")}/agents.");
        var runner = options.AgentRunner ?? throw new NodeException(
            $"Agent '{agentId}' needs a model, but no model profile is configured; set {ModelProfiles.Section}:<name>:Provider, :Model and :Endpoint (see README, Agents and models).");
        var tools = new AgentToolContext(agent, context);

        AgentAnswer answer;
        if (context.IsResumed && context.ResumedBookmark == ApprovalNode.Bookmark)
        {
            var paused = AgentConversation.From(await context.Effects.FindAsync(ConversationEffect, ct)) ?? throw new NodeException(
                $"Agent '{agentId}' waited for an approval, but the conversation it paused was not recorded; run the workflow again.");
            answer = await runner.ResumeAsync(agent, paused, DecisionOf(context.ResumeValue), maxToolRounds, tools, ct);
        }
        else
        {
            // A single {{ expression }} may yield an object or array; the model gets it as JSON text.
            var value = await input.EvaluateAsync(context.Scope);
            var text = value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
            var (history, note) = threadHistory ? await ThreadHistoryAsync(context, ct) : ([], null);
            answer = await runner.RunAsync(agent, new AgentPrompt(text, history), maxToolRounds, tools, ct);
            if (note is not null) answer = answer with { Steps = [note, .. answer.Steps] };
        }

        if (answer.Confirmation is { } confirmation) return await AskAsync(agent, confirmation, answer, context, ct);
        return NodeResult.Success(JsonSerializer.SerializeToElement(answer.Text))
            .WithDetails(answer.Steps.Count > 0 ? answer.Steps : null, answer.Usage);
    }

    // The call waits as an approval every chat surface already shows; the conversation waits in a node effect, so
    // whichever instance takes the decision continues it.
    private async Task<NodeResult> AskAsync(AgentDefinition agent, AgentConfirmation confirmation, AgentAnswer answer, NodeContext context, CancellationToken ct)
    {
        List<string> names;
        if (approvers is not null)
        {
            names = await ApprovalNode.RenderAsync(approvers, context);
        }
        else if (context.Request.StartedBy is { } startedBy && startedBy != ApprovalRequest.Anyone && ApprovalNode.CheckApprover(startedBy) is null)
        {
            names = [startedBy];
        }
        else
        {
            throw new NodeException(
                $"Agent '{agent.Id}' wants to call {confirmation.Entry}, which waits for a person's approval, but this run does not know who started it " +
                $"({context.Request.StartedBy ?? "nobody"}); set approvers on the agent node, like [\"slack:U012AB3CD\"] or [\"anyone\"].")
            {
                Steps = answer.Steps.Count > 0 ? answer.Steps : null,
                Usage = answer.Usage,
            };
        }
        var now = context.Time.GetUtcNow();
        var request = new ApprovalRequest
        {
            Prompt = PromptOf(agent, confirmation),
            Approvers = names,
            RequestedAt = now,
            ExpiresAt = confirmTimeout is { } timeout ? now + timeout : null,
        };
        if (context.Journal is not null) await context.Effects.RecordAsync(ConversationEffect, confirmation.Conversation.ToJson(), ct);
        return NodeResult.Wait(ApprovalNode.Bookmark, request.ToJson(), request.ExpiresAt)
            .WithDetails(answer.Steps.Count > 0 ? answer.Steps : null, answer.Usage);
    }

    /// <summary>What the approver reads: the agent, the tool, and its arguments one a line.</summary>
    internal static string PromptOf(AgentDefinition agent, AgentConfirmation confirmation)
    {
        var call = confirmation.Call;
        var tool = confirmation.Entry == call.Name ? confirmation.Entry : $"{confirmation.Entry} ({call.Name})";
        var text = new StringBuilder($"Agent {agent.Name} ({agent.Id}) wants to call {tool}");
        JsonElement arguments;
        try
        {
            arguments = string.IsNullOrWhiteSpace(call.Arguments) ? default : JsonElement.Parse(call.Arguments);
        }
        catch (JsonException)
        {
            return text.Append(" with these arguments:\n").Append(call.Arguments).ToString();
        }
        if (arguments.ValueKind != JsonValueKind.Object || !arguments.EnumerateObject().Any()) return text.Append(" without arguments.").ToString();
        text.Append(" with:");
        foreach (var property in arguments.EnumerateObject())
        {
            var value = property.Value.ValueKind switch
            {
                JsonValueKind.String => property.Value.GetString(),
                JsonValueKind.Object or JsonValueKind.Array => "\n" + JsonSerializer.Serialize(property.Value, Pretty),
                _ => property.Value.GetRawText(),
            };
            text.Append('\n').Append(property.Name).Append(": ").Append(value);
        }
        return text.ToString();
    }

    // Resumed by the clock (no value): nobody decided in time, which counts as a rejection the model is told about.
    private static ToolDecision DecisionOf(JsonElement? value)
    {
        if (value is not { ValueKind: JsonValueKind.Object } decision) return new ToolDecision(false, null, null);
        var port = Text(decision, "decision");
        if (port is not ("approved" or "rejected")) throw new NodeException($"The decision '{port}' is neither approved nor rejected.");
        return new ToolDecision(port == "approved", Text(decision, "by") ?? "someone", Text(decision, "comment"));
    }

    private static string? Text(JsonElement value, string property) =>
        value.TryGetProperty(property, out var found) && found.ValueKind == JsonValueKind.String ? found.GetString() : null;

    /// <summary>
    /// The earlier messages of the run's thread, newest kept within <see cref="MaxHistoryMessages"/> and
    /// <see cref="MaxHistoryTokens"/>, without the message that started the run;
    /// and a step saying what the agent got, or why it got nothing.
    /// </summary>
    private async Task<(IReadOnlyList<ThreadMessage> History, NodeStep Note)> ThreadHistoryAsync(NodeContext context, CancellationToken ct)
    {
        var now = context.Time.GetUtcNow();
        NodeStep Note(string? thread, int count, string? error) => new()
        {
            Name = HistoryStep,
            Arguments = thread is null ? null : JsonSerializer.SerializeToElement(new { thread }),
            Result = error is null ? JsonSerializer.SerializeToElement(new { messages = count }) : null,
            Error = error,
            StartedAt = now,
            DurationMs = 0,
        };

        if (context.Request.Thread is not { } thread) return ([], Note(null, 0, "This run has no chat thread, so the agent got no history."));
        if (options.Chat is not { } chat) return ([], Note(thread, 0, "This host has no chat adapters, so the agent got no history."));
        var address = await chat.ResolveAsync(thread, ct);
        if (chat.For<IThreadHistory>(address) is not { } reader)
        {
            return ([], Note(address, 0, $"{ChatChannels.PlatformOf(address)} threads cannot be read back, so the agent got no history (README §Agents and models)."));
        }
        var messages = await reader.ReadThreadAsync(address, MaxHistoryMessages + 1, ct);
        var started = context.Request.Trigger.ValueKind == JsonValueKind.Object && context.Request.Trigger.TryGetProperty("ts", out var ts) && ts.ValueKind == JsonValueKind.String
            ? ts.GetString() : null;
        var history = messages.Where(m => m.Id is null || m.Id != started).TakeLast(MaxHistoryMessages).ToList();
        var tokens = 0;
        var keep = history.Count;
        for (var i = history.Count - 1; i >= 0; i--)
        {
            tokens += AgentRunner.EstimateTokens(history[i].Text);
            if (tokens > MaxHistoryTokens) break;
            keep = i;
        }
        history = history[keep..];
        return (history, Note(address, history.Count, null));
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}\\z")]
    private static partial Regex AgentId();
}
