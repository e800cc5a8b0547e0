using ChatFlows.Core.Messaging;

namespace ChatFlows.Bot.Chat;

/// <summary>Registers the chat layer every platform shares: commands, approvals, and the cards kept up to date.</summary>
public static class ChatServiceCollectionExtensions
{
    /// <summary>Adds the chat layer; platforms add their <see cref="IChatPresenter"/> and <see cref="IChatChannel"/>.</summary>
    public static IServiceCollection AddChat(this IServiceCollection services)
    {
        services.AddOptions<ChatOptions>().BindConfiguration(ChatOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => new ChatPresenters(sp.GetServices<IChatPresenter>()));
        services.AddSingleton<ChatBackgroundWork>();
        services.AddSingleton<ChatRunStarter>();
        services.AddSingleton<ChatCommands>();
        services.AddSingleton<ChatApprovals>();
        services.AddSingleton<MessageTriggers>();
        services.AddSingleton<RunCardUpdater>();
        services.AddHostedService<RunCardService>();
        return services;
    }
}
