using System.Text.Json.Serialization;

namespace ChatFlows.Bot.Cards;

/// <summary>Which inputs an <see cref="ExecuteAction"/> sends: the card's (<c>auto</c>) or none.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AssociatedInputs>))]
public enum AssociatedInputs
{
    [JsonStringEnumMemberName("auto")] Auto,
    [JsonStringEnumMemberName("none")] None,
}
