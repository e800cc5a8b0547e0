using System.Text.Json.Serialization;

namespace ChatFlows.Bot.Cards;

/// <summary>A <see cref="Container"/>'s background, by meaning.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ContainerStyle>))]
public enum ContainerStyle
{
    [JsonStringEnumMemberName("default")] Default,
    [JsonStringEnumMemberName("emphasis")] Emphasis,
    [JsonStringEnumMemberName("good")] Good,
    [JsonStringEnumMemberName("attention")] Attention,
    [JsonStringEnumMemberName("warning")] Warning,
    [JsonStringEnumMemberName("accent")] Accent,
}
