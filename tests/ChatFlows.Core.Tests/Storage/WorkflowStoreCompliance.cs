using ChatFlows.Core.Documents;
using ChatFlows.Core.Storage;
using ChatFlows.Core.Tests.Running;
using Microsoft.Extensions.Time.Testing;

namespace ChatFlows.Core.Tests.Storage;

/// <summary>What every workflow store does, whatever its database (README §Tests); a subclass per provider.</summary>
public abstract class WorkflowStoreCompliance : IAsyncLifetime
{
    private IWorkflowStore _store = null!;

    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));

    /// <summary>Creates and migrates an empty database of this provider and opens the store over it.</summary>
    protected abstract Task<IWorkflowStore> OpenAsync();

    /// <summary>Deletes the database.</summary>
    protected abstract Task CloseAsync();

    public async Task InitializeAsync() => _store = await OpenAsync();

    public Task DisposeAsync() => CloseAsync();

    private static WorkflowDocument Document(string name) =>
        WorkflowJson.Parse(WorkflowJson.Serialize(Workflows.Build(["a"], ["start->a"])).Replace("\"id\": \"test\"", $"\"id\": \"test\", \"name\": \"{name}\"", StringComparison.Ordinal));

    [Fact]
    public async Task CreateAsync_InAWorkspace_ListsGetsAndKeepsEveryVersionThere()
    {
        await _store.CreateAsync(Document("first") with { Workspace = "hr" });
        var second = await _store.UpdateAsync(Document("second") with { Workspace = "hr" }, expectedVersion: 1);

        Assert.Equal("hr", second!.Document.Workspace);
        Assert.Equal("hr", (await _store.GetAsync("test"))!.Document.Workspace);
        Assert.Equal("hr", Assert.Single(await _store.ListAsync()).Document.Workspace);
        Assert.Equal("hr", (await _store.GetVersionAsync("test", 1))!.Workspace);
    }

    [Fact]
    public async Task UpdateAsync_NamingAnotherWorkspace_IsRefusedAndTheWorkflowStaysWhereItWas()
    {
        await _store.CreateAsync(Document("first") with { Workspace = "hr" });

        var moved = await _store.UpdateAsync(Document("moved"), expectedVersion: 1);

        Assert.Null(moved);
        var current = await _store.GetAsync("test");
        Assert.Equal(("first", "hr"), (current!.Document.Name, current.Document.Workspace));
    }

    [Fact]
    public async Task UpdateAsync_StaleVersion_LosesAndKeepsTheNewerSave()
    {
        var created = await _store.CreateAsync(Document("first"));
        var second = await _store.UpdateAsync(Document("second"), expectedVersion: 1);
        var stale = await _store.UpdateAsync(Document("stale"), expectedVersion: 1);

        Assert.Equal(1, created!.Document.Version);
        Assert.Equal(2, second!.Document.Version);
        Assert.Null(stale);
        var current = await _store.GetAsync("test");
        Assert.Equal("second", current!.Document.Name);
        Assert.Equal(2, current.Document.Version);
    }

    [Fact]
    public async Task GetVersionAsync_OldVersionAfterEditAndDelete_IsStillThere()
    {
        await _store.CreateAsync(Document("first"));
        await _store.UpdateAsync(Document("second"), 1);
        Assert.True(await _store.DeleteAsync("test"));

        var first = await _store.GetVersionAsync("test", 1);

        Assert.Equal("first", first!.Name);
        Assert.Null(await _store.GetAsync("test"));
        Assert.Empty(await _store.ListAsync());
    }

    [Fact]
    public async Task CreateAsync_IdDeletedBefore_ContinuesItsVersionsAndKeepsTheOldOnes()
    {
        var first = await _store.CreateAsync(Document("First"));
        await _store.UpdateAsync(Document("Second"), 1);
        await _store.DeleteAsync("test");

        var again = await _store.CreateAsync(Document("Again"));

        Assert.Equal(1, first!.Document.Version);
        Assert.Equal(3, again!.Document.Version);
        Assert.Equal("First", (await _store.GetVersionAsync("test", 1))!.Name);
        Assert.Equal("Second", (await _store.GetVersionAsync("test", 2))!.Name);
        Assert.Equal("Again", (await _store.GetVersionAsync("test", 3))!.Name);
    }

    [Fact]
    public async Task CreateAsync_TakenId_IsRefused()
    {
        await _store.CreateAsync(Document("first"));

        Assert.Null(await _store.CreateAsync(Document("again")));
        Assert.Equal("first", (await _store.GetAsync("test"))!.Document.Name);
    }

    [Fact]
    public async Task ListVersionsAsync_SavedByTwoPeople_ListsEachVersionNewestFirstWithItsAuthorAndTime()
    {
        var nine = Time.GetUtcNow();
        await _store.CreateAsync(Document("first"), "email:ana@corp.example");
        Time.Advance(TimeSpan.FromMinutes(5));
        await _store.UpdateAsync(Document("second"), 1, "local");
        Time.Advance(TimeSpan.FromMinutes(5));
        await _store.UpdateAsync(Document("third"), 2);

        var versions = await _store.ListVersionsAsync("test");

        Assert.Equal([3, 2, 1], versions.Select(v => v.Document.Version));
        Assert.Equal(["third", "second", "first"], versions.Select(v => v.Document.Name));
        Assert.Equal([null, "local", "email:ana@corp.example"], versions.Select(v => v.SavedBy));
        Assert.Equal([nine.AddMinutes(10), nine.AddMinutes(5), nine], versions.Select(v => v.SavedAt));
    }

    [Fact]
    public async Task ListVersionsAsync_DeletedAndCreatedAgain_KeepsEveryVersionAndAuthor()
    {
        await _store.CreateAsync(Document("first"), "local");
        await _store.DeleteAsync("test");
        Assert.Equal(["local"], (await _store.ListVersionsAsync("test")).Select(v => v.SavedBy));

        await _store.CreateAsync(Document("again"), "email:bo@corp.example");

        var versions = await _store.ListVersionsAsync("test");
        Assert.Equal([(2, "again", "email:bo@corp.example"), (1, "first", "local")], versions.Select(v => (v.Document.Version, v.Document.Name, v.SavedBy)));
    }

    [Fact]
    public async Task ListVersionsAsync_NeverSaved_IsEmpty()
    {
        await _store.CreateAsync(Document("first"), "local");

        Assert.Empty(await _store.ListVersionsAsync("other"));
    }

    [Fact]
    public async Task Changed_IsRaisedForCreateUpdateAndDelete()
    {
        var changes = new List<WorkflowChange>();
        _store.Changed += changes.Add;

        await _store.CreateAsync(Document("first"));
        await _store.UpdateAsync(Document("second"), 1);
        await _store.UpdateAsync(Document("stale"), 1);
        await _store.DeleteAsync("test", expectedVersion: 1);
        await _store.DeleteAsync("test", expectedVersion: 2);

        Assert.Equal([new WorkflowChange("test", 1), new WorkflowChange("test", 2), new WorkflowChange("test", null)], changes);
    }
}
