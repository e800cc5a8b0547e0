namespace ChatFlows.Bot.Chat;

/// <summary>The answer to a chat command, shown only to the person who typed it (Slack's ephemeral reply).</summary>
/// <param name="Text">What to tell them, Markdown-ish.</param>
/// <param name="RunId">The run the command started, if it started one.</param>
public sealed record ChatReply(string Text, string? RunId = null)
{
    /// <summary>Approvals to show with the answer, each with Approve and Reject (<c>/run approvals</c>), oldest first.</summary>
    public IReadOnlyList<ApprovalView> Approvals { get; init; } = [];
}
