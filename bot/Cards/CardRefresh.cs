namespace ChatFlows.Bot.Cards;

/// <summary>
/// A card's <c>refresh</c> (Universal Actions): when someone sees the card (one of <see cref="UserIds"/>, or anyone in a
/// conversation of up to 60 members when it is null), the host invokes <see cref="Action"/> and shows that person the
/// card the bot answers with, so different people can see different views of one message. The action is written
/// with <c>"type": "Action.Execute"</c> (see <see cref="CardJson"/>), without which renderers drop it.
/// </summary>
public sealed class CardRefresh
{
    /// <summary>At most this many <see cref="UserIds"/> (https://learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/universal-actions-for-adaptive-cards/work-with-universal-actions-for-adaptive-cards#user-ids-in-refresh).</summary>
    public const int MaxUserIds = 60;

    public required ExecuteAction Action { get; init; }

    /// <summary>The people the card refreshes for automatically, by their Teams ids (<c>29:…</c>, at most 60); null for everyone.</summary>
    public IList<string>? UserIds { get; init; }
}
