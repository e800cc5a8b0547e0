namespace ChatFlows.Bot.Cards;

/// <summary>
/// A card's <c>refresh</c> (Universal Actions): when one of <see cref="UserIds"/> sees the card, the host invokes
/// <see cref="Action"/> and shows that person the card the bot answers with, so different people can see different
/// views of one message.
/// </summary>
public sealed class CardRefresh
{
    public required ExecuteAction Action { get; init; }

    /// <summary>The people the card refreshes for automatically, as Teams user MRIs (at most 60); others may refresh it by hand.</summary>
    public IList<string> UserIds { get; init; } = [];
}
