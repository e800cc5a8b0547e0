using ChatFlows.Core.Knowledge;
using ChatFlows.Core.Tests.Agents;

namespace ChatFlows.Core.Tests.Knowledge;

/// <summary>Indexing documents through a real /embeddings endpoint and searching them.</summary>
[Collection(ModelServerCollection.Name)]
public sealed class KnowledgeBasesTests : IAsyncLifetime
{
    private const string Disk = "# Disk full\n\nWhen the database disk is full, delete old WAL archives and grow the volume.";
    private const string Memory = "# Memory pressure\n\nWhen the API runs out of memory, restart the pods one by one.";
    private KnowledgeHarness _harness = null!;

    public async Task InitializeAsync() => _harness = await KnowledgeHarness.StartAsync();

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task SearchAsync_IndexedDocuments_RanksTheChunkSharingTheQuerysWordsFirst()
    {
        await _harness.RunbookAsync(("disk.md", Disk), ("memory.md", Memory));

        var hits = await _harness.Bases.SearchAsync(["runbook"], "the database disk is full", 2, default);

        Assert.Equal(["disk.md", "memory.md"], hits.Select(h => h.Source));
        Assert.Equal(Disk, hits[0].Text);
        Assert.True(hits[0].Score > 0.5 && hits[0].Score > hits[1].Score, $"scores {hits[0].Score} and {hits[1].Score}");
    }

    [Fact]
    public async Task AddAsync_ChangedDocument_ReplacesItsChunks()
    {
        var runbook = await _harness.RunbookAsync(("disk.md", Disk));

        await _harness.Bases.AddAsync(runbook, "disk.md", Memory, default);
        var during = await _harness.Bases.SearchAsync(["runbook"], "database disk", 5, default);
        await _harness.Bases.IndexQueuedAsync(default);
        var after = await _harness.Bases.SearchAsync(["runbook"], "database disk", 5, default);

        Assert.Equal(Disk, Assert.Single(during).Text);
        Assert.Equal(Memory, Assert.Single(after).Text);
        Assert.Single(await _harness.Bases.Store.ListDocumentsAsync("runbook"));
    }

    [Fact]
    public async Task AddAsync_SameContentAgain_EmbedsNothing()
    {
        var runbook = await _harness.RunbookAsync(("disk.md", Disk));
        var requests = _harness.Server.EmbeddingRequests.Count;

        var again = await _harness.Bases.AddAsync(runbook, "disk.md", Disk, default);
        await _harness.Bases.IndexQueuedAsync(default);

        Assert.Equal(KnowledgeStatuses.Ready, again.Status);
        Assert.Equal(requests, _harness.Server.EmbeddingRequests.Count);
    }

    [Fact]
    public async Task IndexQueuedAsync_LongDocument_EmbedsInBatchesAndShowsProgress()
    {
        var runbook = (await _harness.Bases.CreateAsync("runbook", "Runbook", null, default))!;
        var text = string.Join("\n\n", Enumerable.Range(1, 5).Select(i => $"# Step {i}\n\nDo thing number {i}."));
        var second = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        _harness.Server.OnEmbeddings = async inputs =>
        {
            if (_harness.Server.EmbeddingRequests.Count == 2)
            {
                second.TrySetResult();
                await release.Task;
            }
            return null;
        };
        var document = await _harness.Bases.AddAsync(runbook, "steps.md", text, default);

        var indexing = _harness.Bases.IndexQueuedAsync(default);
        await second.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var held = (await _harness.Bases.Store.GetDocumentAsync(document.Id))!;
        release.SetResult();
        await indexing;

        Assert.Equal((KnowledgeStatuses.Indexing, 2, 5), (held.Status, held.ChunksDone, held.ChunksTotal));
        Assert.Equal([2, 2, 1], _harness.Server.EmbeddingRequests.Select(r => r.Count));
        var ready = (await _harness.Bases.Store.GetDocumentAsync(document.Id))!;
        Assert.Equal((KnowledgeStatuses.Ready, 5, 5), (ready.Status, ready.ChunksDone, ready.ChunkCount));
    }

    [Fact]
    public async Task IndexQueuedAsync_EmbeddingsEndpointFails_MarksTheDocumentFailedSayingWhatToCheck()
    {
        _harness.Server.OnEmbeddings = _ => Task.FromResult<ModelReply?>(ModelReply.Error(404, "model 'embed-small' not found"));

        await _harness.RunbookAsync(("disk.md", Disk));

        var document = Assert.Single(await _harness.Bases.Store.ListDocumentsAsync("runbook"));
        Assert.Equal(KnowledgeStatuses.Failed, document.Status);
        Assert.Contains("model profile 'local'", document.Error, StringComparison.Ordinal);
        Assert.Contains("answered 404", document.Error, StringComparison.Ordinal);
        Assert.Contains("ChatFlows:Models:local:EmbeddingModel", document.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_ProfileWithoutEmbeddingModel_NamesModelAndTheKey()
    {
        _harness.Profiles.Find("local")!.EmbeddingModel = null;

        var problems = _harness.Bases.Check("Run Book", "", "local");

        Assert.Equal(["id", "name", "model"], problems.Select(p => p.Path));
        Assert.Contains("ChatFlows:Models:local:EmbeddingModel", problems[2].Message, StringComparison.Ordinal);
    }
}
