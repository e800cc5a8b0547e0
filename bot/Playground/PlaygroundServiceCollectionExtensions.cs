using ChatFlows.Bot.Chat;
using ChatFlows.Core.Cluster;
using ChatFlows.Core.Messaging;

namespace ChatFlows.Bot.Playground;

/// <summary>Registers the Playground: its store, its live feed, and itself as a chat platform.</summary>
public static class PlaygroundServiceCollectionExtensions
{
    /// <summary>
    /// Adds the Playground. Its channel is both the place runs post messages to (<see cref="IChatChannel"/>) and where
    /// the chat layer shows progress and approvals (<see cref="IChatPresenter"/>).
    /// </summary>
    public static IServiceCollection AddPlayground(this IServiceCollection services)
    {
        services.AddSingleton<PlaygroundStore>();
        // Shared with the other instances when there are any (README §Running several instances).
        services.AddSingleton(sp => new PlaygroundFeed(
            sp.GetRequiredService<IClusterBus>(), sp.GetRequiredService<PlaygroundStore>(), sp.GetRequiredService<ILogger<PlaygroundFeed>>()));
        services.AddSingleton<PlaygroundChannel>();
        services.AddSingleton<IChatChannel>(sp => sp.GetRequiredService<PlaygroundChannel>());
        services.AddSingleton<IChatDirectMessages, PlaygroundDirectMessages>();
        return services;
    }
}
