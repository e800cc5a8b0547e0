using System.Runtime;
using System.Runtime.InteropServices;

namespace ChatFlows.Bot.Hosting;

/// <summary>
/// Gives memory back to the system when the host goes quiet: once when it has started (migrations, sample seeding and
/// the first validations leave megabytes of garbage), and again each time it stops working after a burst. A trim is
/// one compacting collection that decommits what it frees, then glibc's <c>malloc_trim</c>, which returns the free
/// pages of native heaps (the compiler's scratch memory, SQLite's caches) that <c>free</c> alone keeps
/// (docs/architecture.md §Memory).
/// </summary>
/// <remarks>
/// Quiet is read from the allocation counter, which costs nothing to read and needs no hook on requests or runs: a
/// host that allocated less than <see cref="QuietBelow"/> over one <see cref="CheckEvery"/> is not working. A trim
/// follows only <see cref="WorthAfter"/> of allocation since the last one, so a host that stays quiet trims once, and
/// one that does a little work now and then trims at most once per that much work. The checks follow the machine's
/// clock, not the host's <see cref="TimeProvider"/>: they are about the process, and a fake clock moved on by a test
/// would make the host look quiet and trim (a blocking full collection of the whole process) many times a second.
/// </remarks>
internal sealed class IdleMemoryTrim(IHostApplicationLifetime lifetime) : BackgroundService
{
    /// <summary>How often the allocation counter is read.</summary>
    public static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(5);

    /// <summary>Allocated over one check, below which the host counts as quiet.</summary>
    public const long QuietBelow = 1 << 20;

    /// <summary>
    /// Allocated since the last trim, above which another one is worth its pause (a few milliseconds for the idle
    /// host's heap). One request or one run is enough: with 4 MiB, a host quiet after a handful of requests held 6.5 MiB
    /// more (bench/README.md §Memory).
    /// </summary>
    public const long WorthAfter = 1 << 20;

    private static bool _mallocTrimMissing;

    /// <summary>Whether a check that read <paramref name="allocated"/> should trim, given the previous read and the count at the last trim.</summary>
    public static bool ShouldTrim(long allocated, long previousCheck, long lastTrim) =>
        allocated - previousCheck < QuietBelow && allocated - lastTrim >= WorthAfter;

    /// <summary>One trim: a compacting, decommitting collection, then the native heaps' free pages.</summary>
    public static void Trim()
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        if (!OperatingSystem.IsLinux() || _mallocTrimMissing) return;
        try
        {
            MallocTrim(0);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc (musl has no malloc_trim): the collection above is all there is.
            _mallocTrimMissing = true;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!await StartedAsync(stoppingToken)) return;
        // Off the started callback, so that the host answers its first request without waiting for the collection.
        Trim();
        var lastTrim = GC.GetTotalAllocatedBytes();
        var previousCheck = lastTrim;
        using var timer = new PeriodicTimer(CheckEvery);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            var allocated = GC.GetTotalAllocatedBytes();
            if (ShouldTrim(allocated, previousCheck, lastTrim))
            {
                Trim();
                allocated = GC.GetTotalAllocatedBytes();
                lastTrim = allocated;
            }
            previousCheck = allocated;
        }
    }

    private async Task<bool> StartedAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var onStarted = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        using var onStopping = stoppingToken.Register(() => started.TrySetCanceled(stoppingToken));
        try
        {
            await started.Task.ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    // A plain import: the signature is blittable, so it needs neither marshalling nor unsafe code.
    [DllImport("libc", EntryPoint = "malloc_trim", ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int MallocTrim(nuint pad);
}
