using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using ChatFlows.Core.Running;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using OpenAICompletion = OpenAI.Chat.ChatCompletion;
using UsageDetails = Microsoft.Extensions.AI.UsageDetails;

namespace ChatFlows.Core.Agents;

public sealed partial class AgentRunner
{
    /// <summary>Longest tool result, in characters of JSON, kept in a step; longer ones are cut so the journal stays small.</summary>
    internal const int MaxStepResultLength = 16_384;

    /// <summary>
    /// One agent run's conversation with the model: the chat history, the steps, the tokens, the rounds and the calls
    /// still to make; it calls the tools itself and can be paused to an <see cref="AgentConversation"/> and rebuilt.
    /// </summary>
    private sealed class Conversation(TimeProvider time)
    {
        private long _promptTokens;
        private long _completionTokens;
        private bool _anyUsage;

        public ChatHistory History { get; } = [];

        public List<NodeStep> Steps { get; } = [];

        public List<AgentCall> Pending { get; } = [];

        public int Rounds { get; set; }

        public IReadOnlyList<NodeStep>? StepsOrNull => Steps.Count > 0 ? Steps.ToArray() : null;

        public static Conversation From(AgentConversation saved, TimeProvider time)
        {
            var conversation = new Conversation(time)
            {
                Rounds = saved.Rounds,
                _promptTokens = saved.PromptTokens ?? 0,
                _completionTokens = saved.CompletionTokens ?? 0,
                _anyUsage = saved.PromptTokens is not null,
            };
            conversation.Steps.AddRange(saved.Steps);
            conversation.Pending.AddRange(saved.Pending);
            foreach (var message in saved.Messages)
            {
                switch (message.Role.ToLowerInvariant())
                {
                    case "system": conversation.History.AddSystemMessage(message.Text ?? ""); break;
                    case "user": conversation.History.AddUserMessage(message.Text ?? ""); break;
                    case "tool": conversation.History.Add(ToolMessage(new AgentCall(message.CallId ?? "", message.Name ?? "", ""), message.Text ?? "")); break;
                    case "assistant" when message.Calls is { Count: > 0 } calls:
                        conversation.History.Add(new ChatMessageContent(AuthorRole.Assistant, [
                            .. message.Text is { Length: > 0 } text ? [new TextContent(text)] : Array.Empty<KernelContent>(),
                            .. calls.Select(c => new FunctionCallContent(c.Name, null, c.Id, JsonArgumentsOf(c))),
                        ]));
                        break;
                    default: conversation.History.AddAssistantMessage(message.Text ?? ""); break;
                }
            }
            return conversation;
        }

        /// <summary>Asks the model, counting the tokens its answer reports.</summary>
        public async Task<ChatMessageContent> AskAsync(IChatCompletionService chat, PromptExecutionSettings settings, Kernel kernel, CancellationToken ct)
        {
            var answer = await chat.GetChatMessageContentAsync(History, settings, kernel, ct);
            if (answer.Metadata?.GetValueOrDefault("Usage") is UsageDetails usage)
            {
                _promptTokens += usage.InputTokenCount ?? 0;
                _completionTokens += usage.OutputTokenCount ?? 0;
                _anyUsage = true;
            }
            return answer;
        }

        public TokenUsage? UsageOf(ModelProfile profile) =>
            _anyUsage ? new TokenUsage(_promptTokens, _completionTokens, profile.CostOf(_promptTokens, _completionTokens)) : null;

        public AgentAnswer Answer(ModelProfile profile, ChatMessageContent answer) => new(answer.Content ?? "", Steps.ToArray(), UsageOf(profile));

        /// <summary>The conversation paused before <paramref name="call"/>, which waits for a person.</summary>
        public AgentAnswer Paused(ModelProfile profile, string entry, AgentCall call)
        {
            var saved = new AgentConversation
            {
                Messages = History.Select(Save).ToArray(),
                Pending = Pending.ToArray(),
                Steps = Steps.ToArray(),
                PromptTokens = _anyUsage ? _promptTokens : null,
                CompletionTokens = _anyUsage ? _completionTokens : null,
                Rounds = Rounds,
            };
            return new AgentAnswer("", Steps.ToArray(), UsageOf(profile)) { Confirmation = new AgentConfirmation(entry, call, saved) };
        }

        /// <summary>The tool calls the model asked for, with their arguments exactly as it sent them.</summary>
        public static List<AgentCall> CallsOf(ChatMessageContent answer)
        {
            // An answer the model just gave carries OpenAI's completion, whose calls keep the arguments' text.
            if (answer.InnerContent is OpenAICompletion { ToolCalls.Count: > 0 } completion)
            {
                return completion.ToolCalls.Select(c => new AgentCall(c.Id, c.FunctionName, c.FunctionArguments.ToString())).ToList();
            }
            return answer.Items.OfType<FunctionCallContent>()
                .Select(c => new AgentCall(c.Id ?? "", c.FunctionName, JsonSerializer.Serialize(c.Arguments?.ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal))))
                .ToList();
        }

        /// <summary>Makes a call the decision is about: as any other when approved; when not, tells the model why it was not made.</summary>
        public async Task DecideAsync(Kernel kernel, AgentCall call, ToolDecision decision, CancellationToken ct)
        {
            if (decision.Approved)
            {
                await CallAsync(kernel, call, decision.By ?? "someone", ct);
                return;
            }
            var why = decision.By is null
                ? "Nobody approved this call in time, so it was not made."
                : $"{decision.By} rejected this call{(string.IsNullOrWhiteSpace(decision.Comment) ? "." : $": {decision.Comment.Trim()}")}";
            Steps.Add(new NodeStep { Name = call.Name, Arguments = ArgumentsOf(call), Error = why, StartedAt = time.GetUtcNow(), DurationMs = 0 });
            History.Add(ToolMessage(call, why));
        }

        /// <summary>
        /// Calls the function the model asked for and adds its result (or its error, which the model reads) to the
        /// history; records the call as a step either way.
        /// </summary>
        public async Task CallAsync(Kernel kernel, AgentCall call, string? approvedBy, CancellationToken ct)
        {
            var startedAt = time.GetUtcNow();
            var started = time.GetTimestamp();
            string? error = null;
            object? value = null;
            KernelArguments? arguments = null;
            try
            {
                if (!kernel.Plugins.TryGetFunction(null, call.Name, out var function)) throw new InvalidOperationException($"There is no tool named '{call.Name}'.");
                arguments = KernelArgumentsOf(call);
                value = (await function.InvokeAsync(kernel, arguments, ct)).GetValue<object>();
            }
            catch (Exception ex) when (!(ex is OperationCanceledException && ct.IsCancellationRequested))
            {
                error = ex.Message;
            }
            Steps.Add(new NodeStep
            {
                Name = call.Name,
                Arguments = ArgumentsOf(call),
                Result = error is null && value is not null ? ToJson(value) : null,
                Error = error,
                ApprovedBy = approvedBy,
                // A workflow tool's child run, linked by the arguments it was called with (README §Workflows as tools).
                RunId = AgentToolContext.Find(kernel)?.RunOf(arguments),
                StartedAt = startedAt,
                DurationMs = time.GetElapsedTime(started).TotalMilliseconds,
            });
            var text = error is not null ? $"Error: {error}" : value switch
            {
                null => "",
                string s => s,
                _ => JsonSerializer.Serialize(value, value.GetType()),
            };
            History.Add(ToolMessage(call, text));
        }

        private static ChatMessageContent ToolMessage(AgentCall call, string text) =>
            new(AuthorRole.Tool, [new FunctionResultContent(call.Name, null, call.Id, text)]);

        private static AgentMessage Save(ChatMessageContent message)
        {
            if (message.Role == AuthorRole.Tool && message.Items.OfType<FunctionResultContent>().FirstOrDefault() is { } result)
            {
                var text = result.Result as string ?? result.Result?.ToString() ?? "";
                if (text.Length > AgentConversation.MaxResultLength) text = text[..AgentConversation.MaxResultLength] + "…[cut]";
                return new AgentMessage("tool", text, CallId: result.CallId, Name: result.FunctionName);
            }
            var calls = message.Role == AuthorRole.Assistant ? CallsOf(message) : [];
            // Roles as the chat API names them; a connector may spell its own messages' role "Assistant".
            return new AgentMessage(message.Role.Label.ToLowerInvariant(), message.Content, calls.Count > 0 ? calls : null);
        }

        // Semantic Kernel hands functions every argument as a string and converts it to the parameter's type itself.
        private static KernelArguments KernelArgumentsOf(AgentCall call)
        {
            var arguments = new KernelArguments();
            if (string.IsNullOrWhiteSpace(call.Arguments)) return arguments;
            JsonElement json;
            try
            {
                json = JsonElement.Parse(call.Arguments);
            }
            catch (JsonException ex)
            {
                throw new InvalidOperationException($"The arguments of '{call.Name}' are not valid JSON: {ex.Message}", ex);
            }
            if (json.ValueKind != JsonValueKind.Object) throw new InvalidOperationException($"The arguments of '{call.Name}' must be a JSON object.");
            foreach (var property in json.EnumerateObject())
            {
                arguments[property.Name] = property.Value.ValueKind switch
                {
                    JsonValueKind.String => property.Value.GetString(),
                    JsonValueKind.Null => null,
                    _ => property.Value.GetRawText(),
                };
            }
            return arguments;
        }

        // The connector sends these back as the call's arguments, so they keep the model's JSON values.
        private static KernelArguments JsonArgumentsOf(AgentCall call)
        {
            var arguments = new KernelArguments();
            if (ArgumentsOf(call) is { ValueKind: JsonValueKind.Object } json)
            {
                foreach (var property in json.EnumerateObject()) arguments[property.Name] = property.Value;
            }
            return arguments;
        }

        // The arguments exactly as the model sent them.
        private static JsonElement? ArgumentsOf(AgentCall call)
        {
            if (string.IsNullOrWhiteSpace(call.Arguments)) return null;
            try
            {
                return JsonElement.Parse(call.Arguments);
            }
            catch (JsonException)
            {
                return JsonSerializer.SerializeToElement(call.Arguments);
            }
        }

        private static JsonElement ToJson(object value)
        {
            JsonElement json;
            try
            {
                json = JsonSerializer.SerializeToElement(value, value.GetType());
            }
            catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException or JsonException)
            {
                json = JsonSerializer.SerializeToElement(value.ToString());
            }
            if (json.ValueKind == JsonValueKind.String)
            {
                var text = json.GetString()!;
                return text.Length <= MaxStepResultLength ? json : JsonSerializer.SerializeToElement(text[..MaxStepResultLength] + "…");
            }
            var raw = json.GetRawText();
            return raw.Length <= MaxStepResultLength ? json : JsonSerializer.SerializeToElement(raw[..MaxStepResultLength] + "…");
        }
    }

    /// <summary>
    /// The agent's tools as one plugin whose functions keep no plugin name, so the model sees and calls them by their
    /// catalog names (<c>current_time</c>, not <c>tools-current_time</c>).
    /// </summary>
    private sealed class AgentToolPlugin(IReadOnlyList<KernelFunction> functions) : KernelPlugin("agent_tools")
    {
        public override int FunctionCount => functions.Count;

        public override bool TryGetFunction(string name, [NotNullWhen(true)] out KernelFunction? function)
        {
            function = functions.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.Ordinal));
            return function is not null;
        }

        public override IEnumerator<KernelFunction> GetEnumerator() => functions.GetEnumerator();
    }
}
