using System.Security.Claims;
using ChatFlows.Canvas.Api;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace ChatFlows.Bot.Access;

/// <summary>
/// Establishes who a request comes from, for <see cref="AccessGate"/> to hand on as the request's user (read with
/// <see cref="Caller"/>): the person signed in with the OpenID Connect provider, the API key's identity
/// (<see cref="SignInOptions.ApiKeyUser"/>), or, when sign-in is off, this machine's own user
/// (<see cref="SignInOptions.LocalUser"/>). Nobody's identity is ever taken from a request body.
/// </summary>
public sealed class Callers(IOptions<SignInOptions> options)
{
    /// <summary>The authentication type of a principal signed in with the provider.</summary>
    public const string SignedIn = "oidc";

    /// <summary>The authentication type of the API key's principal.</summary>
    public const string ApiKey = "api-key";

    /// <summary>The authentication type of this machine's own user.</summary>
    public const string LocalUser = "local";

    private readonly ClaimsPrincipal _local = Caller.Principal(options.Value.LocalUser, EmailOf(options.Value.LocalUser), null, LocalUser);
    private readonly ClaimsPrincipal _apiKey = Caller.Principal(options.Value.ApiKeyUser, EmailOf(options.Value.ApiKeyUser), null, ApiKey);

    /// <summary>True when people sign in with a provider.</summary>
    public bool SignInConfigured => options.Value.IsConfigured;

    /// <summary>The caller of <paramref name="http"/>, or null when the request carries no identity it may use.</summary>
    public async Task<ClaimsPrincipal?> IdentifyAsync(HttpContext http, bool fromThisMachine, bool hasKey)
    {
        if (SignInConfigured)
        {
            var signedIn = await http.AuthenticateAsync(SignInDefaults.CookieScheme);
            if (signedIn.Succeeded && signedIn.Principal?.FindFirst(Caller.IdClaim) is not null) return signedIn.Principal;
        }
        if (hasKey) return _apiKey;
        return !SignInConfigured && fromThisMachine ? _local : null;
    }

    /// <summary>True when <paramref name="user"/> signed in with the provider (not the local user or the API key).</summary>
    public static bool IsSignedIn(ClaimsPrincipal user) => user.Identity?.AuthenticationType == SignedIn;

    /// <summary>
    /// The principal kept in the sign-in cookie for the provider's claims: the identity decisions are recorded under
    /// (<c>email:&lt;address&gt;</c>, or <c>oidc:&lt;subject&gt;</c> without a usable address), the address, the name, the subject
    /// and the groups (the <c>groups</c> claim, which workspace roles may be granted to; README §Workspaces and roles).
    /// </summary>
    public static ClaimsPrincipal FromProvider(ClaimsPrincipal provided)
    {
        var subject = provided.FindFirst("sub")?.Value;
        // An address the provider says it has not verified is no proof of who someone is.
        var email = provided.FindFirst("email_verified")?.Value is "false" ? null : provided.FindFirst("email")?.Value?.Trim();
        var name = provided.FindFirst("name")?.Value ?? provided.FindFirst("preferred_username")?.Value;
        var id = !string.IsNullOrEmpty(email) ? $"email:{email}" : $"oidc:{subject}";
        var principal = Caller.Principal(id, email, name ?? email ?? subject, SignedIn);
        var identity = (ClaimsIdentity)principal.Identity!;
        if (subject is not null) identity.AddClaim(new Claim("sub", subject));
        foreach (var group in provided.FindAll(WorkspaceRoles.GroupsClaim).Select(c => c.Value.Trim()).Where(g => g.Length > 0).Distinct(StringComparer.Ordinal))
        {
            identity.AddClaim(new Claim(WorkspaceRoles.GroupsClaim, group));
        }
        return principal;
    }

    private static string? EmailOf(string identity) => identity.StartsWith("email:", StringComparison.Ordinal) ? identity["email:".Length..] : null;
}
