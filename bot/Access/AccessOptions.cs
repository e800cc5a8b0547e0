using ChatFlows.Core.Workspaces;

namespace ChatFlows.Bot.Access;

/// <summary>
/// Who may use the canvas, the Playground and the JSON API from another machine (<c>ChatFlows:Access</c>, README §Security).
/// Requests from this machine (loopback) are always let in; anyone else needs the API key: people sign in with it at
/// <c>/signin</c>, programs send it as <c>Authorization: Bearer &lt;key&gt;</c>.
/// </summary>
public sealed class AccessOptions
{
    public const string SectionName = "ChatFlows:Access";

    /// <summary>The shortest key accepted: long enough that guessing it over HTTP is hopeless.</summary>
    public const int MinimumKeyLength = 16;

    /// <summary>The shared key; empty keeps everything but the signed chat endpoints, webhooks and health checks on loopback.</summary>
    public string? ApiKey { get; set; }

    /// <summary>How long a browser sign-in lasts.</summary>
    public TimeSpan SignInLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>
    /// Host names served besides the loopback names and the host of <c>ChatFlows:PublicBaseUrl</c> (e.g. a second DNS
    /// name of a reverse proxy). Any other <c>Host</c> header is refused, so a DNS-rebinding page cannot read answers.
    /// </summary>
    public string[] AllowedHosts { get; set; } = [];

    /// <summary>Wrong API keys (bearer or sign-in form) one client address may send per <see cref="FailedAttemptWindow"/> before it gets 429.</summary>
    public int MaxFailedAttempts { get; set; } = 10;

    /// <summary>The window <see cref="MaxFailedAttempts"/> counts over.</summary>
    public TimeSpan FailedAttemptWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The address people and platforms reach the host at (<c>ChatFlows:PublicBaseUrl</c>, outside this section); its host is served.</summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>
    /// The role holders of the API key have in every workspace (README §Workspaces and roles): <c>viewer</c>,
    /// <c>runner</c>, <c>editor</c> or <c>admin</c> (the default, as before workspaces).
    /// </summary>
    public string ApiKeyRole { get; set; } = "admin";

    /// <summary>The role of <see cref="ApiKeyRole"/>.</summary>
    public Role KeyRole => RoleNames.Parse(ApiKeyRole) ?? Role.None;

    /// <summary>True when a key is set, so other machines can be let in.</summary>
    public bool HasKey => !string.IsNullOrWhiteSpace(ApiKey);
}
