namespace ChatFlows.Bot.Cards;

/// <summary>A group of elements that can be styled together, e.g. on an emphasis background.</summary>
public sealed class Container : CardElement
{
    public ContainerStyle? Style { get; init; }

    public IList<CardElement> Items { get; init; } = [];
}
