using System.Text.Json;
using System.Text.Json.Nodes;

namespace ChatFlows.Bot.Slack;

/// <summary>
/// Builds the Block Kit blocks ChatFlows uses, each cut to Slack's limits so a long name, error or draft never gets a
/// whole message refused with <c>invalid_blocks</c>. Text passed in is mrkdwn, already escaped.
/// </summary>
internal static class SlackBlock
{
    /// <summary>The most blocks one message may have.</summary>
    public const int MaxBlocks = 50;

    /// <summary>The most elements of a context block, and fields of a section.</summary>
    public const int MaxElements = 10;

    /// <summary>A header: large bold plain text.</summary>
    public static JsonObject Header(string plainText) => new()
    {
        ["type"] = "header",
        ["text"] = Plain(SlackText.Truncate(plainText, SlackText.MaxHeaderText)),
    };

    /// <summary>A section of mrkdwn text.</summary>
    public static JsonObject Section(string mrkdwn) => new()
    {
        ["type"] = "section",
        ["text"] = Mrkdwn(SlackText.Truncate(mrkdwn, SlackText.MaxBlockText)),
    };

    /// <summary>A section of short mrkdwn fields, shown in two columns.</summary>
    public static JsonObject Fields(IEnumerable<string> fields) => new()
    {
        ["type"] = "section",
        ["fields"] = new JsonArray(fields.Take(MaxElements).Select(f => (JsonNode)Mrkdwn(SlackText.Truncate(f, SlackText.MaxFieldText))).ToArray()),
    };

    /// <summary>A context block: small grey mrkdwn, one element per part.</summary>
    public static JsonObject Context(IEnumerable<string> parts) => new()
    {
        ["type"] = "context",
        ["elements"] = new JsonArray(parts.Take(MaxElements).Select(p => (JsonNode)Mrkdwn(SlackText.Truncate(p, SlackText.MaxBlockText))).ToArray()),
    };

    public static JsonObject Divider() => new() { ["type"] = "divider" };

    /// <summary>An actions block holding <paramref name="elements"/> (buttons).</summary>
    public static JsonObject Actions(params JsonObject[] elements) => new()
    {
        ["type"] = "actions",
        ["elements"] = new JsonArray(elements.Select(e => (JsonNode)e).ToArray()),
    };

    /// <summary>
    /// A button; its <paramref name="value"/> comes back in the click's payload with <paramref name="actionId"/>. The
    /// <paramref name="style"/> is <c>primary</c> (green), <c>danger</c> (red) or null for the default.
    /// </summary>
    public static JsonObject Button(string text, string actionId, string value, string? style)
    {
        var button = new JsonObject
        {
            ["type"] = "button",
            ["text"] = Plain(text),
            ["action_id"] = actionId,
            ["value"] = value,
        };
        if (style is not null) button["style"] = style;
        return button;
    }

    /// <summary>The blocks as the immutable JSON a <see cref="SlackMessage"/> carries.</summary>
    public static JsonElement ToJson(IEnumerable<JsonObject> blocks) =>
        JsonSerializer.SerializeToElement<JsonNode>(new JsonArray(blocks.Take(MaxBlocks).Select(b => (JsonNode)b).ToArray()));

    private static JsonObject Plain(string text) => new() { ["type"] = "plain_text", ["text"] = text, ["emoji"] = true };

    private static JsonObject Mrkdwn(string text) => new() { ["type"] = "mrkdwn", ["text"] = text };
}
