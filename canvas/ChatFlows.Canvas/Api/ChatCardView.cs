using ChatFlows.Core.Messaging;

namespace ChatFlows.Canvas.Api;

/// <summary>
/// A chat message that shows the run (its progress card, an approval card) and the last error its platform gave, if
/// any. <c>MessageId</c> is null while the card waits to be posted (README, Chat cards).
/// </summary>
internal sealed record ChatCardView(string Kind, string? NodeId, string Target, string? MessageId, string? Error)
{
    public static ChatCardView From(ChatCard card) =>
        new(card.Kind, card.NodeId.Length == 0 ? null : card.ApprovalNodeId, card.Message.Target, card.IsPosted ? card.Message.MessageId : null, card.LastError);
}
