namespace ChatFlows.Core.Storage;

/// <summary>What became of a request to wake a waiting node.</summary>
public enum ResumeOutcome
{
    /// <summary>Recorded; a worker will continue the run with it.</summary>
    Accepted,

    /// <summary>The same bookmark was already decided (a second click).</summary>
    AlreadyDecided,

    /// <summary>No node of the run waits on that bookmark (never did, or moved on, or the run ended).</summary>
    NotWaiting,

    /// <summary>No such run.</summary>
    RunNotFound,
}
