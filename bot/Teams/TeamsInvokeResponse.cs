using System.Text.Json;
using System.Text.Json.Serialization;
using ChatFlows.Bot.Cards;

namespace ChatFlows.Bot.Teams;

/// <summary>
/// The answer to an <c>adaptiveCard/action</c> invoke, the body of an HTTP 200 response whatever happened, as the
/// Universal Action Model requires
/// (https://learn.microsoft.com/adaptive-cards/authoring-cards/universal-action-model#response-format): a card that
/// replaces the clicked one for the person who clicked (<c>application/vnd.microsoft.card.adaptive</c>), or an error
/// (<c>application/vnd.microsoft.error</c> with <c>{ code, message }</c>) whose <c>statusCode</c> is one the model
/// lists: 400 (the request was invalid) or 500 (an unexpected error).
/// </summary>
public sealed record TeamsInvokeResponse(
    [property: JsonPropertyName("statusCode")] int StatusCode,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("value")] JsonElement Value)
{
    /// <summary>The content type of an error answer.</summary>
    public const string ErrorType = "application/vnd.microsoft.error";

    /// <summary>Shows <paramref name="card"/> in place of the clicked card.</summary>
    public static TeamsInvokeResponse Card(AdaptiveCard card) => new(StatusCodes.Status200OK, TeamsAttachment.AdaptiveCardType, card.ToJson());

    /// <summary>A request that cannot be carried out as it stands (code <c>BadRequest</c>), with a message naming the field.</summary>
    public static TeamsInvokeResponse BadRequest(string message) => Error(StatusCodes.Status400BadRequest, "BadRequest", message);

    /// <summary>An action type or verb the bot does not have (code <c>NotSupported</c>, status 400, as the Bot Framework SDK answers it).</summary>
    public static TeamsInvokeResponse NotSupported(string message) => Error(StatusCodes.Status400BadRequest, "NotSupported", message);

    /// <summary>An error with a status the Universal Action Model lists (400 or 500) and a message saying why.</summary>
    public static TeamsInvokeResponse Error(int status, string code, string message) =>
        new(status, ErrorType, JsonSerializer.SerializeToElement(new { code, message }));
}
