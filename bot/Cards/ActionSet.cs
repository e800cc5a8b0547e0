namespace ChatFlows.Bot.Cards;

/// <summary>Buttons placed among the body's elements rather than at the card's foot.</summary>
public sealed class ActionSet : CardElement
{
    public IList<CardAction> Actions { get; init; } = [];
}
