namespace ChatFlows.Bot.Slack;

/// <summary>
/// How the host talks to Slack (<c>ChatFlows:Slack</c>). Slack is optional: without a signing secret and a bot token
/// the host runs without it, and messages to <c>slack:</c> addresses say that Slack is not connected.
/// </summary>
public sealed class SlackOptions
{
    public const string SectionName = "ChatFlows:Slack";

    /// <summary>Slack's Web API, where <c>chat.postMessage</c> and the other methods live.</summary>
    public const string DefaultApiBaseUrl = "https://slack.com/api/";

    /// <summary>The app's signing secret (Basic Information in the app's settings); verifies requests from Slack.</summary>
    public string? SigningSecret { get; set; }

    /// <summary>The bot user's OAuth token (<c>xoxb-…</c>), sent as a bearer token on every Web API call.</summary>
    public string? BotToken { get; set; }

    /// <summary>
    /// The Web API's base URL; https, or plain http to a loopback address only (a local fake in tests).
    /// </summary>
    public string ApiBaseUrl { get; set; } = DefaultApiBaseUrl;

    /// <summary>True when both the signing secret and the bot token are set: Slack is connected.</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(SigningSecret) && !string.IsNullOrWhiteSpace(BotToken);

    /// <summary>
    /// <see cref="ApiBaseUrl"/> as the base address of the HTTP client, ending in a slash so that method names resolve
    /// beneath it (<c>…/api/chat.postMessage</c>, not <c>…/chat.postMessage</c>).
    /// </summary>
    public Uri ApiBaseUri
    {
        get
        {
            var url = ApiBaseUrl.Trim();
            return new Uri(url.EndsWith('/') ? url : url + "/", UriKind.Absolute);
        }
    }

    /// <summary>
    /// Why <paramref name="url"/> cannot be called: it is not an absolute http(s) URL, or it uses plain http to a
    /// host other than loopback. Null when it can.
    /// </summary>
    public static string? UrlProblem(string? url)
    {
        if (!Uri.TryCreate(url?.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            return $"must be an absolute https URL, like {DefaultApiBaseUrl}; '{url}' is not.";
        }
        if (uri.Scheme == Uri.UriSchemeHttp && !uri.IsLoopback)
        {
            return $"uses plain http to {uri.Host}; use https, or plain http only for a loopback host (localhost, 127.0.0.1, [::1]).";
        }
        return null;
    }
}
