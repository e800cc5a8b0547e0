using ChatFlows.Core.Messaging;
using ChatFlows.Core.Nodes;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ChatFlows.Bot.Chat;

/// <summary>Registers the chat layer every platform shares: commands, approvals, and the cards kept up to date.</summary>
public static class ChatServiceCollectionExtensions
{
    /// <summary>Adds the chat layer; each platform registers itself once, as an <see cref="IChatChannel"/> (most as an <see cref="IChatPresenter"/>).</summary>
    public static IServiceCollection AddChat(this IServiceCollection services)
    {
        services.AddOptions<ChatOptions>().BindConfiguration(ChatOptions.SectionName)
            .Configure<IConfiguration>((options, configuration) => options.PublicBaseUrl = configuration["ChatFlows:PublicBaseUrl"])
            .ValidateDataAnnotations()
            .Validate(
                o => o.Admins.All(a => a != ApprovalRequest.Anyone && ApprovalNode.CheckApprover(a) is null),
                "ChatFlows:Chat:Admins must list chat identities, like slack:U012AB3CD, teams:<AAD object id> or playground:ada.")
            .ValidateOnStart();
        services.TryAddSingleton<ChatRetryPolicy>();
        services.AddSingleton<ChatCardSignals>();
        services.AddSingleton<ChatCardThreads>();
        services.AddSingleton<ICardThreads>(sp => sp.GetRequiredService<ChatCardThreads>());
        services.AddSingleton<ChatBackgroundWork>();
        services.AddSingleton<ChatRunStarter>();
        services.AddSingleton<ChatRoles>();
        services.AddSingleton<ChatCommands>();
        services.AddSingleton<ChatApprovals>();
        services.AddSingleton<ApprovalViews>();
        services.AddSingleton<ApprovalCardCopies>();
        services.AddSingleton<ChatFlows.Core.Running.IApprovalNotifier, ChatApprovalNotifier>();
        services.AddSingleton<MessageTriggers>();
        services.AddSingleton<RunCardUpdater>();
        services.AddHostedService<RunCardService>();
        services.AddHostedService<ChatCardPoster>();
        return services;
    }
}
