using System.Text.Json.Serialization;

namespace ChatFlows.Bot.Cards;

/// <summary>A <see cref="TextBlock"/>'s colour, by meaning; the host picks the shade.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TextColor>))]
public enum TextColor
{
    Default,
    Dark,
    Light,
    Accent,
    Good,
    Warning,
    Attention,
}
