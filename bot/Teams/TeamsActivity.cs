using System.Text.Json;
using System.Text.Json.Serialization;

namespace ChatFlows.Bot.Teams;

/// <summary>
/// A Bot Framework activity as the Connector posts it to <c>/api/messages</c>: the fields of the activity schema this
/// host reads. Unknown fields are ignored.
/// </summary>
public sealed record TeamsActivity
{
    /// <summary>Someone wrote to the bot (or clicked an <c>Action.Submit</c> button: then <see cref="Value"/> holds its data).</summary>
    public const string Message = "message";

    /// <summary>Members joined or left (the bot among them when it was added or removed), or a channel changed.</summary>
    public const string ConversationUpdate = "conversationUpdate";

    /// <summary>The app was installed in or uninstalled from a team, a chat or a person's personal scope.</summary>
    public const string InstallationUpdate = "installationUpdate";

    /// <summary>A request the bot answers in the HTTP response, e.g. <c>adaptiveCard/action</c>.</summary>
    public const string Invoke = "invoke";

    public string? Type { get; init; }

    public string? Id { get; init; }

    /// <summary>Where the Connector for this conversation takes the bot's activities; it differs by region.</summary>
    public string? ServiceUrl { get; init; }

    /// <summary><c>msteams</c> from Teams, <c>emulator</c> from the Bot Framework Emulator.</summary>
    public string? ChannelId { get; init; }

    public TeamsAccount? From { get; init; }

    /// <summary>The bot, as this conversation knows it.</summary>
    public TeamsAccount? Recipient { get; init; }

    public TeamsConversationAccount? Conversation { get; init; }

    public string? Text { get; init; }

    public string? ReplyToId { get; init; }

    /// <summary>The name of an invoke, e.g. <c>adaptiveCard/action</c>.</summary>
    public string? Name { get; init; }

    /// <summary>An invoke's payload, or an <c>Action.Submit</c> button's data.</summary>
    public JsonElement? Value { get; init; }

    /// <summary><c>add</c> or <c>remove</c> for an <see cref="InstallationUpdate"/>.</summary>
    public string? Action { get; init; }

    /// <summary>Mentions and client info; a mention carries the <c>&lt;at&gt;…&lt;/at&gt;</c> text it put in <see cref="Text"/>.</summary>
    public IReadOnlyList<JsonElement>? Entities { get; init; }

    /// <summary>Teams' own fields: the tenant, and for a channel its team and channel.</summary>
    public JsonElement? ChannelData { get; init; }

    public IReadOnlyList<TeamsAccount>? MembersAdded { get; init; }

    public IReadOnlyList<TeamsAccount>? MembersRemoved { get; init; }

    /// <summary>The JSON options activities are read and written with (camelCase, nulls left out).</summary>
    [JsonIgnore]
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The first field a usable activity of its type lacks, as a JSON path (<c>conversation.id</c>); null when none is missing.</summary>
    public string? MissingField()
    {
        if (string.IsNullOrWhiteSpace(Type)) return "type";
        if (Type is not (Message or ConversationUpdate or InstallationUpdate or Invoke)) return null;
        if (string.IsNullOrWhiteSpace(ServiceUrl)) return "serviceUrl";
        if (string.IsNullOrWhiteSpace(Conversation?.Id)) return "conversation.id";
        if (string.IsNullOrWhiteSpace(Recipient?.Id)) return "recipient.id";
        if (Type is Message or Invoke && string.IsNullOrWhiteSpace(From?.Id)) return "from.id";
        if (Type is Message or Invoke && string.IsNullOrWhiteSpace(Id)) return "id";
        return null;
    }

    /// <summary>A string inside <see cref="ChannelData"/>, e.g. <c>("team", "id")</c>.</summary>
    public string? ChannelDataText(string objectName, string property) =>
        ChannelData is { ValueKind: JsonValueKind.Object } data && data.TryGetProperty(objectName, out var inner)
        && inner.ValueKind == JsonValueKind.Object && inner.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
