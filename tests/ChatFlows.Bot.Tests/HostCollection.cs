namespace ChatFlows.Bot.Tests;

/// <summary>
/// Tests that share one running host (<see cref="HostFixture"/>); they run one after another. Each class also carries
/// <c>[Trait("Host", "shared")]</c>, which <c>./test.sh</c> selects to run this suite a second time on PostgreSQL.
/// </summary>
[CollectionDefinition(Name)]
public sealed class HostCollection : ICollectionFixture<HostFixture>
{
    public const string Name = "host";

    /// <summary>The trait every test class of this collection carries (<c>--filter "Host=shared"</c>).</summary>
    public const string Trait = "Host";

    /// <summary>The value of <see cref="Trait"/>.</summary>
    public const string Shared = "shared";
}
