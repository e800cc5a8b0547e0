using System.Text.Json;
using System.Text.Json.Serialization;
using ChatFlows.Bot.Cards;

namespace ChatFlows.Bot.Teams;

/// <summary>
/// The answer to an <c>adaptiveCard/action</c> invoke, written as the HTTP response's body: a card that replaces the
/// clicked one for the person who clicked (<c>application/vnd.microsoft.card.adaptive</c>), or an error
/// (<c>application/vnd.microsoft.error</c> with <c>{ code, message }</c>).
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

    /// <summary>An error with an HTTP-like status (400 for a malformed click) and a message saying why.</summary>
    public static TeamsInvokeResponse Error(int status, string code, string message) =>
        new(status, ErrorType, JsonSerializer.SerializeToElement(new { code, message }));
}
