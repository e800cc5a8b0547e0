using System.Runtime.CompilerServices;
using ChatFlows.Canvas.Api;
using ChatFlows.Core.Audit;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;

namespace ChatFlows.Bot.Access;

/// <summary>Registers sign-in with the OpenID Connect provider (<see cref="SignInOptions"/>) and <see cref="Callers"/>.</summary>
public static class AuthServiceCollectionExtensions
{
    /// <summary>
    /// Binds and checks <see cref="SignInOptions"/> at start-up, adds the sign-in cookie and, when a provider is
    /// configured, the OpenID Connect authorization-code flow (with PKCE) that fills it; needs <see cref="AccessOptions"/>.
    /// </summary>
    public static IServiceCollection AddSignIn(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SignInOptions>().BindConfiguration(SignInOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SignInOptions>, SignInOptionsValidation>();
        services.AddSingleton<Callers>();

        var authentication = services.AddAuthentication(SignInDefaults.CookieScheme).AddCookie(SignInDefaults.CookieScheme, _ => { });
        services.AddOptions<CookieAuthenticationOptions>(SignInDefaults.CookieScheme).Configure<IOptions<AccessOptions>>((cookie, access) =>
        {
            cookie.Cookie.Name = SignInDefaults.CookieName;
            cookie.Cookie.HttpOnly = true;
            // For the whole host: signed in on a workspace's page (/w/hr/…), the API (/api/w/hr/…) must see the sign-in too.
            cookie.Cookie.Path = "/";
            // Lax, not Strict: the sign-in survives following a link to a run page from Slack or Teams.
            cookie.Cookie.SameSite = SameSiteMode.Lax;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.ExpireTimeSpan = access.Value.SignInLifetime;
            cookie.SlidingExpiration = false;
        });

        // Read now, not at start-up: whether the provider's scheme exists is fixed when services are registered.
        var settings = configuration.GetSection(SignInOptions.SectionName).Get<SignInOptions>() ?? new SignInOptions();
        if (settings.IsConfigured) AddProvider(authentication);
        return services;
    }

    // Its own method, never inlined: a host without a provider then never compiles a call into the OpenID Connect
    // assembly, so it never loads it (about 15 MiB resident, README §Memory).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AddProvider(AuthenticationBuilder authentication)
    {
        var services = authentication.Services;
        authentication.AddOpenIdConnect(SignInDefaults.ProviderScheme, _ => { });
        services.AddOptions<OpenIdConnectOptions>(SignInDefaults.ProviderScheme).Configure<IOptions<SignInOptions>>((oidc, signIn) =>
        {
            var o = signIn.Value;
            oidc.SignInScheme = SignInDefaults.CookieScheme;
            oidc.Authority = o.Authority;
            oidc.ClientId = o.ClientId;
            oidc.ClientSecret = string.IsNullOrWhiteSpace(o.ClientSecret) ? null : o.ClientSecret;
            oidc.RequireHttpsMetadata = o.RequireHttpsMetadata;
            oidc.CallbackPath = o.CallbackPath;
            oidc.ResponseType = "code";
            oidc.UsePkce = true;
            // The code comes back in the query of a top-level GET, so the correlation and nonce cookies can be Lax and
            // also work on plain-http loopback hosts.
            oidc.ResponseMode = "query";
            oidc.CorrelationCookie.SameSite = SameSiteMode.Lax;
            oidc.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            oidc.NonceCookie.SameSite = SameSiteMode.Lax;
            oidc.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            oidc.MapInboundClaims = false;
            oidc.SaveTokens = false;
            oidc.GetClaimsFromUserInfoEndpoint = false;
            oidc.Scope.Clear();
            foreach (var scope in o.ScopeList) oidc.Scope.Add(scope);
            oidc.Events.OnTokenValidated = async context =>
            {
                // The cookie keeps who the person is (subject, name, e-mail), not the provider's tokens.
                if (context.Principal is { } provided)
                {
                    context.Principal = Callers.FromProvider(provided);
                    var who = context.Principal.FindFirst(Caller.IdClaim)!.Value;
                    await context.HttpContext.RequestServices.GetRequiredService<IAuditLog>()
                        .RecordAsAsync(context.HttpContext, who, AuditActions.SignedIn, "oidc", $"with {o.Authority}");
                }
            };
            oidc.Events.OnRemoteFailure = async context =>
            {
                context.HandleResponse();
                await context.HttpContext.RequestServices.GetRequiredService<IAuditLog>()
                    .RecordAsAsync(context.HttpContext, "anonymous", AuditActions.SignInFailed, "oidc", context.Failure?.Message);
                await Results.Problem(title: "Sign-in failed.", detail: $"The sign-in provider's answer was not accepted: {context.Failure?.Message}",
                    statusCode: StatusCodes.Status401Unauthorized).ExecuteAsync(context.HttpContext);
            };
        });
    }

    /// <summary>Handles the provider's answers (<see cref="SignInOptions.CallbackPath"/>); put it before <see cref="AccessServiceCollectionExtensions.UseAccessGate"/>.</summary>
    public static IApplicationBuilder UseSignIn(this IApplicationBuilder app) => app.UseAuthentication();

    /// <summary>Sends a browser to the provider, to come back to <paramref name="returnUrl"/> signed in.</summary>
    public static Task ChallengeProviderAsync(this HttpContext http, string returnUrl) =>
        http.ChallengeAsync(SignInDefaults.ProviderScheme, new AuthenticationProperties { RedirectUri = returnUrl });
}
