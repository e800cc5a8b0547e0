using ChatFlows.Core.Knowledge;
using ChatFlows.Core.Storage;
using ChatFlows.Core.Tests.Fixtures;
using Microsoft.Extensions.Time.Testing;

namespace ChatFlows.Core.Tests.Storage.Compliance;

/// <summary>The knowledge store's behaviour, the same on every database.</summary>
public abstract class KnowledgeStoreTests(StorageProvider provider) : StoreCompliance(provider)
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 5, 9, 0, 0, TimeSpan.Zero));

    private DatabaseKnowledgeStore Store => new(Database, _time);

    [Fact]
    public async Task CreateBaseAsync_NewAndTakenId_StoresTheFirstOnly()
    {
        var now = _time.GetUtcNow();

        Assert.True(await Store.CreateBaseAsync(new KnowledgeBase("runbook", "On-call runbook", "local", now, now)));
        Assert.False(await Store.CreateBaseAsync(new KnowledgeBase("runbook", "Another", null, now, now)));

        Assert.Equal(new KnowledgeBase("runbook", "On-call runbook", "local", now, now), await Store.GetBaseAsync("runbook"));
        Assert.Equal(["runbook"], (await Store.ListBasesAsync()).Select(b => b.Id));
    }

    [Fact]
    public async Task CreateBaseAsync_InAWorkspace_IsReadBackWithItAndItsIdStaysTakenElsewhere()
    {
        var now = _time.GetUtcNow();

        Assert.True(await Store.CreateBaseAsync(new KnowledgeBase("policies", "HR policies", null, now, now) { Workspace = "hr" }));
        Assert.False(await Store.CreateBaseAsync(new KnowledgeBase("policies", "Ops policies", null, now, now) { Workspace = "ops" }));

        var stored = (await Store.GetBaseAsync("policies"))!;
        Assert.Equal(("hr", "HR policies"), (stored.Workspace, stored.Name));
        Assert.Equal("hr", Assert.Single(await Store.ListBasesAsync()).Workspace);
    }

    [Fact]
    public async Task CompleteAsync_Chunks_AreReadBackWithTheirVectorsBitForBit()
    {
        var document = await BeginAsync("runbook.md", "h1", "text");
        float[] vector = [0.5f, -1.25f, float.Epsilon, 3.4028235e38f];

        Assert.True(await Store.CompleteAsync(document.Id, "h1", [new KnowledgeChunk("runbook.md", 0, "Restart the API.", vector), new KnowledgeChunk("runbook.md", 1, "Page the DBA.", [1, 2, 3, 4])]));

        var chunks = await Store.ChunksAsync("runbook");
        Assert.Equal(["Restart the API.", "Page the DBA."], chunks.Select(c => c.Text));
        Assert.Equal(vector, chunks[0].Embedding);
        var read = (await Store.GetDocumentAsync(document.Id))!;
        Assert.Equal((KnowledgeStatuses.Ready, 2, 2, 2), (read.Status, read.ChunkCount, read.ChunksDone, read.ChunksTotal));
        Assert.Empty(await Store.PendingAsync());
    }

    [Fact]
    public async Task BeginAsync_SameSourceWithNewContent_KeepsIdAndOldChunksUntilComplete()
    {
        var first = await BeginAsync("runbook.md", "h1", "old");
        await Store.CompleteAsync(first.Id, "h1", [new KnowledgeChunk("runbook.md", 0, "old text", [1, 0])]);

        var second = await BeginAsync("runbook.md", "h2", "new");

        Assert.Equal(first.Id, second.Id);
        Assert.Equal((KnowledgeStatuses.Indexing, 1), (second.Status, second.ChunkCount));
        Assert.Equal(["old text"], (await Store.ChunksAsync("runbook")).Select(c => c.Text));
        var pending = Assert.Single(await Store.PendingAsync());
        Assert.Equal(("h2", "new"), (pending.Document.ContentHash, pending.Text));

        Assert.True(await Store.CompleteAsync(second.Id, "h2", [new KnowledgeChunk("runbook.md", 0, "new text", [0, 1]), new KnowledgeChunk("runbook.md", 1, "more", [1, 1])]));
        Assert.Equal(["new text", "more"], (await Store.ChunksAsync("runbook")).Select(c => c.Text));
    }

    [Fact]
    public async Task CompleteAsync_ContentChangedMeanwhile_ChangesNothing()
    {
        var document = await BeginAsync("runbook.md", "h1", "first");
        await BeginAsync("runbook.md", "h2", "second");

        Assert.False(await Store.CompleteAsync(document.Id, "h1", [new KnowledgeChunk("runbook.md", 0, "stale", [1])]));

        Assert.Empty(await Store.ChunksAsync("runbook"));
        Assert.Equal(KnowledgeStatuses.Indexing, (await Store.GetDocumentAsync(document.Id))!.Status);
    }

    [Fact]
    public async Task ProgressAndFailAsync_Indexing_AreRecordedWithTheError()
    {
        var document = await BeginAsync("runbook.md", "h1", "text");

        await Store.ProgressAsync(document.Id, "h1", 3, 8);
        Assert.Equal((3, 8), ((await Store.GetDocumentAsync(document.Id))!.ChunksDone, (await Store.GetDocumentAsync(document.Id))!.ChunksTotal));
        await Store.FailAsync(document.Id, "h1", "The model is down.");

        var failed = (await Store.GetDocumentAsync(document.Id))!;
        Assert.Equal((KnowledgeStatuses.Failed, "The model is down."), (failed.Status, failed.Error));
        Assert.Empty(await Store.PendingAsync());
    }

    [Fact]
    public async Task DeleteAsync_DocumentThenBase_RemoveTheirChunks()
    {
        var a = await BeginAsync("a.md", "ha", "a");
        var b = await BeginAsync("b.md", "hb", "b");
        await Store.CompleteAsync(a.Id, "ha", [new KnowledgeChunk("a.md", 0, "from a", [1])]);
        await Store.CompleteAsync(b.Id, "hb", [new KnowledgeChunk("b.md", 0, "from b", [1])]);

        Assert.True(await Store.DeleteDocumentAsync("runbook", a.Id));
        Assert.False(await Store.DeleteDocumentAsync("runbook", a.Id));
        Assert.Equal(["from b"], (await Store.ChunksAsync("runbook")).Select(c => c.Text));
        Assert.Equal(["b.md"], (await Store.ListDocumentsAsync("runbook")).Select(d => d.Source));

        Assert.True(await Store.DeleteBaseAsync("runbook"));
        Assert.False(await Store.DeleteBaseAsync("runbook"));
        Assert.Empty(await Store.ChunksAsync("runbook"));
        Assert.Empty(await Store.ListDocumentsAsync("runbook"));
    }

    private async Task<KnowledgeDocument> BeginAsync(string source, string hash, string text)
    {
        var now = _time.GetUtcNow();
        await Store.CreateBaseAsync(new KnowledgeBase("runbook", "Runbook", null, now, now));
        return await Store.BeginAsync(new KnowledgeDocument { Id = $"doc-{source}", BaseId = "runbook", Source = source, ContentHash = hash, Status = KnowledgeStatuses.Indexing, ChunksTotal = 1 }, text);
    }
}

public sealed class SqliteKnowledgeStoreTests() : KnowledgeStoreTests(StorageProvider.Sqlite);

public sealed class PostgresKnowledgeStoreTests() : KnowledgeStoreTests(StorageProvider.Postgres);
