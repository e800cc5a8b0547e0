namespace ChatFlows.Core.Storage;

/// <summary>What a heartbeat learned about the runs it renewed.</summary>
/// <param name="Cancelled">Runs still held whose cancel was asked for (on any instance).</param>
/// <param name="Lost">Runs this instance no longer holds: another instance claimed them after their lease lapsed.</param>
public sealed record LeaseRenewal(IReadOnlyList<string> Cancelled, IReadOnlyList<string> Lost)
{
    /// <summary>Nothing to report.</summary>
    public static LeaseRenewal None { get; } = new([], []);
}
