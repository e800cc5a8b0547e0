using System.Globalization;
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
        text.Append($", {Duration(view.Elapsed)}");
        if (view.Usage is { } usage) text.Append($", {Usage(usage)}");
        foreach (var step in view.Steps)
        {
            text.Append($"\n{Mark(step.Status)} {step.NodeId} ({step.Kind}) {step.Status.ToText()}");
            if (step.Duration is { } duration) text.Append($" in {Duration(duration)}");
            if (step.Attempts > 1) text.Append($", attempt {step.Attempts}");
            if ((step.Error ?? step.Summary) is { } detail) text.Append($": {detail}");
        }
        if (view.Error is { } error) text.Append($"\nError: {error}");
        else if (view.Result is { } result) text.Append($"\nResult: {result}");
        return text.ToString();
    }

    /// <summary>A state as one mark, the same on every card.</summary>
    public static string Mark(NodeStatus status) => status switch
    {
        NodeStatus.Running => "▶",
        NodeStatus.Waiting => "⏸",
        NodeStatus.Succeeded => "✓",
        NodeStatus.Failed => "✗",
        NodeStatus.Skipped => "–",
        _ => "○",
    };

    /// <summary>A duration as a person reads it: "850 ms", "1.2 s", "3 min 4 s", "2 h 5 min".</summary>
    public static string Duration(TimeSpan duration) => duration switch
    {
        { TotalSeconds: < 1 } => $"{Math.Max(0, (int)duration.TotalMilliseconds)} ms",
        { TotalMinutes: < 1 } => string.Create(CultureInfo.InvariantCulture, $"{duration.TotalSeconds:0.0} s"),
        { TotalHours: < 1 } => $"{(int)duration.TotalMinutes} min {duration.Seconds} s",
        _ => $"{(int)duration.TotalHours} h {duration.Minutes} min",
    };

    /// <summary>Tokens, and the cost when the model profile has prices: "1,234 tokens ($0.0123)".</summary>
    public static string Usage(TokenUsage usage) =>
        string.Create(CultureInfo.InvariantCulture, $"{usage.TotalTokens:N0} tokens{(usage.Cost is { } cost ? $" (${cost:0.####})" : "")}");
}
