namespace ChatFlows.Bot.Tests.Roles;

/// <summary>The role tests share one <see cref="RolesFixture"/> (a host, a provider and five signed-in people) and run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class RolesCollection : ICollectionFixture<RolesFixture>
{
    public const string Name = "roles";
}
