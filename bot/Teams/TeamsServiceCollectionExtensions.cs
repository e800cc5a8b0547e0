using ChatFlows.Bot.Chat;
using ChatFlows.Core.Messaging;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ChatFlows.Bot.Teams;

/// <summary>Registers Microsoft Teams: its settings, inbound authentication, the Connector client, and Teams as a chat platform.</summary>
public static class TeamsServiceCollectionExtensions
{
    /// <summary>
    /// Binds and checks <see cref="TeamsOptions"/> at start-up and adds the Bot Framework pieces. Teams is always served:
    /// with <c>ChatFlows:Teams:AppId</c> set every request needs a Bot Framework token and replies carry the bot's
    /// token; with <c>ChatFlows:Teams:Emulator</c> instead the host runs in local emulator mode (loopback callers and
    /// serviceUrls only, no tokens); with neither, Teams requests are refused. Messages to
    /// <c>teams:</c> addresses need the bot to have been added to the conversation (its stored reference).
    /// </summary>
    public static IServiceCollection AddTeams(this IServiceCollection services)
    {
        services.AddOptions<TeamsOptions>().BindConfiguration(TeamsOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TeamsOptions>, TeamsOptionsValidation>();
        services.TryAddSingleton(TimeProvider.System);
        // The one retry policy of every chat platform; AddChat binds its options.
        services.AddOptions<ChatOptions>();
        services.TryAddSingleton<ChatRetryPolicy>();

        services.AddHttpClient(TeamsAuthenticator.MetadataClientName);
        services.AddHttpClient(TeamsMsalHttpClientFactory.ClientName);
        // The serviceUrl differs by conversation, so the Connector client has no base address; every call names its URL.
        services.AddHttpClient<TeamsConnector>()
            // The presenter is a singleton holding its client for good, so connections are recycled instead (DNS changes).
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
        services.AddSingleton<TeamsMsalHttpClientFactory>();
        services.AddSingleton<TeamsTokenProvider>();
        services.AddSingleton<TeamsAuthenticator>();
        services.AddSingleton<TeamsConversations>();
        services.AddSingleton<TeamsDeciders>();
        services.AddSingleton<TeamsCardActions>();
        services.AddSingleton<TeamsMessages>();
        services.AddSingleton<TeamsInstallations>();

        services.AddSingleton<TeamsPresenter>();
        services.AddSingleton<IChatChannel>(sp => sp.GetRequiredService<TeamsPresenter>());
        services.AddSingleton<TeamsDirectMessages>();
        services.AddSingleton<IChatDirectMessages>(sp => sp.GetRequiredService<TeamsDirectMessages>());
        services.AddSingleton<ChatFlows.Core.Running.IApproverGroups, TeamsApproverGroups>();
        return services;
    }
}
