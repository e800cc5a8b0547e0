using ChatFlows.Bot.Chat;

namespace ChatFlows.Bot.Cards;

/// <summary>Renders a run's progress view as an Adaptive Card.</summary>
public static class ProgressCard
{
    public static AdaptiveCard Render(ProgressView view) => new()
    {
        Body = [new { type = "TextBlock", text = $"{view.WorkflowName}: {view.Status}", wrap = true }],
    };
}
