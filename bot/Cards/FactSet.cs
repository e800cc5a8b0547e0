namespace ChatFlows.Bot.Cards;

/// <summary>Title and value pairs shown as a two-column table.</summary>
public sealed class FactSet : CardElement
{
    public IList<Fact> Facts { get; init; } = [];
}
