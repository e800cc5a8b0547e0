namespace ChatFlows.Bot.Cards;

/// <summary>Columns side by side, e.g. a mark, a name and a duration on one row.</summary>
public sealed class ColumnSet : CardElement
{
    public IList<Column> Columns { get; init; } = [];
}
