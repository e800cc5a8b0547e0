using System.Collections.Concurrent;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.SemanticKernel.Connectors.OpenAI;

namespace ChatFlows.Core.Agents;

/// <summary>
/// Runs one agent on Semantic Kernel: the agent's instructions as the system message, the thread's earlier messages
/// when the node sends them, the input as the user message, and the tools it is allowed. Each tool call becomes a
/// <see cref="NodeStep"/>; tokens are summed over every model call of the run. A call to a tool in the agent's
/// <c>confirm</c> list pauses the conversation until a person decides.
/// </summary>
/// <remarks>
/// Tool rounds are bounded: after <c>maxToolRounds</c> model answers that asked for tools (and those tools ran), the
/// model is asked once more with tool calling switched off (<c>tool_choice: none</c>) and a note that its tool budget
/// is spent, so it must answer from what it has. A server that still asks for tools then fails the run with a
/// message saying so. One run thus makes at most <c>maxToolRounds + 1</c> model calls.
/// </remarks>
public sealed partial class AgentRunner : IDisposable
{
    /// <summary>Tool rounds an agent node allows when its config does not say.</summary>
    public const int DefaultMaxToolRounds = 8;

    /// <summary>The most tool rounds an agent node may allow.</summary>
    public const int MaxToolRoundsLimit = 32;

    private readonly ConcurrentDictionary<string, Lazy<ProfileClient>> _clients = new(StringComparer.OrdinalIgnoreCase);
    private readonly TimeProvider _time;
    private readonly ILoggerFactory? _loggerFactory;
    private readonly IAgentToolSource[] _sources;

    /// <summary>
    /// A runner over the configured profiles and tools; one per host, as it caches a kernel per profile.
    /// <paramref name="sources"/> add the tools that are not in the catalog (workflows, MCP servers, knowledge).
    /// </summary>
    public AgentRunner(
        ModelProfiles profiles, AgentToolCatalog tools, TimeProvider time, ILoggerFactory? loggerFactory = null, IEnumerable<IAgentToolSource>? sources = null)
    {
        Profiles = profiles;
        Tools = tools;
        _time = time;
        _loggerFactory = loggerFactory;
        _sources = sources?.ToArray() ?? [];
    }

    /// <summary>The model profiles agents resolve against.</summary>
    public ModelProfiles Profiles { get; }

    /// <summary>The tools agents may be allowed.</summary>
    public AgentToolCatalog Tools { get; }

    /// <summary>
    /// Runs <paramref name="agent"/> on <paramref name="input"/>. Throws <see cref="NodeException"/> with a message for
    /// people (and the steps and usage so far) when the profile is missing or the model fails.
    /// </summary>
    /// <remarks><paramref name="context"/> is the run the tools are called in; tools that use connections or record effects need it.</remarks>
    public Task<AgentAnswer> RunAsync(
        AgentDefinition agent, string input, int maxToolRounds = DefaultMaxToolRounds, AgentToolContext? context = null, CancellationToken ct = default) =>
        RunAsync(agent, new AgentPrompt(input), maxToolRounds, context, ct);

    /// <summary>
    /// Runs <paramref name="agent"/> on <paramref name="prompt"/>: its history, then its input, trimmed to the profile's
    /// context window when it has one. When the model asks for a tool in the agent's <c>confirm</c> list, the call is
    /// not made and the answer carries an <see cref="AgentAnswer.Confirmation"/> to continue from with
    /// <see cref="ResumeAsync"/>.
    /// </summary>
    public async Task<AgentAnswer> RunAsync(
        AgentDefinition agent, AgentPrompt prompt, int maxToolRounds, AgentToolContext? context, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxToolRounds, 1);
        if (!Profiles.TryResolve(agent, out var profile, out var error)) throw new NodeException(error);
        var conversation = new Conversation(_time);
        if (!string.IsNullOrWhiteSpace(agent.Instructions)) conversation.History.AddSystemMessage(agent.Instructions);
        var fitted = Fit(profile, agent, prompt);
        foreach (var message in fitted.History)
        {
            if (message.FromBot) conversation.History.AddAssistantMessage(message.Text);
            else conversation.History.AddUserMessage(message.Text);
        }
        conversation.History.AddUserMessage(fitted.Input);
        if (fitted.Step is { } trimmed) conversation.Steps.Add(trimmed);
        return await ConverseAsync(agent, profile, conversation, null, maxToolRounds, context, ct);
    }

    /// <summary>
    /// Continues a conversation paused by a confirmation: makes the waiting call when <paramref name="decision"/>
    /// approves it, or tells the model who rejected it and why, then goes on as <see cref="RunAsync(AgentDefinition, AgentPrompt, int, AgentToolContext?, CancellationToken)"/>.
    /// </summary>
    public async Task<AgentAnswer> ResumeAsync(
        AgentDefinition agent, AgentConversation paused, ToolDecision decision, int maxToolRounds, AgentToolContext? context, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxToolRounds, 1);
        if (!Profiles.TryResolve(agent, out var profile, out var error)) throw new NodeException(error);
        return await ConverseAsync(agent, profile, Conversation.From(paused, _time), decision, maxToolRounds, context, ct);
    }

    // The tool loop, called by hand rather than by Semantic Kernel's auto invocation, so that it can stop before a call
    // a person must confirm and continue later, on another instance, from the recorded conversation.
    private async Task<AgentAnswer> ConverseAsync(
        AgentDefinition agent, ModelProfile profile, Conversation conversation, ToolDecision? decision, int maxToolRounds, AgentToolContext? context, CancellationToken ct)
    {
        var allowed = await FunctionsOfAsync(agent, context, ct);
        var functions = allowed.Select(f => f.Function).ToList();

        // Each run gets a clone of the profile's cached kernel, with its own tools; the chat service is shared.
        var client = ClientFor(profile);
        var kernel = client.Kernel.Clone();
        context?.AttachTo(kernel);
        // A resumed conversation numbers the child runs its tools start after every call it made before it paused (each
        // call is a step, whether or not it started a run), so a new call never takes an earlier call's run.
        context?.NumberChildRunsAfter(conversation.Steps.Count);
        if (functions.Count > 0) kernel.Plugins.Add(new AgentToolPlugin(functions));
        var chat = client.Chat;

        try
        {
            while (true)
            {
                while (conversation.Pending.Count > 0)
                {
                    var call = conversation.Pending[0];
                    var entry = allowed.FirstOrDefault(f => string.Equals(f.Function.Name, call.Name, StringComparison.Ordinal))?.Entry;
                    if (entry is not null && agent.Confirm.Contains(entry, StringComparer.Ordinal))
                    {
                        if (decision is null) return conversation.Paused(profile, entry, call);
                        await conversation.DecideAsync(kernel, call, decision, ct);
                        decision = null;
                    }
                    else
                    {
                        await conversation.CallAsync(kernel, call, null, ct);
                    }
                    conversation.Pending.RemoveAt(0);
                }

                if (conversation.Rounds >= maxToolRounds)
                {
                    conversation.History.AddUserMessage($"Your tool budget ({Rounds(maxToolRounds)}) is used up. Answer now with what you have, without calling tools.");
                    var last = await conversation.AskAsync(chat, Settings(agent, functions, toolsOn: false), kernel, ct);
                    if (Conversation.CallsOf(last).Count > 0)
                    {
                        throw new NodeException(
                            $"Agent '{agent.Id}' still asked for tools after {Rounds(maxToolRounds)}, although tools were switched off; " +
                            $"raise maxToolRounds on the node (up to {MaxToolRoundsLimit}), or use a model on '{profile.Name}' that honours tool_choice.")
                        {
                            Steps = conversation.StepsOrNull,
                            Usage = conversation.UsageOf(profile),
                        };
                    }
                    return conversation.Answer(profile, last);
                }

                var answer = await conversation.AskAsync(chat, Settings(agent, functions, toolsOn: true), kernel, ct);
                var calls = Conversation.CallsOf(answer);
                if (calls.Count == 0) return conversation.Answer(profile, answer);
                conversation.History.Add(answer);
                conversation.Rounds++;
                conversation.Pending.AddRange(calls);
            }
        }
        catch (Exception ex) when (ex is not NodeException && !(ex is OperationCanceledException && ct.IsCancellationRequested))
        {
            throw new NodeException(Describe(profile, ex), ex) { Steps = conversation.StepsOrNull, Usage = conversation.UsageOf(profile) };
        }
    }

    /// <summary>Disposes the chat and HTTP clients of the cached profiles.</summary>
    public void Dispose()
    {
        foreach (var client in _clients.Values)
        {
            if (!client.IsValueCreated) continue;
            client.Value.ModelClient.Dispose();
            client.Value.Http.Dispose();
        }
        _clients.Clear();
    }

    private static string Rounds(int count) => count == 1 ? "1 tool round" : $"{count} tool rounds";

    private async ValueTask<List<AgentFunction>> FunctionsOfAsync(AgentDefinition agent, AgentToolContext? context, CancellationToken ct)
    {
        var functions = new List<AgentFunction>();
        foreach (var name in agent.Tools.Distinct(StringComparer.Ordinal))
        {
            if (_sources.Any(s => s.Owns(name))) continue;
            var tool = Tools.Find(name) ?? throw new NodeException(
                $"Agent '{agent.Id}' may use tool '{name}', which this host does not offer; remove it from the agent " +
                $"(tools here: {string.Join(", ", Tools.Tools.Select(t => t.Name))}).");
            functions.Add(new AgentFunction(name, tool.Function));
        }
        foreach (var source in _sources) functions.AddRange(await source.FunctionsAsync(agent, context, ct));
        if (functions.GroupBy(f => f.Function.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new NodeException(
                $"Agent '{agent.Id}' has two tools the model would call '{twice.Key}' ({string.Join(", ", twice.Select(f => f.Entry))}); keep one of them.");
        }
        return functions;
    }

    private static OpenAIPromptExecutionSettings Settings(AgentDefinition agent, List<KernelFunction> functions, bool toolsOn) => new()
    {
        Temperature = agent.Temperature,
        MaxTokens = agent.MaxOutputTokens,
        FunctionChoiceBehavior = functions.Count == 0 ? null
            : toolsOn ? FunctionChoiceBehavior.Auto(functions, autoInvoke: false)
            : FunctionChoiceBehavior.None(functions),
    };

    private ProfileClient ClientFor(ModelProfile profile) =>
        _clients.GetOrAdd(profile.Name, _ => new Lazy<ProfileClient>(() => CreateClient(profile))).Value;

    /// <summary>
    /// A profile's kernel (cloned per run for its tools), the OpenTelemetry chat client its calls go through (disposing it
    /// ends its meter), Semantic Kernel's chat service over that client, and the HTTP client under both.
    /// </summary>
    private sealed record ProfileClient(Kernel Kernel, IChatClient ModelClient, IChatCompletionService Chat, HttpClient Http);
}
