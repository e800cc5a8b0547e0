namespace ChatFlows.Core.Tests.Agents;

/// <summary>
/// Tests that start a fake model server on Kestrel run here, one at a time and apart from the other tests, so that
/// their server start-ups do not crowd the clock-driven engine tests running beside them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ModelServerCollection
{
    public const string Name = "Model server";
}
