using System.Text.Json;
using ChatFlows.Core.Messaging;
using ChatFlows.Core.Running;

namespace ChatFlows.Core.Agents;

public sealed partial class AgentRunner
{
    /// <summary>The name of the step that shows what was left out to fit the profile's context window.</summary>
    public const string ContextTrimmedStep = "context_trimmed";

    // Per message, chat formats add a few tokens of their own (role, separators).
    private const int TokensPerMessage = 4;

    /// <summary>
    /// A token estimate of <paramref name="text"/>: about four characters a token, as OpenAI's guidance puts it for
    /// English. It needs no tokenizer for the model at hand (profiles name any OpenAI-compatible model), and errs on the
    /// safe side for most prose; code and non-Latin scripts may use more tokens than estimated.
    /// </summary>
    public static int EstimateTokens(string text) => (text.Length + 3) / 4;

    private sealed record FittedPrompt(IReadOnlyList<ThreadMessage> History, string Input, NodeStep? Step);

    /// <summary>
    /// Fits the instructions, history, input and the answer's <c>MaxOutputTokens</c> into the profile's context window
    /// (README §Agents and models, context window): the oldest history goes first, then the input is cut with a marker.
    /// Without a context window nothing is trimmed.
    /// </summary>
    private FittedPrompt Fit(ModelProfile profile, AgentDefinition agent, AgentPrompt prompt)
    {
        if (profile.ContextWindow is not { } window) return new(prompt.History, prompt.Input, null);
        var reserved = (agent.MaxOutputTokens ?? 0) + (string.IsNullOrWhiteSpace(agent.Instructions) ? 0 : EstimateTokens(agent.Instructions) + TokensPerMessage);
        var budget = window - reserved;
        if (budget <= TokensPerMessage)
        {
            throw new Nodes.NodeException(
                $"Agent '{agent.Id}' cannot be asked anything: its instructions and maxOutputTokens ({reserved} tokens, estimated) leave no room in the " +
                $"context window of {window} tokens; raise {profile.Key("ContextWindow")}, or shorten the instructions or lower maxOutputTokens.");
        }

        var history = prompt.History.ToList();
        var inputTokens = EstimateTokens(prompt.Input) + TokensPerMessage;
        var historyTokens = history.Sum(m => EstimateTokens(m.Text) + TokensPerMessage);
        var dropped = 0;
        var droppedTokens = 0;
        while (history.Count > 0 && historyTokens + inputTokens > budget)
        {
            var cost = EstimateTokens(history[0].Text) + TokensPerMessage;
            historyTokens -= cost;
            droppedTokens += cost;
            dropped++;
            history.RemoveAt(0);
        }

        var input = prompt.Input;
        var cut = 0;
        if (inputTokens > budget)
        {
            cut = inputTokens - budget;
            var marker = $"…[trimmed {cut} tokens]";
            var keep = Math.Max(0, ((budget - TokensPerMessage) * 4) - marker.Length);
            input = input[..Math.Min(keep, input.Length)] + marker;
        }
        if (dropped == 0 && cut == 0) return new(history, input, null);

        var step = new NodeStep
        {
            Name = ContextTrimmedStep,
            Arguments = JsonSerializer.SerializeToElement(new { contextWindow = window, maxOutputTokens = agent.MaxOutputTokens, estimate = "about 4 characters a token" }),
            Result = JsonSerializer.SerializeToElement(new
            {
                droppedMessages = dropped,
                droppedTokens,
                keptMessages = history.Count,
                inputTrimmedTokens = cut,
            }),
            StartedAt = _time.GetUtcNow(),
            DurationMs = 0,
        };
        return new(history, input, step);
    }
}
