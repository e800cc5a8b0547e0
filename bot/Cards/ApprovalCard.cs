using ChatFlows.Bot.Chat;

namespace ChatFlows.Bot.Cards;

/// <summary>Renders an approval request (or its decision) as an Adaptive Card with Approve / Reject.</summary>
public static class ApprovalCard
{
    public static AdaptiveCard Render(ApprovalView view) => new()
    {
        Body = [new { type = "TextBlock", text = view.Request.Prompt, wrap = true }],
    };
}
