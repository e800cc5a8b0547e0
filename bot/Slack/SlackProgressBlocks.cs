using System.Text.Json.Nodes;
using ChatFlows.Bot.Chat;
using ChatFlows.Core.Running;

namespace ChatFlows.Bot.Slack;

/// <summary>
/// Renders a run's progress view as Block Kit: a header with the workflow and its status, a context line with the run,
/// who started it, the elapsed time and the tokens; one section per step (mark, node, kind, duration, attempt, and its
/// output or error); then the run's error or result. The plain text of <see cref="ProgressText"/> is the fallback.
/// </summary>
public static class SlackProgressBlocks
{
    /// <summary>
    /// The most steps shown one by one; beyond it, the steps still to look at (running, waiting, failed) are kept and
    /// the rest counted on one line, so the message stays within Slack's 50 blocks.
    /// </summary>
    public const int MaxSteps = 40;

    public static SlackMessage Render(ProgressView view)
    {
        var blocks = new List<JsonObject>
        {
            SlackBlock.Header($"{view.WorkflowName} · {ChatText.StatusText(view.Status)}"),
            SlackBlock.Context(Facts(view)),
            SlackBlock.Divider(),
        };

        var shown = Shown(view.Steps);
        blocks.AddRange(view.Steps.Where(shown.Contains).Select(Step));
        if (view.Steps.Count > shown.Count) blocks.Add(SlackBlock.Context([More(view.Steps.Where(s => !shown.Contains(s)).ToArray())]));

        if (view.Error is { } error)
        {
            blocks.Add(SlackBlock.Divider());
            blocks.Add(SlackBlock.Section($"*Error:* {SlackText.Escape(error)}"));
        }
        else if (view.Result is { } result)
        {
            blocks.Add(SlackBlock.Divider());
            blocks.Add(SlackBlock.Section($"*Result:* {SlackText.Escape(result)}"));
        }

        var text = SlackText.Fit(SlackText.Escape(ProgressText.Render(view)), $"_… run `{SlackText.Escape(view.RunId)}`'s page in ChatFlows shows every step._");
        return new SlackMessage(text, SlackBlock.ToJson(blocks));
    }

    private static IEnumerable<string> Facts(ProgressView view)
    {
        yield return $"Run `{SlackText.Escape(view.RunId)}`";
        if (view.StartedBy is { } by) yield return $"Started by {SlackText.Who(by)}";
        yield return $"Elapsed {ChatText.Duration(view.Elapsed)}";
        if (view.Usage is { } usage) yield return ProgressText.Usage(usage);
    }

    private static JsonObject Step(ProgressStep step)
    {
        var line = $"{ChatText.Mark(step.Status)} *{SlackText.Escape(step.NodeId)}* · {SlackText.Escape(step.Kind)} · {step.Status.ToText()}";
        if (step.Duration is { } duration) line += $" · {ChatText.Duration(duration)}";
        if (step.Attempts > 1) line += $" · attempt {step.Attempts}";
        if (step.Error is { } error) line += $"\n*Error:* {SlackText.Escape(error)}";
        else if (step.Summary is { } summary) line += $"\n{SlackText.Escape(summary)}";
        return SlackBlock.Section(line);
    }

    // Which steps get their own block: all of them when they fit; otherwise the ones that need attention first, then
    // the others in document order, up to MaxSteps.
    private static HashSet<ProgressStep> Shown(IReadOnlyList<ProgressStep> steps)
    {
        if (steps.Count <= MaxSteps) return [.. steps];
        var first = steps.Where(s => s.Status is NodeStatus.Running or NodeStatus.Waiting or NodeStatus.Failed);
        return [.. first.Concat(steps).Distinct().Take(MaxSteps)];
    }

    // E.g. "… and 12 more steps: 10 succeeded, 2 pending".
    private static string More(IReadOnlyList<ProgressStep> hidden)
    {
        var counts = hidden.GroupBy(s => s.Status).OrderBy(g => g.Key).Select(g => $"{g.Count()} {g.Key.ToText()}");
        return $"… and {hidden.Count} more step{(hidden.Count == 1 ? "" : "s")}: {string.Join(", ", counts)}";
    }
}
