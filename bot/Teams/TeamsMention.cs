using System.Text.Json;
using System.Text.RegularExpressions;

namespace ChatFlows.Bot.Teams;

/// <summary>
/// Takes the bot's @mention out of a message. Teams writes a mention into the text as <c>&lt;at&gt;Name&lt;/at&gt;</c> and
/// lists it in <c>entities</c> as <c>{ "type": "mention", "mentioned": { "id" }, "text" }</c>; the entity's text is what
/// is removed, so a bot renamed in one team is still found.
/// </summary>
public static partial class TeamsMention
{
    /// <summary>The text without the bot's mentions, trimmed, and whether the bot was mentioned.</summary>
    public static (string Text, bool MentionsBot) StripBot(TeamsActivity activity)
    {
        var text = activity.Text ?? "";
        var mentioned = false;
        foreach (var entity in activity.Entities ?? [])
        {
            if (entity.ValueKind != JsonValueKind.Object || Text(entity, "type") != "mention") continue;
            var id = entity.TryGetProperty("mentioned", out var who) && who.ValueKind == JsonValueKind.Object ? Text(who, "id") : null;
            if (id is null || !string.Equals(id, activity.Recipient?.Id, StringComparison.Ordinal)) continue;
            mentioned = true;
            if (Text(entity, "text") is { Length: > 0 } mention) text = text.Replace(mention, " ", StringComparison.Ordinal);
        }
        // Clients put a non-breaking space after a mention and may end a message with a line break.
        return (Spaces().Replace(text.Replace('\u00a0', ' ').Replace("&nbsp;", " ", StringComparison.Ordinal), " ").Trim(), mentioned);
    }

    private static string? Text(JsonElement value, string property) =>
        value.TryGetProperty(property, out var found) && found.ValueKind == JsonValueKind.String ? found.GetString() : null;

    [GeneratedRegex(@"[ \t]+")]
    private static partial Regex Spaces();
}
