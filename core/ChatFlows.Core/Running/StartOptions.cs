using ChatFlows.Core.Storage;

namespace ChatFlows.Core.Running;

/// <summary>How <see cref="RunStarter"/> starts one run.</summary>
public sealed record StartOptions
{
    /// <summary>The default: queue the run and return at once.</summary>
    public static readonly StartOptions Default = new();

    /// <summary>Observe the run: the outcome is <see cref="StartOutcome.AwaitingResponse"/> (a webhook with a respond output).</summary>
    public bool AwaitResponse { get; init; }

    /// <summary>
    /// Called once the request is known to be startable, before the run is stored: it gets the run's id and plan and
    /// returns the request to queue (chat posts its progress card here and adds its thread).
    /// </summary>
    public Func<StartingRun, CancellationToken, Task<RunRequest>>? Announce { get; init; }

    /// <summary>The schedule tick this run fires; it is claimed in the same transaction that stores the run.</summary>
    public ScheduleTick? Tick { get; init; }

    /// <summary>The outside event this run is for (a mail message, a GitHub delivery); claimed in the same transaction that stores the run.</summary>
    public StartClaim? Claim { get; init; }

    /// <summary>Who starts the run and from where; a started run is then recorded in the audit log (<c>run.started</c>).</summary>
    public Audit.AuditOrigin? Origin { get; init; }
}
