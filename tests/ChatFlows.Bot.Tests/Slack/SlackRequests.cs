using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ChatFlows.Bot.Slack;

namespace ChatFlows.Bot.Tests.Slack;

/// <summary>Requests as Slack sends them to a host: signed with the test signing secret, slash commands and button clicks form-encoded.</summary>
internal static class SlackRequests
{
    public const string FormContentType = "application/x-www-form-urlencoded";

    /// <summary>A body signed as Slack signs it (now, or at <paramref name="at"/>), optionally with a forged signature.</summary>
    public static HttpRequestMessage Signed(
        string path, string body, string contentType = FormContentType, DateTimeOffset? at = null, string? signature = null, int? retryNum = null)
    {
        var timestamp = (at ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        request.Headers.Add("X-Slack-Request-Timestamp", timestamp);
        request.Headers.Add("X-Slack-Signature", signature ?? SlackSignature.Compute(SlackHost.SigningSecret, timestamp, Encoding.UTF8.GetBytes(body)));
        if (retryNum is { } retry) request.Headers.Add("X-Slack-Retry-Num", retry.ToString(CultureInfo.InvariantCulture));
        return request;
    }

    /// <summary>The form of a <c>/run</c> slash command.</summary>
    public static string SlashCommand(string text, string user, string channel, string responseUrl) => Form(new()
    {
        ["token"] = "legacy-token",
        ["team_id"] = "T0001",
        ["channel_id"] = channel,
        ["user_id"] = user,
        ["user_name"] = user.ToLowerInvariant(),
        ["command"] = "/run",
        ["text"] = text,
        ["response_url"] = responseUrl,
        ["trigger_id"] = "1.2.3",
    });

    /// <summary>The form of a click on a Block Kit button (<c>payload</c> field with block_actions).</summary>
    public static string Click(string user, string channel, string messageTs, string actionId, string value, string responseUrl)
    {
        var payload = JsonSerializer.Serialize(new
        {
            type = "block_actions",
            user = new { id = user, username = user.ToLowerInvariant(), team_id = "T0001" },
            team = new { id = "T0001" },
            channel = new { id = channel },
            container = new { type = "message", message_ts = messageTs, channel_id = channel },
            message = new { ts = messageTs },
            response_url = responseUrl,
            trigger_id = "1700000000.1.triggerabc",
            actions = new[] { new { type = "button", action_id = actionId, block_id = "decide", value, action_ts = "1700000000.1" } },
        });
        return Form(new() { ["payload"] = payload });
    }

    /// <summary>The form of a modal's submission (<c>payload</c> field with view_submission) with the comment typed.</summary>
    public static string ViewSubmission(string user, string callbackId, string privateMetadata, string? comment)
    {
        var payload = JsonSerializer.Serialize(new
        {
            type = "view_submission",
            user = new { id = user, username = user.ToLowerInvariant(), team_id = "T0001" },
            team = new { id = "T0001" },
            view = new
            {
                id = "V0000001",
                type = "modal",
                callback_id = callbackId,
                private_metadata = privateMetadata,
                state = new { values = new { comment = new { comment = new { type = "plain_text_input", value = comment } } } },
            },
        });
        return Form(new() { ["payload"] = payload });
    }

    public static string Form(Dictionary<string, string> fields) =>
        string.Join('&', fields.Select(f => $"{Uri.EscapeDataString(f.Key)}={Uri.EscapeDataString(f.Value)}"));
}
