using ChatFlows.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatFlows.Core.Audit;

/// <summary>
/// Keeps the audit log bounded: every <see cref="AuditOptions.PruneInterval"/>, deletes the entries recorded more than
/// <see cref="AuditOptions.RetainFor"/> ago. It runs on its own clock, apart from run pruning.
/// </summary>
public sealed partial class AuditPruner(IAuditLog log, AuditOptions options, TimeProvider time, ILogger<AuditPruner>? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger<AuditPruner>.Instance;

    /// <summary>Raised after each pruning with the number of entries deleted.</summary>
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

    /// <summary>Deletes the entries recorded before now minus <see cref="AuditOptions.RetainFor"/>; returns how many (none when retention is off).</summary>
    public async Task<int> PruneAsync(CancellationToken ct = default)
    {
        if (options.RetainFor <= TimeSpan.Zero) return 0;
        var cutoff = time.GetUtcNow() - options.RetainFor;
        var pruned = await log.PruneAsync(cutoff, ct);
        if (pruned > 0) LogPruned(pruned, cutoff);
        Pruned?.Invoke(pruned);
        return pruned;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Pruned {Count} audit entries recorded before {Cutoff:O}")]
    private partial void LogPruned(int count, DateTimeOffset cutoff);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pruning old audit entries failed; trying again in {Interval}")]
    private partial void LogPruneFailed(Exception error, TimeSpan interval);

    [LoggerMessage(Level = LogLevel.Information, Message = "Audit retention is off (ChatFlows:Audit:RetainFor is 0); entries are kept forever")]
    private partial void LogRetentionOff();
}
