using System.Text.Json.Serialization;

namespace ChatFlows.Bot.Cards;

/// <summary>How a button looks: plain, inviting (<c>positive</c>) or warning (<c>destructive</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ActionStyle>))]
public enum ActionStyle
{
    [JsonStringEnumMemberName("default")] Default,
    [JsonStringEnumMemberName("positive")] Positive,
    [JsonStringEnumMemberName("destructive")] Destructive,
}
