using ChatFlows.Core.Documents;
using ChatFlows.Core.Storage;
using Microsoft.Extensions.Time.Testing;

namespace ChatFlows.Core.Tests.Storage;

public sealed class SqliteWorkflowStoreTests : IDisposable
{
    private readonly SqliteTestFolder _folder = new();
    private readonly SqliteWorkflowStore _store;

    public SqliteWorkflowStoreTests()
    {
        var database = new SqliteDatabase(_folder.ConnectionString());
        database.Migrate();
        _store = new SqliteWorkflowStore(database, new FakeTimeProvider(new DateTimeOffset(2026, 1, 15, 9, 0, 0, TimeSpan.Zero)));
    }

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task CreateAsync_IdDeletedBefore_ContinuesItsVersionsAndKeepsTheOldOnes()
    {
        var first = await _store.CreateAsync(Document("First"));
        await _store.UpdateAsync(Document("Second"), 1);
        await _store.DeleteAsync("test");

        var again = await _store.CreateAsync(Document("Again"));

        Assert.Equal(1, first!.Document.Version);
        Assert.Equal(3, again!.Document.Version);
        Assert.Equal(3, (await _store.GetAsync("test"))!.Document.Version);
        Assert.Equal("First", (await _store.GetVersionAsync("test", 1))!.Name);
        Assert.Equal("Second", (await _store.GetVersionAsync("test", 2))!.Name);
        Assert.Equal("Again", (await _store.GetVersionAsync("test", 3))!.Name);
    }

    [Fact]
    public async Task CreateAsync_IdTaken_ReturnsNull()
    {
        await _store.CreateAsync(Document("First"));

        Assert.Null(await _store.CreateAsync(Document("Second")));
        Assert.Equal("First", (await _store.GetAsync("test"))!.Document.Name);
    }

    private static WorkflowDocument Document(string name) => WorkflowJson.Parse($$$"""
        {"id": "test", "name": "{{{name}}}", "nodes": [{"id": "start", "type": "trigger", "config": {"kind": "manual"}}], "edges": []}
        """);
}
