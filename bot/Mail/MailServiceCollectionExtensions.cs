using ChatFlows.Core.Connections;
using ChatFlows.Core.Mail;
using ChatFlows.Core.Running;
using ChatFlows.Core.Storage;
using Microsoft.Extensions.Options;

namespace ChatFlows.Bot.Mail;

/// <summary>Registers e-mail in: the watcher behind <c>trigger/email</c>, its cursors and its options (<c>ChatFlows:Mail</c>).</summary>
public static class MailServiceCollectionExtensions
{
    /// <summary>Adds the mail watcher as a hosted service.</summary>
    public static IServiceCollection AddMail(this IServiceCollection services)
    {
        services.AddOptions<MailOptions>().BindConfiguration(MailOptions.SectionName)
            .Validate(o => o.PollInterval >= TimeSpan.FromSeconds(1), "ChatFlows:Mail:PollInterval must be at least 00:00:01.")
            .Validate(o => o.RefreshInterval >= TimeSpan.FromSeconds(1), "ChatFlows:Mail:RefreshInterval must be at least 00:00:01.")
            .Validate(o => o.MaxReconnectDelay >= TimeSpan.FromSeconds(1), "ChatFlows:Mail:MaxReconnectDelay must be at least 00:00:01.")
            .ValidateOnStart();
        services.AddSingleton(sp => new MailCursors(sp.GetRequiredService<StoreDatabase>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new EmailWatcher(
            sp.GetRequiredService<IWorkflowStore>(), sp.GetRequiredService<RunStarter>(), sp.GetRequiredService<ConnectionRegistry>(), sp.GetRequiredService<MailCursors>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptions<MailOptions>>().Value, sp.GetRequiredService<ILogger<EmailWatcher>>()));
        services.AddHostedService<EmailTriggerService>();
        return services;
    }
}
