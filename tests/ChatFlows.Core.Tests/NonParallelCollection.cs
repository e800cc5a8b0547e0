namespace ChatFlows.Core.Tests;

/// <summary>
/// Tests that measure process-wide allocation run here, alone, so that other tests cannot skew the numbers.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NonParallelCollection
{
    public const string Name = "Non-parallel";
}
