using System.Text;
using ChatFlows.Core.Running;

namespace ChatFlows.Bot.Chat;

/// <summary>A progress view as plain text: the answer to <c>/run status</c>, and the fallback of a card.</summary>
public static class ProgressText
{
    /// <summary>Several lines: the run, who started it and for how long, then one line per step.</summary>
    public static string Render(ProgressView view)
    {
        var text = new StringBuilder();
        text.Append($"*{view.WorkflowName}*: {view.Status.ToText()} (run `{view.RunId}`)");
        if (view.StartedBy is { } by) text.Append($", started by {by}");
        text.Append($", {ChatText.Duration(view.Elapsed)}");
        if (view.Usage is { } usage) text.Append($", {Usage(usage)}");
        foreach (var step in view.Steps)
        {
            text.Append($"\n{ChatText.Mark(step.Status)} {step.NodeId} ({step.Kind}) {step.Status.ToText()}");
            if (step.Duration is { } duration) text.Append($" in {ChatText.Duration(duration)}");
            if (step.Attempts > 1) text.Append($", attempt {step.Attempts}");
            if ((step.Error ?? step.Summary) is { } detail) text.Append($": {detail}");
        }
        if (view.Error is { } error) text.Append($"\nError: {error}");
        else if (view.Result is { } result) text.Append($"\nResult: {result}");
        return text.ToString();
    }

    /// <summary>Tokens, and the cost when the model profile has prices: "1,234 tokens ($0.0123)".</summary>
    public static string Usage(TokenUsage usage) =>
        $"{ChatText.Count(usage.TotalTokens)} tokens{(usage.Cost is { } cost ? $" ({ChatText.Cost(cost)})" : "")}";
}
