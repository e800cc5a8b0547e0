namespace ChatFlows.Bot.Cards;

/// <summary><c>Action.OpenUrl</c>: opens <see cref="Url"/> in the browser, e.g. a run's page.</summary>
public sealed class OpenUrlAction : CardAction
{
    public required string Url { get; init; }
}
