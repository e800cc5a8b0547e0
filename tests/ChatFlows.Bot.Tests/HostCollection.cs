namespace ChatFlows.Bot.Tests;

/// <summary>Tests that share one running host (<see cref="HostFixture"/>); they run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class HostCollection : ICollectionFixture<HostFixture>
{
    public const string Name = "host";
}
