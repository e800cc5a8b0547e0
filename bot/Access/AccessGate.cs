using System.Net;

namespace ChatFlows.Bot.Access;

/// <summary>
/// Keeps the canvas, the Playground and the JSON API to this machine unless the caller has the API key (DESIGN §9).
/// The endpoints that verify their callers themselves stay open: Slack's (signatures), Teams' (JWTs), webhooks (HMAC)
/// and the health checks. A browser without a sign-in is sent to <c>/signin</c>; a program gets a 401 saying how to
/// authenticate; without a key configured, other machines get a 403 naming the setting.
/// </summary>
public sealed class AccessGate(RequestDelegate next, AccessPass pass, KeyAttempts attempts)
{
    // Paths whose endpoints authenticate every request on their own, or that must answer anyone (sign-in, probes).
    private static readonly string[] OpenPaths = ["/slack", "/api/messages", "/hooks", "/healthz", "/readyz", SignInEndpoints.Path];

    public Task InvokeAsync(HttpContext http)
    {
        if (IsOpen(http.Request.Path) || IsFromThisMachine(http) || pass.IsValidCookie(http.Request.Cookies[AccessPass.CookieName])) return next(http);
        if (pass.HasKey && BearerKey(http) is { } key)
        {
            // Wrong keys are counted per address, so guessing is held to a few a minute (README §Security).
            if (attempts.IsLockedOut(http, out var wait)) return KeyAttempts.RefuseAsync(http, wait);
            if (pass.IsKey(key)) return next(http);
            attempts.RecordFailure(http);
        }

        if (!pass.HasKey)
        {
            return Refuse(http, StatusCodes.Status403Forbidden, "This ChatFlows host answers only on this machine.",
                $"Set {AccessOptions.SectionName}:ApiKey to let other machines in: people sign in at {SignInEndpoints.Path} with it, programs send 'Authorization: Bearer <key>'.");
        }
        if (WantsPage(http.Request))
        {
            var back = http.Request.PathBase + http.Request.Path + http.Request.QueryString;
            http.Response.Redirect($"{SignInEndpoints.Path}?returnUrl={Uri.EscapeDataString(back)}");
            return Task.CompletedTask;
        }
        http.Response.Headers.WWWAuthenticate = "Bearer";
        return Refuse(http, StatusCodes.Status401Unauthorized, "Sign-in needed.",
            $"Send the API key ({AccessOptions.SectionName}:ApiKey) as 'Authorization: Bearer <key>', or sign in at {SignInEndpoints.Path} in a browser.");
    }

    private static bool IsOpen(PathString path) => OpenPaths.Any(open => path.StartsWithSegments(open, StringComparison.OrdinalIgnoreCase));

    // No address (an in-process server) counts as another machine: only a known loopback caller is trusted.
    private static bool IsFromThisMachine(HttpContext http) => http.Connection.RemoteIpAddress is { } remote && IPAddress.IsLoopback(remote);

    private static string? BearerKey(HttpContext http)
    {
        var authorization = http.Request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization["Bearer ".Length..] : null;
    }

    private static bool WantsPage(HttpRequest request) =>
        HttpMethods.IsGet(request.Method) && request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);

    private static Task Refuse(HttpContext http, int status, string title, string detail) =>
        Results.Problem(title: title, detail: detail, statusCode: status).ExecuteAsync(http);
}
