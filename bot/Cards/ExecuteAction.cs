using System.Text.Json;

namespace ChatFlows.Bot.Cards;

/// <summary>
/// <c>Action.Execute</c>: sends <see cref="Verb"/>, <see cref="Data"/> and the card's input values to the bot, which may
/// answer with a new card (Teams' Universal Actions; the Playground reads the same shape).
/// </summary>
public sealed class ExecuteAction : CardAction
{
    public string? Verb { get; init; }

    /// <summary>A JSON object the inputs' values are merged into, e.g. <c>{ "runId": …, "nodeId": … }</c>.</summary>
    public JsonElement? Data { get; init; }

    /// <summary>Whether the card's inputs are sent with the click; hosts default to <see cref="Cards.AssociatedInputs.Auto"/>.</summary>
    public AssociatedInputs? AssociatedInputs { get; init; }
}
