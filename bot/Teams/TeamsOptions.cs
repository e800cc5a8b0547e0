namespace ChatFlows.Bot.Teams;

/// <summary>
/// How the host talks to Microsoft Teams through the Bot Framework (<c>ChatFlows:Teams</c>). With an app id (and its
/// password) every request to <c>/api/messages</c> must carry a Bot Framework token and replies are sent with the
/// bot's own token. With <see cref="Emulator"/> instead, the endpoint runs in local emulator mode: unauthenticated
/// requests are accepted from loopback only, naming a loopback <c>serviceUrl</c> only, and replies go out without a
/// token. With neither, <c>/api/messages</c> refuses every request.
/// </summary>
public sealed class TeamsOptions
{
    public const string SectionName = "ChatFlows:Teams";

    /// <summary>Where the Bot Framework publishes the keys its tokens to bots are signed with.</summary>
    public const string DefaultOpenIdMetadataUrl = "https://login.botframework.com/v1/.well-known/openidconfiguration";

    /// <summary>Microsoft Entra ID's sign-in host, where the bot gets its outbound tokens.</summary>
    public const string DefaultAuthorityHost = "https://login.microsoftonline.com/";

    /// <summary>The tenant of multi-tenant bots' tokens (the Bot Framework's own).</summary>
    public const string BotFrameworkTenant = "botframework.com";

    /// <summary>The Microsoft App ID of the Azure Bot (its Entra application's client id), a GUID.</summary>
    public string? AppId { get; set; }

    /// <summary>A client secret of that application.</summary>
    public string? AppPassword { get; set; }

    /// <summary>
    /// The Entra tenant of a single-tenant bot. Empty, <c>common</c> or <c>botframework.com</c> means a multi-tenant bot,
    /// whose tokens come from the <c>botframework.com</c> tenant.
    /// </summary>
    public string? TenantId { get; set; }

    /// <summary>The Bot Framework's OpenID metadata; https, or plain http to a loopback address only (a local fake in tests).</summary>
    public string OpenIdMetadataUrl { get; set; } = DefaultOpenIdMetadataUrl;

    /// <summary>The Entra sign-in host tokens are requested from (<c>{AuthorityHost}{tenant}/oauth2/v2.0/token</c>); https only.</summary>
    public string AuthorityHost { get; set; } = DefaultAuthorityHost;

    /// <summary>
    /// Local emulator mode (the Bot Framework Emulator, or tests): no tokens either way, callers and <c>serviceUrl</c>s on
    /// loopback only. Cannot be combined with <see cref="AppId"/>.
    /// </summary>
    public bool Emulator { get; set; }

    /// <summary>True when an app id is set: inbound tokens are required and outbound calls carry the bot's token.</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(AppId);

    /// <summary>True when the bot is single-tenant: its tokens come from its own tenant.</summary>
    public bool IsSingleTenant => TokenTenant != BotFrameworkTenant;

    /// <summary>The tenant outbound tokens are requested from.</summary>
    public string TokenTenant =>
        string.IsNullOrWhiteSpace(TenantId) || TenantId.Trim() is "common" or BotFrameworkTenant ? BotFrameworkTenant : TenantId.Trim();

    /// <summary>The authority outbound tokens are requested from, e.g. <c>https://login.microsoftonline.com/botframework.com</c>.</summary>
    public Uri Authority
    {
        get
        {
            var host = AuthorityHost.Trim();
            return new Uri((host.EndsWith('/') ? host : host + "/") + TokenTenant, UriKind.Absolute);
        }
    }

    /// <summary>True when <paramref name="url"/> is an absolute http(s) URL to a loopback host (what emulator mode may call).</summary>
    public static bool IsLoopbackUrl(string? url) =>
        Uri.TryCreate(url?.Trim(), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) && uri.IsLoopback;

    /// <summary>
    /// Why <paramref name="url"/> cannot be called: it is not an absolute http(s) URL, or it uses plain http to a host
    /// other than loopback (or at all, when <paramref name="httpsOnly"/>). Null when it can.
    /// </summary>
    public static string? UrlProblem(string? url, bool httpsOnly = false)
    {
        if (!Uri.TryCreate(url?.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            return $"must be an absolute https URL; '{url}' is not.";
        }
        if (uri.Scheme == Uri.UriSchemeHttp && (httpsOnly || !uri.IsLoopback))
        {
            return httpsOnly
                ? $"uses plain http to {uri.Host}; Microsoft's sign-in library accepts https only."
                : $"uses plain http to {uri.Host}; use https, or plain http only for a loopback host (localhost, 127.0.0.1, [::1]).";
        }
        return null;
    }
}
