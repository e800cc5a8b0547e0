using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ChatFlows.Bot.Access;

/// <summary>Registers who may use the host from other machines (<see cref="AccessOptions"/>).</summary>
public static class AccessServiceCollectionExtensions
{
    /// <summary>Binds and checks <see cref="AccessOptions"/> at start-up and adds <see cref="AccessPass"/>; needs Data Protection.</summary>
    public static IServiceCollection AddAccess(this IServiceCollection services)
    {
        services.AddOptions<AccessOptions>().BindConfiguration(AccessOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AccessOptions>, AccessOptionsValidation>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<AccessOptions>().Configure<IConfiguration>((options, configuration) => options.PublicBaseUrl = configuration["ChatFlows:PublicBaseUrl"]);
        services.AddSingleton<AccessPass>();
        services.AddSingleton<KeyAttempts>();
        services.AddSingleton<WorkspaceRoles>();
        // The sign-in form carries an antiforgery token (README §Security).
        services.AddAntiforgery();
        return services;
    }

    /// <summary>Puts <see cref="BrowserGuard"/> (host names, cross-site requests, JSON types) in front of everything that follows it.</summary>
    public static IApplicationBuilder UseBrowserGuard(this IApplicationBuilder app) => app.UseMiddleware<BrowserGuard>();

    /// <summary>Puts <see cref="AccessGate"/> in front of everything that follows it.</summary>
    public static IApplicationBuilder UseAccessGate(this IApplicationBuilder app) => app.UseMiddleware<AccessGate>();

    /// <summary>Puts <see cref="RoleGate"/> (the role each endpoint needs in the addressed workspace) in front of everything that follows it; after routing and <see cref="UseAccessGate"/>.</summary>
    public static IApplicationBuilder UseRoleGate(this IApplicationBuilder app) => app.UseMiddleware<RoleGate>();
}
