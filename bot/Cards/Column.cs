using System.Text.Json.Serialization;

namespace ChatFlows.Bot.Cards;

/// <summary>One column of a <see cref="ColumnSet"/>.</summary>
public sealed class Column
{
    [JsonPropertyOrder(-1)]
    public string Type => "Column";

    /// <summary><c>auto</c> (as wide as its content), <c>stretch</c> (what is left), a weight such as <c>2</c>, or pixels such as <c>50px</c>.</summary>
    public string? Width { get; init; }

    public VerticalAlignment? VerticalContentAlignment { get; init; }

    public IList<CardElement> Items { get; init; } = [];
}
