using ChatFlows.Core.Cluster;

namespace ChatFlows.Bot.Hosting;

/// <summary>Runs <see cref="ClusterRunEvents"/> for the life of the host; with one instance it ends at once.</summary>
internal sealed class ClusterRunEventsService(ClusterRunEvents events) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => events.RunAsync(stoppingToken);
}
