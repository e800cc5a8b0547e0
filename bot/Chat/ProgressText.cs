using System.Text;
using ChatFlows.Core.Running;

namespace ChatFlows.Bot.Chat;

/// <summary>A progress view as plain text: the answer to <c>/run status</c>, and the fallback of a card.</summary>
public static class ProgressText
{
    /// <summary>
    /// Several lines: the run, who started it and for how long, the fold line of the steps done, then one line per
    /// other step (by name), then the run's error or its result.
    /// </summary>
    public static string Render(ProgressView view)
    {
        var text = new StringBuilder();
        text.Append($"*{view.WorkflowName}*: {view.Status.ToText()} (run `{view.RunId}`)");
        if (view.StartedBy is { } by) text.Append($", started by {by}");
        text.Append($", {ChatText.Duration(view.Elapsed)}");
        if (view.Usage is { } usage) text.Append($", {Usage(usage)}");
        if (view.FoldLine is { } folded) text.Append($"\n{folded}");
        foreach (var step in view.Listed)
        {
            text.Append($"\n{ChatText.Mark(step.Status)} {step.Name} ({step.Kind}) {step.Status.ToText()}");
            if (step.Duration is { } duration) text.Append($" in {ChatText.Duration(duration)}");
            if (step.Attempts > 1) text.Append($", attempt {step.Attempts}");
            if ((step.Error ?? step.Summary) is { } detail) text.Append($": {detail}");
        }
        if (view.Error is { } error) text.Append($"\nError: {error}");
        else if (view.Result is { } result) text.Append(result.Contains('\n', StringComparison.Ordinal) ? $"\nResult:\n{result}" : $"\nResult: {result}");
        if (view.RunPage is { } page) text.Append($"\nRun details: {page}");
        return text.ToString();
    }

    /// <summary>Tokens, and the cost when the model profile has prices: "1,234 tokens ($0.0123)".</summary>
    public static string Usage(TokenUsage usage) =>
        $"{ChatText.Count(usage.TotalTokens)} tokens{(usage.Cost is { } cost ? $" ({ChatText.Cost(cost)})" : "")}";
}
