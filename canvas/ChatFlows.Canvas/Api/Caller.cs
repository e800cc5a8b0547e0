using System.Security.Claims;
using ChatFlows.Core.Nodes;
using Microsoft.AspNetCore.Http;

namespace ChatFlows.Canvas.Api;

/// <summary>
/// Who is calling, as the host established it before the request reached the canvas (README §Sharing the host): the
/// signed-in person, the API key's configured identity, or this machine's local user. Never read from a request body.
/// </summary>
public static class Caller
{
    /// <summary>The claim holding the identity decisions are recorded under (e.g. <c>email:ana@corp.example</c>, <c>local</c>).</summary>
    public const string IdClaim = "chatflows:id";

    /// <summary>The claim holding the e-mail address the sign-in vouches for.</summary>
    public const string EmailClaim = "email";

    /// <summary>The claim holding the person's display name.</summary>
    public const string NameClaim = "name";

    /// <summary>The caller as a decider, or null when the host established nobody.</summary>
    public static Decider? Of(HttpContext http) => Of(http.User);

    /// <summary>The person <paramref name="user"/> is, as a decider, or null when it names nobody.</summary>
    public static Decider? Of(ClaimsPrincipal user) =>
        user.FindFirst(IdClaim)?.Value is { Length: > 0 } id ? new Decider(id, user.FindFirst(EmailClaim)?.Value) : null;

    /// <summary>The caller's display name: the name the sign-in gave, else the identity.</summary>
    public static string? NameOf(ClaimsPrincipal user) =>
        user.FindFirst(NameClaim)?.Value is { Length: > 0 } name ? name : user.FindFirst(IdClaim)?.Value;

    /// <summary>A principal for <paramref name="id"/> (with the e-mail and name when known), as the host hands it on.</summary>
    public static ClaimsPrincipal Principal(string id, string? email, string? name, string authenticationType)
    {
        var claims = new List<Claim> { new(IdClaim, id) };
        if (!string.IsNullOrEmpty(email)) claims.Add(new Claim(EmailClaim, email));
        if (!string.IsNullOrEmpty(name)) claims.Add(new Claim(NameClaim, name));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, authenticationType, NameClaim, null));
    }
}
