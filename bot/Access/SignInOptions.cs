namespace ChatFlows.Bot.Access;

/// <summary>
/// Sign-in with the organisation's OpenID Connect provider (<c>ChatFlows:Auth</c>, README §Sharing the host), and the
/// identities of callers who do not sign in: this machine's own user and holders of the API key. With an
/// <see cref="Authority"/> set, every browser (loopback included) signs in with the provider and acts as that person.
/// </summary>
public sealed class SignInOptions
{
    public const string SectionName = "ChatFlows:Auth";

    /// <summary>The provider's issuer URL (its <c>.well-known/openid-configuration</c> is read from there); empty turns sign-in off.</summary>
    public string? Authority { get; set; }

    /// <summary>The client id registered for ChatFlows at the provider.</summary>
    public string? ClientId { get; set; }

    /// <summary>The client secret (keep it in the environment or user-secrets); empty for a public client using PKCE alone.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>The scopes asked for, separated by spaces; <c>openid</c> is required, <c>email</c> gives the address approvers match.</summary>
    public string Scopes { get; set; } = "openid profile email";

    /// <summary>Whether the provider's metadata must come over HTTPS; may be false only for a loopback authority.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>Where the provider sends the browser back to; register <c>&lt;public base URL&gt;/signin-oidc</c> at the provider.</summary>
    public string CallbackPath { get; set; } = "/signin-oidc";

    /// <summary>The identity of callers on this machine when sign-in is off: an approver entry, <c>local</c> by default.</summary>
    public string LocalUser { get; set; } = "local";

    /// <summary>The identity of callers with the API key (programs, and browsers signed in with it): an approver entry, <c>local</c> by default.</summary>
    public string ApiKeyUser { get; set; } = "local";

    /// <summary>True when a provider is configured, so people sign in.</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(Authority) || !string.IsNullOrWhiteSpace(ClientId);

    /// <summary>The scopes as a list.</summary>
    public IReadOnlyList<string> ScopeList => Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
