using System.Net;

namespace ChatFlows.Bot.Access;

/// <summary>
/// Keeps the canvas, the Playground and the JSON API to this machine unless the caller has the API key (README §Security).
/// The endpoints that verify their callers themselves stay open: Slack's (signatures), Teams' (JWTs), webhooks (HMAC)
/// and the health checks. A browser without a sign-in is sent to <c>/signin</c>; a program gets a 401 saying how to
/// authenticate; without a key configured, other machines get a 403 naming the setting. The caller it lets in is handed
/// on as the request's user (<see cref="Callers"/>); with OpenID Connect sign-in configured, browsers are sent to the
/// provider and loopback callers sign in too.
/// </summary>
public sealed class AccessGate(RequestDelegate next, AccessPass pass, Callers callers, KeyAttempts attempts)
{
    // Paths whose endpoints authenticate every request on their own, or that must answer anyone (sign-in, probes).
    private static readonly string[] OpenPaths = ["/slack", "/api/messages", "/hooks", "/healthz", "/readyz", SignInEndpoints.Path];

    public async Task InvokeAsync(HttpContext http)
    {
        if (IsOpen(http.Request.Path))
        {
            await next(http);
            return;
        }
        var hasKey = pass.IsValidCookie(http.Request.Cookies[AccessPass.CookieName]);
        if (!hasKey && pass.HasKey && BearerKey(http) is { } key)
        {
            // Wrong keys are counted per address, so guessing is held to a few a minute (README §Security).
            if (attempts.IsLockedOut(http, out var wait))
            {
                await KeyAttempts.RefuseAsync(http, wait);
                return;
            }
            if (pass.IsKey(key)) hasKey = true;
            else attempts.RecordFailure(http);
        }
        // Who the caller is travels on as the request's user: the canvas, API and Playground act as that person.
        if (await callers.IdentifyAsync(http, IsFromThisMachine(http), hasKey) is { } caller)
        {
            http.User = caller;
            await next(http);
            return;
        }

        if (callers.SignInConfigured && WantsPage(http.Request))
        {
            await http.ChallengeProviderAsync(http.Request.PathBase + http.Request.Path + http.Request.QueryString);
            return;
        }
        if (!pass.HasKey && !callers.SignInConfigured)
        {
            await Refuse(http, StatusCodes.Status403Forbidden, "This ChatFlows host answers only on this machine.",
                $"Set {AccessOptions.SectionName}:ApiKey to let other machines in: people sign in at {SignInEndpoints.Path} with it, programs send 'Authorization: Bearer <key>'.");
            return;
        }
        if (pass.HasKey && WantsPage(http.Request))
        {
            var back = http.Request.PathBase + http.Request.Path + http.Request.QueryString;
            http.Response.Redirect($"{SignInEndpoints.Path}?returnUrl={Uri.EscapeDataString(back)}");
            return;
        }
        http.Response.Headers.WWWAuthenticate = "Bearer";
        await Refuse(http, StatusCodes.Status401Unauthorized, "Sign-in needed.", callers.SignInConfigured && !pass.HasKey
            ? "Sign in with this host's OpenID Connect provider in a browser (open any page); programs need an API key (ChatFlows:Access:ApiKey)."
            : $"Send the API key ({AccessOptions.SectionName}:ApiKey) as 'Authorization: Bearer <key>', or sign in at {SignInEndpoints.Path} in a browser.");
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
