using System.Text.Json;

namespace ChatFlows.Bot.Tests.Teams;

/// <summary>One request the fake Connector received, and how it answered.</summary>
/// <param name="Kind"><c>send</c>, <c>reply</c>, <c>update</c>, <c>member</c> (one) or <c>members</c> (the list).</param>
/// <param name="ConversationId">The conversation id from the path, decoded.</param>
/// <param name="ActivityId">The activity replied to or updated; for a send, the id given to the new activity.</param>
/// <param name="Authorization">The Authorization header as sent.</param>
/// <param name="Body">The activity sent (undefined for a member lookup).</param>
/// <param name="Status">The HTTP status answered.</param>
internal sealed record ConnectorCall(string Kind, string ConversationId, string? ActivityId, string? Authorization, JsonElement Body, int Status)
{
    /// <summary>The Adaptive Card attached, or undefined.</summary>
    public JsonElement Card =>
        Body.ValueKind == JsonValueKind.Object && Body.TryGetProperty("attachments", out var attachments) && attachments.GetArrayLength() > 0
            ? attachments[0].GetProperty("content")
            : default;

    /// <summary>The activity's text, or null.</summary>
    public string? Text => Body.ValueKind == JsonValueKind.Object && Body.TryGetProperty("text", out var text) ? text.GetString() : null;

    /// <summary>The card's <c>fallbackText</c> (a progress card's status line), or empty.</summary>
    public string Fallback => Card.ValueKind == JsonValueKind.Object && Card.TryGetProperty("fallbackText", out var text) ? text.GetString() ?? "" : "";

    /// <summary>The card's JSON as text, to search in; empty without a card.</summary>
    public string CardJson => Card.ValueKind == JsonValueKind.Undefined ? "" : Card.GetRawText();
}
