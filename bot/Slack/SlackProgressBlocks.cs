using System.Text.Json.Nodes;
using ChatFlows.Bot.Chat;
using ChatFlows.Core.Running;

namespace ChatFlows.Bot.Slack;

/// <summary>
/// Renders a run's progress view as Block Kit: a header with the workflow and its status, a context line with the run,
/// who started it, the elapsed time and the tokens; the fold line of the steps done; one section per other step (mark,
/// name, kind, duration, attempt, and its output or error); then the run's error or result. The plain text of
/// <see cref="ProgressText"/> is the fallback.
/// </summary>
public static class SlackProgressBlocks
{
    /// <summary>
    /// The most steps shown one by one; beyond it, the steps still to look at (failed, waiting, running, in that order)
    /// are kept and the rest counted on one line, so the message stays within Slack's 50 blocks.
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

        if (view.FoldLine is { } folded) blocks.Add(SlackBlock.Context([folded]));
        var listed = view.Listed;
        var shown = Shown(listed);
        blocks.AddRange(listed.Where(shown.Contains).Select(Step));
        if (listed.Count > shown.Count) blocks.Add(SlackBlock.Context([More(listed.Where(s => !shown.Contains(s)).ToArray())]));

        if (view.Error is { } error)
        {
            blocks.Add(SlackBlock.Divider());
            blocks.Add(SlackBlock.Section($"*Error:* {SlackText.Escape(error)}"));
        }
        else if (view.Result is { } result)
        {
            blocks.Add(SlackBlock.Divider());
            blocks.Add(SlackBlock.Section(result.Contains('\n', StringComparison.Ordinal) ? $"*Result:*\n{SlackText.Escape(result)}" : $"*Result:* {SlackText.Escape(result)}"));
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
        if (view.RunPage is { } page) yield return $"<{page}|Run details>";
    }

    private static JsonObject Step(ProgressStep step)
    {
        var line = $"{ChatText.Mark(step.Status)} *{SlackText.Escape(step.Name)}* · {SlackText.Escape(step.Kind)} · {step.Status.ToText()}";
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
        // A failure and a waiting approval are what a person must act on: they come first, so no count of steps hides them.
        var first = steps.Where(s => s.Status == NodeStatus.Failed)
            .Concat(steps.Where(s => s.Status == NodeStatus.Waiting))
            .Concat(steps.Where(s => s.Status == NodeStatus.Running));
        return [.. first.Concat(steps).Distinct().Take(MaxSteps)];
    }

    // E.g. "… and 12 more steps: 10 succeeded, 2 pending".
    private static string More(IReadOnlyList<ProgressStep> hidden)
    {
        var counts = hidden.GroupBy(s => s.Status).OrderBy(g => g.Key).Select(g => $"{g.Count()} {g.Key.ToText()}");
        return $"… and {hidden.Count} more step{(hidden.Count == 1 ? "" : "s")}: {string.Join(", ", counts)}";
    }
}
