using ChatFlows.Core.Running;

namespace ChatFlows.Bot.Hosting;

/// <summary>Runs the <see cref="RunWorker"/> for the life of the host.</summary>
internal sealed class RunWorkerService(RunWorker worker) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => worker.ExecuteAsync(stoppingToken);

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        // Runs in flight get the rest of the shutdown time to finish; any still running continue after a restart.
        await worker.DrainAsync().WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }
}
