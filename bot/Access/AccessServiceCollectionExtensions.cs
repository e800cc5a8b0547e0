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
        services.AddSingleton<AccessPass>();
        return services;
    }

    /// <summary>Puts <see cref="AccessGate"/> in front of everything that follows it.</summary>
    public static IApplicationBuilder UseAccessGate(this IApplicationBuilder app) => app.UseMiddleware<AccessGate>();
}
