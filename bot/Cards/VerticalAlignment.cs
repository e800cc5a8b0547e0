using System.Text.Json.Serialization;

namespace ChatFlows.Bot.Cards;

/// <summary>Where a <see cref="Column"/>'s items sit when the column is taller than they are.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<VerticalAlignment>))]
public enum VerticalAlignment
{
    Top,
    Center,
    Bottom,
}
