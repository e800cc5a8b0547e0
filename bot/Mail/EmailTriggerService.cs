using ChatFlows.Core.Mail;

namespace ChatFlows.Bot.Mail;

/// <summary>Runs the <see cref="EmailWatcher"/> (trigger/email) for the life of the host.</summary>
internal sealed class EmailTriggerService(EmailWatcher watcher) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => watcher.ExecuteAsync(stoppingToken);
}
