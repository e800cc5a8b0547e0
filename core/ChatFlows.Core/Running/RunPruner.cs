using ChatFlows.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatFlows.Core.Running;

/// <summary>
/// Keeps run history bounded: every <see cref="RunWorkerOptions.PruneInterval"/>, deletes runs that ended more than
/// <see cref="RunWorkerOptions.RetainFor"/> ago, with their node journals. Runs that are queued, running or waiting
/// are never pruned, however old.
/// </summary>
public sealed partial class RunPruner(IRunStore store, RunWorkerOptions options, TimeProvider time, ILogger<RunPruner>? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger<RunPruner>.Instance;

    /// <summary>Raised after each pruning with the number of runs deleted.</summary>
    public event Action<int>? Pruned;

    /// <summary>Prunes at once and then every interval until <paramref name="stoppingToken"/> is cancelled; does nothing when retention is off.</summary>
    public async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.RetainFor <= TimeSpan.Zero)
        {
            LogRetentionOff();
            return;
        }
        await PeriodicPruning.RunAsync(options.PruneInterval, time, PruneAsync, ex => LogPruneFailed(ex, options.PruneInterval), stoppingToken);
    }

    /// <summary>Deletes the runs that ended before now minus <see cref="RunWorkerOptions.RetainFor"/>; returns how many (none when retention is off).</summary>
    public async Task<int> PruneAsync(CancellationToken ct = default)
    {
        if (options.RetainFor <= TimeSpan.Zero) return 0;
        var cutoff = time.GetUtcNow() - options.RetainFor;
        var pruned = await store.PruneAsync(cutoff, ct);
        if (pruned > 0) LogPruned(pruned, cutoff);
        Pruned?.Invoke(pruned);
        return pruned;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Pruned {Count} runs that ended before {Cutoff:O}")]
    private partial void LogPruned(int count, DateTimeOffset cutoff);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pruning old runs failed; trying again in {Interval}")]
    private partial void LogPruneFailed(Exception error, TimeSpan interval);

    [LoggerMessage(Level = LogLevel.Information, Message = "Run retention is off (RetainFor is not positive); runs are kept forever")]
    private partial void LogRetentionOff();
}
