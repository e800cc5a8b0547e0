using System.Text.Json.Serialization;

namespace ChatFlows.Bot.Cards;

/// <summary>How heavy a <see cref="TextBlock"/>'s text is.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TextWeight>))]
public enum TextWeight
{
    Default,
    Lighter,
    Bolder,
}
