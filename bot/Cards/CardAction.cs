using System.Text.Json.Serialization;

namespace ChatFlows.Bot.Cards;

/// <summary>A button on a card or in an <see cref="ActionSet"/>, written with its schema type name as <c>type</c>.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(ExecuteAction), "Action.Execute")]
[JsonDerivedType(typeof(SubmitAction), "Action.Submit")]
[JsonDerivedType(typeof(OpenUrlAction), "Action.OpenUrl")]
public abstract class CardAction
{
    /// <summary>The button's label.</summary>
    [JsonPropertyOrder(-1)]
    public required string Title { get; init; }

    public ActionStyle? Style { get; init; }
}
