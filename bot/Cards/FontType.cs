using System.Text.Json.Serialization;

namespace ChatFlows.Bot.Cards;

/// <summary>A <see cref="TextBlock"/>'s font: the host's default or a monospace one.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FontType>))]
public enum FontType
{
    Default,
    Monospace,
}
