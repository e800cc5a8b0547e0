using ChatFlows.Bot.Chat;
using ChatFlows.Core.Running;

namespace ChatFlows.Bot.Cards;

/// <summary>
/// Renders a run's progress view as an Adaptive Card: the workflow and its status, the run's facts, the fold line of
/// the steps done, one row per other step with a state mark, its name, duration and attempt, and the run's error or
/// result (as text, one line per key) once it ends.
/// </summary>
public static class ProgressCard
{
    public static AdaptiveCard Render(ProgressView view)
    {
        var body = new List<CardElement> { Header(view), Facts(view) };
        if (view.FoldLine is { } folded)
            body.Add(new TextBlock { Text = folded, IsSubtle = true, Wrap = true, Spacing = Spacing.Medium, Separator = true });
        var listed = view.Listed;
        for (var i = 0; i < listed.Count; i++)
        {
            var step = listed[i];
            body.Add(Row(step, first: i == 0 && view.FoldLine is null));
            if (Note(step) is { } note) body.Add(note);
        }

        if (view.Error is { } error)
            body.Add(new TextBlock { Text = error, Wrap = true, Color = TextColor.Attention, Separator = true });
        else if (view.Result is { } result)
        {
            body.Add(new TextBlock { Text = "Result", IsSubtle = true, Size = TextSize.Small, Separator = true });
            // One block per line: hosts differ in whether a line break inside a TextBlock shows.
            body.AddRange(result.Split('\n').Select(line => new TextBlock { Text = line, Wrap = true, Spacing = Spacing.None }));
        }

        return new AdaptiveCard
        {
            Body = body,
            Actions = view.RunPage is { } page ? [new OpenUrlAction { Title = "Run details", Url = page }] : [],
            FallbackText = FallbackText(view),
        };
    }

    private static ColumnSet Header(ProgressView view) => new()
    {
        Columns =
        [
            new Column
            {
                Width = "stretch",
                Items = [new TextBlock { Text = view.WorkflowName, Weight = TextWeight.Bolder, Size = TextSize.Medium, Wrap = true }],
            },
            new Column
            {
                Width = "auto",
                VerticalContentAlignment = VerticalAlignment.Center,
                Items = [new TextBlock { Text = ChatText.StatusText(view.Status), Weight = TextWeight.Bolder, Color = StatusColor(view.Status), IsSubtle = view.Status == RunStatus.Queued ? true : null }],
            },
        ],
    };

    private static FactSet Facts(ProgressView view)
    {
        var facts = new List<Fact> { new("Run", view.RunId) };
        if (view.StartedBy is { } startedBy) facts.Add(new("Started by", startedBy));
        facts.Add(new("Elapsed", ChatText.Duration(view.Elapsed)));
        if (view.Usage is { } usage)
        {
            facts.Add(new("Tokens", $"{ChatText.Count(usage.TotalTokens)} ({ChatText.Count(usage.PromptTokens)} prompt, {ChatText.Count(usage.CompletionTokens)} completion)"));
            if (usage.Cost is { } cost) facts.Add(new("Cost", ChatText.Cost(cost)));
        }
        return new FactSet { Facts = facts, Spacing = Spacing.Small };
    }

    private static ColumnSet Row(ProgressStep step, bool first)
    {
        // Steps that have not run (or never will) are dimmed, so the eye goes to what happened.
        bool? dim = step.Status is NodeStatus.Pending or NodeStatus.Skipped ? true : null;
        var columns = new List<Column>
        {
            new() { Width = "auto", Items = [new TextBlock { Text = ChatText.Mark(step.Status), Color = MarkColor(step.Status), IsSubtle = dim, Weight = TextWeight.Bolder }] },
            new() { Width = "auto", Items = [new TextBlock { Text = step.Name, Wrap = true, IsSubtle = dim }] },
            new() { Width = "stretch", Items = [new TextBlock { Text = step.Kind, IsSubtle = true, Wrap = true }] },
        };
        if (Timing(step) is { } timing)
            columns.Add(new() { Width = "auto", Items = [new TextBlock { Text = timing, IsSubtle = true }] });
        return new ColumnSet { Columns = columns, Spacing = first ? Spacing.Medium : Spacing.Small, Separator = first ? true : null };
    }

    private static string? Timing(ProgressStep step)
    {
        var parts = new List<string>(2);
        if (step.Duration is { } duration) parts.Add(ChatText.Duration(duration));
        if (step.Attempts > 1) parts.Add($"attempt {step.Attempts}");
        return parts.Count == 0 ? null : string.Join(" · ", parts);
    }

    private static TextBlock? Note(ProgressStep step)
    {
        if (step.Error is { } error) return new TextBlock { Text = error, Wrap = true, Color = TextColor.Attention, Size = TextSize.Small, Spacing = Spacing.None };
        if (step.Summary is { } summary) return new TextBlock { Text = summary, Wrap = true, MaxLines = 3, IsSubtle = true, Size = TextSize.Small, Spacing = Spacing.None };
        return null;
    }

    private static TextColor? StatusColor(RunStatus status) => status switch
    {
        RunStatus.Running => TextColor.Accent,
        RunStatus.Waiting or RunStatus.Expired => TextColor.Warning,
        RunStatus.Succeeded => TextColor.Good,
        RunStatus.Failed => TextColor.Attention,
        _ => null,
    };

    private static TextColor? MarkColor(NodeStatus status) => status switch
    {
        NodeStatus.Running => TextColor.Accent,
        NodeStatus.Waiting => TextColor.Warning,
        NodeStatus.Succeeded => TextColor.Good,
        NodeStatus.Failed => TextColor.Attention,
        _ => null,
    };

    private static string FallbackText(ProgressView view)
    {
        var finished = view.Steps.Count(s => s.Status is NodeStatus.Succeeded or NodeStatus.Failed or NodeStatus.Skipped);
        var text = $"{view.WorkflowName}: {ChatText.StatusText(view.Status)} · {finished}/{view.Steps.Count} steps · {ChatText.Duration(view.Elapsed)}";
        return view.Error is { } error ? $"{text} · {error}" : text;
    }
}
