using ChatFlows.Bot.Chat;
using ChatFlows.Core.Messaging;
using ChatFlows.Core.Running;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ChatFlows.Bot.Slack;

/// <summary>Registers Slack: its settings, the Web API client, and Slack as a chat platform when it is connected.</summary>
public static class SlackServiceCollectionExtensions
{
    /// <summary>
    /// Binds and checks <see cref="SlackOptions"/> at start-up and adds <see cref="SlackApi"/> and
    /// <see cref="SlackApprovalToken"/>. Only when <paramref name="configuration"/> has both a signing secret and a bot
    /// token is <see cref="SlackPresenter"/> added as the <c>slack</c> presenter and channel; otherwise messages to
    /// <c>slack:</c> addresses say that Slack is not connected. Needs Data Protection (for the button values) and a
    /// <see cref="TimeProvider"/>, which the host registers.
    /// </summary>
    public static IServiceCollection AddSlack(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SlackOptions>().BindConfiguration(SlackOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SlackOptions>, SlackOptionsValidation>();
        services.TryAddSingleton(TimeProvider.System);
        // The one retry policy of every chat platform; AddChat binds its options.
        services.AddOptions<ChatOptions>();
        services.TryAddSingleton<ChatRetryPolicy>();

        services.AddHttpClient<SlackApi>((sp, http) => http.BaseAddress = sp.GetRequiredService<IOptions<SlackOptions>>().Value.ApiBaseUri)
            // The presenter is a singleton holding its client for good, so connections are recycled instead (DNS changes).
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
        services.AddSingleton<SlackApprovalToken>();
        services.AddSingleton<SlackEventLog>();

        // Read now, not at start-up: which platforms serve chat is fixed when services are registered.
        var settings = configuration.GetSection(SlackOptions.SectionName).Get<SlackOptions>() ?? new SlackOptions();
        if (settings.IsConfigured)
        {
            services.AddSingleton<SlackPresenter>();
            services.AddSingleton<IChatChannel>(sp => sp.GetRequiredService<SlackPresenter>());
            services.AddSingleton<IChatPeople, SlackPeople>();
            services.AddSingleton<IChatDirectMessages, SlackDirectMessages>();
            services.AddSingleton<IApproverGroups, SlackApproverGroups>();
        }
        return services;
    }
}
