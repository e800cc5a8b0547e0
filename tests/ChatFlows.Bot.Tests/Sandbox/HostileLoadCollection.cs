namespace ChatFlows.Bot.Tests.Sandbox;

/// <summary>Tests that measure the process's latency and memory, run alone so that other tests' work does not count.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HostileLoadCollection
{
    public const string Name = "hostile-load";
}
