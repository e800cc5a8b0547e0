using System.Collections.Concurrent;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;
using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.SemanticKernel.Connectors.OpenAI;
using ChatTokenUsage = OpenAI.Chat.ChatTokenUsage;

namespace ChatFlows.Core.Agents;

/// <summary>
/// Runs one agent on Semantic Kernel: the agent's instructions as the system message, the input as the user
/// message, and the tools it is allowed, called automatically. Each tool call becomes a <see cref="NodeStep"/>; tokens
/// are summed over every model call of the run.
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
    public async Task<AgentAnswer> RunAsync(
        AgentDefinition agent, string input, int maxToolRounds = DefaultMaxToolRounds, AgentToolContext? context = null, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxToolRounds, 1);
        if (!Profiles.TryResolve(agent, out var profile, out var error)) throw new NodeException(error);
        var allowed = await FunctionsOfAsync(agent, context, ct);
        var functions = allowed.Select(f => f.Function).ToList();

        // The cached kernel holds the profile's chat service; each run gets a clone with its own tools and recorder.
        var kernel = ClientFor(profile).Kernel.Clone();
        var recorder = new ToolRecorder(_time, maxToolRounds);
        context?.AttachTo(kernel);
        if (functions.Count > 0)
        {
            kernel.Plugins.Add(new AgentToolPlugin(functions));
            kernel.AutoFunctionInvocationFilters.Add(recorder);
        }
        var chat = kernel.GetRequiredService<IChatCompletionService>();
        var history = new ChatHistory();
        if (!string.IsNullOrWhiteSpace(agent.Instructions)) history.AddSystemMessage(agent.Instructions);
        history.AddUserMessage(input);
        var answers = new List<ChatMessageContent>();

        try
        {
            var answer = await chat.GetChatMessageContentAsync(history, Settings(agent, functions, toolsOn: true), kernel, ct);
            answers.Add(answer);
            if (recorder.BoundReached)
            {
                history.AddUserMessage($"Your tool budget ({Rounds(maxToolRounds)}) is used up. Answer now with what you have, without calling tools.");
                answer = await chat.GetChatMessageContentAsync(history, Settings(agent, functions, toolsOn: false), kernel, ct);
                answers.Add(answer);
                if (answer.Items.OfType<FunctionCallContent>().Any())
                {
                    throw new NodeException(
                        $"Agent '{agent.Id}' still asked for tools after {Rounds(maxToolRounds)}, although tools were switched off; " +
                        $"raise maxToolRounds on the node (up to {MaxToolRoundsLimit}), or use a model on '{profile.Name}' that honours tool_choice.")
                    {
                        Steps = recorder.StepsOrNull,
                        Usage = UsageOf(profile, history, answers),
                    };
                }
            }
            return new AgentAnswer(answer.Content ?? "", recorder.Steps, UsageOf(profile, history, answers));
        }
        catch (Exception ex) when (ex is not NodeException && !(ex is OperationCanceledException && ct.IsCancellationRequested))
        {
            throw new NodeException(Describe(profile, ex), ex) { Steps = recorder.StepsOrNull, Usage = UsageOf(profile, history, answers) };
        }
    }

    /// <summary>Disposes the HTTP clients of the cached kernels.</summary>
    public void Dispose()
    {
        foreach (var client in _clients.Values)
        {
            if (client.IsValueCreated) client.Value.Http.Dispose();
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
            : toolsOn ? FunctionChoiceBehavior.Auto(functions, autoInvoke: true)
            : FunctionChoiceBehavior.None(functions),
    };

    // Semantic Kernel keeps each model call's usage in the metadata of the message it produced: the assistant messages
    // that asked for tools land in the history, the final answer is returned. Both are counted, each once.
    private static TokenUsage? UsageOf(ModelProfile profile, ChatHistory history, List<ChatMessageContent> answers)
    {
        long prompt = 0, completion = 0;
        var any = false;
        var seen = new HashSet<ChatMessageContent>(ReferenceEqualityComparer.Instance);
        foreach (var message in history.Concat(answers))
        {
            if (!seen.Add(message) || message.Metadata?.GetValueOrDefault("Usage") is not ChatTokenUsage usage) continue;
            prompt += usage.InputTokenCount;
            completion += usage.OutputTokenCount;
            any = true;
        }
        return any ? new TokenUsage(prompt, completion, profile.CostOf(prompt, completion)) : null;
    }

    private ProfileClient ClientFor(ModelProfile profile) =>
        _clients.GetOrAdd(profile.Name, _ => new Lazy<ProfileClient>(() => CreateClient(profile))).Value;

    private sealed record ProfileClient(Kernel Kernel, HttpClient Http);
}
