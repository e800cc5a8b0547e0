using ChatFlows.Core.Messaging;

namespace ChatFlows.Canvas.Api;

/// <summary>A chat message that shows the run (its progress card, an approval card) and the last error its platform gave, if any.</summary>
internal sealed record ChatCardView(string Kind, string? NodeId, string Target, string MessageId, string? Error)
{
    public static ChatCardView From(ChatCard card) =>
        new(card.Kind, card.NodeId.Length == 0 ? null : card.NodeId, card.Message.Target, card.Message.MessageId, card.LastError);
}
