using System.Text.Json.Serialization;

namespace ChatFlows.Bot.Cards;

/// <summary>The gap above an element.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Spacing>))]
public enum Spacing
{
    None,
    Small,
    Default,
    Medium,
    Large,
    ExtraLarge,
    Padding,
}
