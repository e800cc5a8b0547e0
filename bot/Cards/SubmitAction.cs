using System.Text.Json;

namespace ChatFlows.Bot.Cards;

/// <summary><c>Action.Submit</c>: sends <see cref="Data"/> and the card's input values to the bot, for hosts without <c>Action.Execute</c>.</summary>
public sealed class SubmitAction : CardAction
{
    /// <summary>A JSON object the inputs' values are merged into.</summary>
    public JsonElement? Data { get; init; }
}
