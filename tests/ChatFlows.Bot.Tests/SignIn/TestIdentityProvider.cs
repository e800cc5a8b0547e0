using System.Net;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace ChatFlows.Bot.Tests.SignIn;

/// <summary>
/// A real OpenID Connect provider (OpenIddict's server, in degraded mode: no database) on its own Kestrel port on
/// loopback, with the authorization-code flow and one client. Its sign-in page has one button that signs in as
/// <see cref="User"/>, so a browser goes through the whole flow as a person would.
/// </summary>
public sealed class TestIdentityProvider : IAsyncDisposable
{
    public const string ClientId = "chatflows-tests";
    public const string ClientSecret = "provider-client-secret-for-tests";

    private readonly WebApplication _app;

    private TestIdentityProvider(WebApplication app, Uri authority)
    {
        _app = app;
        Authority = authority;
    }

    /// <summary>The issuer, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Authority { get; }

    /// <summary>The person the sign-in page signs in as.</summary>
    public TestPerson User { get; set; } = new("ana-7f3c", "Ana Example", "ana@corp.example");

    public static async Task<TestIdentityProvider> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddOpenIddict().AddServer(options =>
        {
            options.SetAuthorizationEndpointUris("connect/authorize").SetTokenEndpointUris("connect/token");
            options.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange();
            options.RegisterScopes(Scopes.Email, Scopes.Profile);
            options.AddEphemeralEncryptionKey().AddEphemeralSigningKey().DisableAccessTokenEncryption();
            // No application or token store: the one client is checked here, and codes are self-contained.
            options.EnableDegradedMode();
            options.DisableTokenStorage();
            options.DisableAuthorizationStorage();
            options.UseAspNetCore().EnableAuthorizationEndpointPassthrough().EnableTokenEndpointPassthrough().DisableTransportSecurityRequirement();
            options.AddEventHandler<ValidateAuthorizationRequestContext>(handler => handler.UseInlineHandler(context =>
            {
                if (context.ClientId != ClientId) context.Reject(Errors.InvalidClient, $"Unknown client '{context.ClientId}'.");
                else if (!Uri.TryCreate(context.RedirectUri, UriKind.Absolute, out var back) || !IPAddress.TryParse(back.Host, out var address) || !IPAddress.IsLoopback(address))
                    context.Reject(Errors.InvalidRequest, "The redirect_uri must be on loopback.");
                return default;
            }));
            options.AddEventHandler<ValidateTokenRequestContext>(handler => handler.UseInlineHandler(context =>
            {
                if (context.ClientId != ClientId || context.ClientSecret != ClientSecret) context.Reject(Errors.InvalidClient, "Wrong client credentials.");
                return default;
            }));
        });

        var app = builder.Build();
        app.UseAuthentication();
        TestIdentityProvider? provider = null;
        app.MapGet("/connect/authorize", (HttpContext http) => Results.Content(LoginPage(http.Request.Query), "text/html; charset=utf-8"));
        app.MapPost("/connect/authorize", (HttpContext http) =>
        {
            var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an authorization request.");
            var person = provider!.User;
            var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
            identity.SetClaim(Claims.Subject, person.Subject).SetClaim(Claims.Name, person.Name);
            if (person.Email is not null) identity.SetClaim(Claims.Email, person.Email);
            if (person.Groups is { Count: > 0 } groups) identity.SetClaims("groups", [.. groups]);
            identity.SetScopes(request.GetScopes());
            identity.SetDestinations(_ => [Destinations.IdentityToken, Destinations.AccessToken]);
            return Results.SignIn(new ClaimsPrincipal(identity), properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        });
        app.MapPost("/connect/token", async (HttpContext http) =>
        {
            var code = await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
            return code.Principal is { } principal
                ? Results.SignIn(principal, properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme)
                : Results.Forbid(authenticationSchemes: [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        });
        await app.StartAsync();
        var address = new Uri(app.Urls.First());
        provider = new TestIdentityProvider(app, new Uri($"http://127.0.0.1:{address.Port}/"));
        return provider;
    }

    // The request's parameters travel on in hidden fields; the button posts them back to sign in.
    private static string LoginPage(IQueryCollection query)
    {
        var html = HtmlEncoder.Default;
        var fields = string.Concat(query.Select(p => $"""<input type="hidden" name="{html.Encode(p.Key)}" value="{html.Encode(p.Value.ToString())}">"""));
        return $"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Test provider</title><link rel="icon" href="data:,"></head>
            <body><form method="post" action="/connect/authorize">{fields}<button type="submit" data-testid="provider-signin">Sign in</button></form></body></html>
            """;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>A person at the test provider, with the groups its <c>groups</c> claim lists.</summary>
public sealed record TestPerson(string Subject, string Name, string? Email, IReadOnlyList<string>? Groups = null);
