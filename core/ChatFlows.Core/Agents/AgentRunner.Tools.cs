using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using ChatFlows.Core.Running;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.Connectors.OpenAI;

namespace ChatFlows.Core.Agents;

public sealed partial class AgentRunner
{
    /// <summary>Longest tool result, in characters of JSON, kept in a step; longer ones are cut so the journal stays small.</summary>
    internal const int MaxStepResultLength = 16_384;

    /// <summary>
    /// Records every tool call as a <see cref="NodeStep"/> and ends the automatic tool loop once the last call of the
    /// last allowed round has run.
    /// </summary>
    private sealed class ToolRecorder(TimeProvider time, int maxToolRounds) : IAutoFunctionInvocationFilter
    {
        private readonly List<NodeStep> _steps = [];
        private readonly Lock _gate = new();

        public bool BoundReached { get; private set; }

        public IReadOnlyList<NodeStep> Steps
        {
            get
            {
                lock (_gate) return _steps.ToArray();
            }
        }

        public IReadOnlyList<NodeStep>? StepsOrNull => Steps is { Count: > 0 } steps ? steps : null;

        public async Task OnAutoFunctionInvocationAsync(AutoFunctionInvocationContext context, Func<AutoFunctionInvocationContext, Task> next)
        {
            var startedAt = time.GetUtcNow();
            var started = time.GetTimestamp();
            string? error = null;
            try
            {
                await next(context);
            }
            catch (Exception ex)
            {
                // Semantic Kernel turns the exception into an error result for the model; the step keeps the reason.
                error = ex.Message;
                throw;
            }
            finally
            {
                var step = new NodeStep
                {
                    Name = context.Function.Name,
                    Arguments = ArgumentsOf(context),
                    Result = error is null ? ResultOf(context.Result) : null,
                    Error = error,
                    RunId = AgentToolContext.Find(context.Kernel)?.RunOf(context.Arguments),
                    StartedAt = startedAt,
                    DurationMs = time.GetElapsedTime(started).TotalMilliseconds,
                };
                lock (_gate) _steps.Add(step);
                if (context.RequestSequenceIndex + 1 >= maxToolRounds && context.FunctionSequenceIndex == context.FunctionCount - 1)
                {
                    // Every call of this round has its result in the history, so the next request is well-formed.
                    BoundReached = true;
                    context.Terminate = true;
                }
            }
        }

        // The arguments exactly as the model sent them; Semantic Kernel's own copy has every value turned into a string.
        private static JsonElement? ArgumentsOf(AutoFunctionInvocationContext context)
        {
            var call = (context.ChatMessageContent as OpenAIChatMessageContent)?.ToolCalls.FirstOrDefault(c => c.Id == context.ToolCallId);
            if (call is not null)
            {
                try
                {
                    return JsonElement.Parse(call.FunctionArguments.ToString());
                }
                catch (JsonException)
                {
                    return JsonSerializer.SerializeToElement(call.FunctionArguments.ToString());
                }
            }
            return context.Arguments is { } arguments ? ToJson(arguments.ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal)) : null;
        }

        private static JsonElement? ResultOf(FunctionResult result) => result.GetValue<object>() is { } value ? ToJson(value) : null;

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
