using ChatFlows.Core.Running;

namespace ChatFlows.Bot.Hosting;

/// <summary>Runs the <see cref="RunPruner"/> for the life of the host.</summary>
internal sealed class RetentionService(RunPruner pruner) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => pruner.ExecuteAsync(stoppingToken);
}
