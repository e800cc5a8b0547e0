using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ChatFlows.Bot.Slack;

/// <summary>Registers Slack: its settings and the Web API client.</summary>
public static class SlackServiceCollectionExtensions
{
    /// <summary>
    /// Binds and checks <see cref="SlackOptions"/> at start-up and adds <see cref="SlackApi"/> and
    /// <see cref="SlackApprovalToken"/>. Needs Data Protection (for the button values) and a <see cref="TimeProvider"/>,
    /// which the host registers.
    /// </summary>
    public static IServiceCollection AddSlack(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SlackOptions>().BindConfiguration(SlackOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SlackOptions>, SlackOptionsValidation>();
        services.TryAddSingleton(TimeProvider.System);

        services.AddHttpClient<SlackApi>((sp, http) => http.BaseAddress = sp.GetRequiredService<IOptions<SlackOptions>>().Value.ApiBaseUri)
            // The presenter is a singleton holding its client for good, so connections are recycled instead (DNS changes).
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
        services.AddSingleton<SlackApprovalToken>();
        return services;
    }
}
