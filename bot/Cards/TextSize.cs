using System.Text.Json.Serialization;

namespace ChatFlows.Bot.Cards;

/// <summary>How large a <see cref="TextBlock"/>'s text is.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TextSize>))]
public enum TextSize
{
    Small,
    Default,
    Medium,
    Large,
    ExtraLarge,
}
