namespace ChatFlows.Bot.Cards;

/// <summary>
/// A card's <c>refresh</c> (Universal Actions): when someone sees the card (one of <see cref="UserIds"/>, or anyone in a
/// conversation of up to 60 members when it is null), the host invokes <see cref="Action"/> and shows that person the
/// card the bot answers with, so different people can see different views of one message.
/// </summary>
public sealed class CardRefresh
{
    public required ExecuteAction Action { get; init; }

    /// <summary>The people the card refreshes for automatically, by their Teams ids (at most 60); null for everyone.</summary>
    public IList<string>? UserIds { get; init; }
}
