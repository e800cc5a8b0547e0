namespace ChatFlows.Bot.Access;

/// <summary>
/// Who may use the canvas, the Playground and the JSON API from another machine (<c>ChatFlows:Access</c>, DESIGN §9).
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

    /// <summary>True when a key is set, so other machines can be let in.</summary>
    public bool HasKey => !string.IsNullOrWhiteSpace(ApiKey);
}
