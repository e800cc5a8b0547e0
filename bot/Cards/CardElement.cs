using System.Text.Json.Serialization;

namespace ChatFlows.Bot.Cards;

/// <summary>An element of a card's body, written with its schema type name as <c>type</c>.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(TextBlock), "TextBlock")]
[JsonDerivedType(typeof(FactSet), "FactSet")]
[JsonDerivedType(typeof(ColumnSet), "ColumnSet")]
[JsonDerivedType(typeof(Container), "Container")]
[JsonDerivedType(typeof(ActionSet), "ActionSet")]
[JsonDerivedType(typeof(TextInput), "Input.Text")]
public abstract class CardElement
{
    /// <summary>Unique within the card; required on inputs, whose values are sent back under it.</summary>
    [JsonPropertyOrder(-1)]
    public string? Id { get; init; }

    /// <summary>The gap above this element.</summary>
    public Spacing? Spacing { get; init; }

    /// <summary>True to draw a line above this element.</summary>
    public bool? Separator { get; init; }
}
