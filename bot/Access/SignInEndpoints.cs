using System.Text.Encodings.Web;
using ChatFlows.Canvas.Api;
using ChatFlows.Core.Audit;
using ChatFlows.Core.Workspaces;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace ChatFlows.Bot.Access;

/// <summary>
/// <c>/signin</c>: a browser on another machine trades the API key for a sign-in cookie (see <see cref="AccessPass"/>);
/// <c>POST /signout</c> drops it. The form carries an antiforgery token, so another site cannot post it, and wrong
/// keys count towards the caller's limit (<see cref="KeyAttempts"/>).
/// </summary>
public static class SignInEndpoints
{
    public const string Path = "/signin";

    /// <summary>Maps <c>GET</c> and <c>POST /signin</c> and <c>POST /signout</c>.</summary>
    public static IEndpointRouteBuilder MapSignInEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet(Path, (string? returnUrl, HttpContext http, IAntiforgery antiforgery) => Page(http, antiforgery, LocalOrHome(returnUrl), error: null, StatusCodes.Status200OK)).RequireRole(Role.None);
        // The token is checked in the handler, which reads the form itself.
        app.MapPost(Path, SignIn).DisableAntiforgery().RequireRole(Role.None);
        app.MapPost("/signout", SignOut).DisableAntiforgery().RequireRole(Role.None);
        return app;
    }

    private static async Task<IResult> SignIn(HttpContext http, AccessPass pass, IAntiforgery antiforgery, KeyAttempts attempts, IAuditLog audit, IOptions<SignInOptions> options)
    {
        if (!http.Request.HasFormContentType)
            return TypedResults.Problem(title: "Send the form.", detail: "POST /signin takes a form with the field 'key'.", statusCode: StatusCodes.Status400BadRequest);
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var returnUrl = LocalOrHome(form["returnUrl"].ToString());
        if (!await antiforgery.IsRequestValidAsync(http))
        {
            return Page(http, antiforgery, returnUrl, "The sign-in form was not sent from this page (its antiforgery token is missing or expired); enter the key again.",
                StatusCodes.Status400BadRequest);
        }
        if (!pass.HasKey)
        {
            return Page(http, antiforgery, returnUrl, "This host has no API key, so it can only be used on its own machine. Set ChatFlows:Access:ApiKey and restart it.",
                StatusCodes.Status403Forbidden);
        }
        if (attempts.IsLockedOut(http, out var wait)) return Page(http, antiforgery, returnUrl, KeyAttempts.TooManyAttempts(http, wait), StatusCodes.Status429TooManyRequests);
        if (!pass.IsKey(form["key"].ToString()))
        {
            attempts.RecordFailure(http);
            // Never the key that was typed: a near miss tells too much.
            await audit.RecordAsAsync(http, "anonymous", AuditActions.SignInFailed, "api-key", "not this host's API key");
            return Page(http, antiforgery, returnUrl, "That is not this host's API key (ChatFlows:Access:ApiKey).", StatusCodes.Status401Unauthorized);
        }

        http.Response.Cookies.Append(AccessPass.CookieName, pass.Issue(), new CookieOptions
        {
            HttpOnly = true,
            Secure = http.Request.IsHttps,
            // Lax, not Strict: the sign-in survives following a link to a run page from Slack or Teams.
            SameSite = SameSiteMode.Lax,
            MaxAge = pass.Lifetime,
            Path = "/",
        });
        await audit.RecordAsAsync(http, options.Value.ApiKeyUser, AuditActions.SignedIn, "api-key", "with the API key");
        return TypedResults.Redirect(returnUrl);
    }

    private static async Task<RedirectHttpResult> SignOut(HttpContext http, Callers callers)
    {
        http.Response.Cookies.Delete(AccessPass.CookieName, new CookieOptions { Path = "/" });
        if (callers.SignInConfigured)
        {
            // Only ChatFlows' own cookie: the provider's session is the provider's.
            await http.SignOutAsync(SignInDefaults.CookieScheme);
            return TypedResults.Redirect("/");
        }
        return TypedResults.Redirect(Path);
    }

    // Only a path on this host: a crafted link must not send a fresh sign-in elsewhere.
    private static string LocalOrHome(string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl) && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal) && !returnUrl.StartsWith("/\\", StringComparison.Ordinal)
            ? returnUrl
            : "/";

    private static ContentHttpResult Page(HttpContext http, IAntiforgery antiforgery, string returnUrl, string? error, int status)
    {
        var html = HtmlEncoder.Default;
        var token = antiforgery.GetAndStoreTokens(http);
        var message = error is null ? "" : $"""<p class="error" role="alert" data-testid="signin-error">{html.Encode(error)}</p>""";
        return TypedResults.Content($$"""
            <!doctype html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <meta name="viewport" content="width=device-width, initial-scale=1">
              <title>Sign in · ChatFlows</title>
              <link rel="icon" href="data:,">
              <style>
                body { font-family: system-ui, sans-serif; background: #f6f7f9; color: #1d2125; display: grid; place-items: center; min-height: 100vh; margin: 0; }
                form { background: #fff; border: 1px solid #e3e6ea; border-radius: 8px; padding: 24px; width: min(380px, 92vw); }
                h1 { font-size: 18px; margin: 0 0 8px; } p { color: #5e6c7a; font-size: 14px; }
                input { width: 100%; box-sizing: border-box; padding: 8px; border: 1px solid #cfd5dc; border-radius: 6px; font: inherit; }
                button { margin-top: 12px; width: 100%; padding: 8px; border: 0; border-radius: 6px; background: #2563eb; color: #fff; font-weight: 600; font: inherit; cursor: pointer; }
                .error { color: #b91c1c; }
              </style>
            </head>
            <body>
              <form method="post" action="{{Path}}">
                <h1>◆ ChatFlows</h1>
                <p>This host is shared. Enter its API key to open the canvas, the Playground and the API.</p>
                {{message}}
                <input type="password" name="key" autocomplete="current-password" aria-label="API key" placeholder="API key" required autofocus data-testid="signin-key">
                <input type="hidden" name="returnUrl" value="{{html.Encode(returnUrl)}}">
                <input type="hidden" name="{{html.Encode(token.FormFieldName)}}" value="{{html.Encode(token.RequestToken ?? "")}}">
                <button type="submit" data-testid="signin-submit">Sign in</button>
              </form>
            </body>
            </html>
            """, "text/html; charset=utf-8", statusCode: status);
    }
}
