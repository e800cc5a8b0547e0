using ChatFlows.Bot.Chat;

namespace ChatFlows.Bot.Slack;

/// <summary>
/// Slack refused a Web API call: it answered <c>ok: false</c> with an error code, or failed on its side (HTTP 5xx). The
/// message names the method, the code and what to do about it.
/// </summary>
public sealed class SlackApiException : Exception, IChatPlatformError
{
    // Slack's own troubles: the same call may well succeed a little later.
    private static readonly HashSet<string> Transient = new(StringComparer.Ordinal)
    {
        "ratelimited", "rate_limited", "internal_error", "fatal_error", "service_unavailable", "request_timeout",
    };

    /// <summary>A refusal of <paramref name="method"/> with Slack's <paramref name="error"/> code.</summary>
    /// <param name="method">The Web API method, e.g. <c>chat.postMessage</c>, or <c>response_url</c>.</param>
    /// <param name="error">Slack's <c>error</c> code, e.g. <c>channel_not_found</c>, or <c>http_503</c> for a failure without one.</param>
    /// <param name="httpStatus">The HTTP status of the answer.</param>
    /// <param name="detail">More from Slack, e.g. the scope it needs or why it found the blocks invalid.</param>
    public SlackApiException(string method, string error, int httpStatus = 200, string? detail = null)
        : base(Describe(method, error, detail))
    {
        Method = method;
        Error = error;
        HttpStatus = httpStatus;
        IsRetryable = httpStatus >= 500 || Transient.Contains(error);
    }

    /// <summary>The Web API method that failed, e.g. <c>chat.update</c>.</summary>
    public string Method { get; }

    /// <summary>Slack's error code, e.g. <c>not_in_channel</c>.</summary>
    public string Error { get; }

    /// <summary>The HTTP status Slack answered with (200 for most refusals).</summary>
    public int HttpStatus { get; }

    /// <summary>True when the same call may succeed later (a problem on Slack's side); false when it needs a fix.</summary>
    public bool IsRetryable { get; }

    private static string Describe(string method, string error, string? detail)
    {
        var text = $"Slack {method} failed with '{error}': {Advice(method, error)}";
        return detail is { Length: > 0 } ? $"{text} ({detail})" : text;
    }

    private static string Advice(string method, string error) => error switch
    {
        "not_in_channel" => "the bot is not a member of the channel; invite it there (/invite @<bot name>).",
        "channel_not_found" => "no such channel, or the bot cannot see it; check the channel id (like C0123ABCD) and, for a private channel, invite the bot.",
        "is_archived" => "the channel is archived; unarchive it or post somewhere else.",
        "not_authed" or "invalid_auth" or "account_inactive" or "token_revoked" or "token_expired" =>
            $"the bot token was refused; check {SlackOptions.SectionName}:{nameof(SlackOptions.BotToken)} (the Bot User OAuth Token, xoxb-…) and that the app is still installed.",
        "missing_scope" or "no_permission" => "the Slack app lacks a permission; add the chat:write scope and reinstall the app.",
        "msg_too_long" or "msg_blocks_too_long" => "the message is too long for Slack.",
        "invalid_blocks" or "invalid_blocks_format" => "Slack did not accept the message's blocks.",
        "no_text" => "the message was empty.",
        "message_not_found" => "the message was deleted, or its ts is wrong.",
        "cant_update_message" => "only messages the bot posted itself can be updated.",
        "edit_window_closed" => "the workspace no longer allows this message to be edited.",
        "user_not_in_channel" => "the person is not in the channel, so they cannot be sent a private reply there.",
        "restricted_action" or "restricted_action_read_only_channel" or "restricted_action_thread_only_channel" =>
            "the workspace does not allow the bot to post there.",
        "expired_url" or "used_url" => "the response URL has expired (Slack allows 5 uses within 30 minutes).",
        "ratelimited" or "rate_limited" => "Slack asks to slow down; try again shortly.",
        _ when Transient.Contains(error) || error.StartsWith("http_5", StringComparison.Ordinal) => "a problem on Slack's side; try again shortly.",
        _ when method == SlackApi.ResponseUrl => "see https://api.slack.com/interactivity/handling#message_responses.",
        _ => $"see https://api.slack.com/methods/{method}#errors.",
    };
}
