using System.Xml.Linq;
using ChatFlows.Bot.Hosting;
using ChatFlows.Bot.Secrets;
using ChatFlows.Core.Storage;
using ChatFlows.Core.Tests.Fixtures;
using Microsoft.Extensions.Time.Testing;

namespace ChatFlows.Bot.Tests.Storage;

/// <summary>The Data Protection key ring kept in the database, the same on every database.</summary>
public abstract class KeyRingTests(StorageProvider provider) : StoreCompliance(provider)
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));

    protected override IEnumerable<MigrationArea> Areas => [BotMigrations.Area];

    [Fact]
    public async Task StoreElement_OnOneInstance_IsReadByAnotherInOrder()
    {
        var repository = new DatabaseXmlRepository(Database, _time);
        repository.StoreElement(new XElement("key", new XAttribute("id", "1")), "key-1");
        _time.Advance(TimeSpan.FromSeconds(1));
        repository.StoreElement(new XElement("key", new XAttribute("id", "2")), "key-2");

        var elements = new DatabaseXmlRepository(await SecondInstanceAsync(), _time).GetAllElements();

        Assert.Equal(["1", "2"], elements.Select(e => (string)e.Attribute("id")!));
    }

    [Fact]
    public void StoreElement_SameNameAgain_ReplacesIt()
    {
        var repository = new DatabaseXmlRepository(Database, _time);
        repository.StoreElement(new XElement("revocation", "first"), "revocation-1");

        repository.StoreElement(new XElement("revocation", "second"), "revocation-1");

        Assert.Equal("second", Assert.Single(repository.GetAllElements()).Value);
    }
}

public sealed class SqliteKeyRingTests() : KeyRingTests(StorageProvider.Sqlite);

public sealed class PostgresKeyRingTests() : KeyRingTests(StorageProvider.Postgres);
