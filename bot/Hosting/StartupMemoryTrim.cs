using System.Runtime;

namespace ChatFlows.Bot.Hosting;

/// <summary>
/// Once the host has started, one compacting collection that gives the memory back to the system: migrations,
/// sample seeding and the first validations leave megabytes of garbage that an idle host would otherwise keep
/// committed until enough new allocations trigger a collection (bench/README.md §Memory).
/// </summary>
internal sealed class StartupMemoryTrim(IHostApplicationLifetime lifetime) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Off the started callback, so that the host answers its first request without waiting for the collection.
        lifetime.ApplicationStarted.Register(() => ThreadPool.UnsafeQueueUserWorkItem(static _ => Trim(), null));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static void Trim()
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }
}
