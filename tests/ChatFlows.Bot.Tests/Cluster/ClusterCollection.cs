namespace ChatFlows.Bot.Tests.Cluster;

/// <summary>
/// The cluster tests start several real processes and load them for minutes: they run alone, one after another, so
/// that their timings (leases of a few seconds) are not at the mercy of the other suites.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterCollection
{
    public const string Name = "cluster";
}
