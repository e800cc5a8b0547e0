namespace ChatFlows.Core.Tests.Fixtures;

/// <summary>Tests that share one <see cref="PostgresServer"/>; each test creates a database of its own on it.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "PostgreSQL";
}
