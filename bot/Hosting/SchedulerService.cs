using ChatFlows.Core.Scheduling;

namespace ChatFlows.Bot.Hosting;

/// <summary>Runs the <see cref="Scheduler"/> for the life of the host.</summary>
internal sealed class SchedulerService(Scheduler scheduler) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => scheduler.ExecuteAsync(stoppingToken);
}
