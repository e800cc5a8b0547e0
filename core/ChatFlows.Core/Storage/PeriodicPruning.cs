namespace ChatFlows.Core.Storage;

/// <summary>The loop every pruner runs: prune at once, then every interval, until the host stops.</summary>
public static class PeriodicPruning
{
    /// <summary>
    /// Calls <paramref name="pruneAsync"/> now and then every <paramref name="interval"/> until
    /// <paramref name="stoppingToken"/> is cancelled; a failed pruning is reported to <paramref name="failed"/> and the
    /// next tick tries again.
    /// </summary>
    public static async Task RunAsync(
        TimeSpan interval, TimeProvider time, Func<CancellationToken, Task> pruneAsync, Action<Exception> failed, CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            do
            {
                try
                {
                    await pruneAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    failed(ex);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
