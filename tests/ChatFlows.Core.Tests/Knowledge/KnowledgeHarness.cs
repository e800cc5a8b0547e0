using ChatFlows.Core.Agents;
using ChatFlows.Core.Knowledge;
using ChatFlows.Core.Tests.Agents;
using ChatFlows.Core.Tests.Storage;
using Microsoft.Extensions.Time.Testing;

namespace ChatFlows.Core.Tests.Knowledge;

/// <summary>
/// Knowledge bases on a real SQLite file, embedding through a <see cref="FakeModelServer"/> (profile <c>local</c>, embedding
/// model <c>embed-small</c>, two chunks a request); tests index with <see cref="KnowledgeBases.IndexQueuedAsync"/>.
/// </summary>
internal sealed class KnowledgeHarness : IAsyncDisposable
{
    private readonly TestDatabase _database = new();

    private KnowledgeHarness(FakeModelServer server)
    {
        Server = server;
        var profile = AgentHarness.LocalProfile(server);
        profile.EmbeddingModel = "embed-small";
        Profiles = new ModelProfiles(new Dictionary<string, ModelProfile> { ["local"] = profile });
        Embeddings = new KnowledgeEmbeddings(Profiles);
        Bases = new KnowledgeBases(new DatabaseKnowledgeStore(_database.Database, Time), Embeddings, new KnowledgeOptions { EmbeddingBatchSize = 2 }, Time);
    }

    public FakeModelServer Server { get; }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 12, 5, 9, 0, 0, TimeSpan.Zero));

    public ModelProfiles Profiles { get; }

    public KnowledgeEmbeddings Embeddings { get; }

    public KnowledgeBases Bases { get; }

    public static async Task<KnowledgeHarness> StartAsync() => new(await FakeModelServer.StartAsync());

    /// <summary>Creates the base <c>runbook</c> and indexes <paramref name="documents"/> (source, text) into it.</summary>
    public async Task<KnowledgeBase> RunbookAsync(params (string Source, string Text)[] documents)
    {
        var runbook = (await Bases.CreateAsync("runbook", "On-call runbook", null, default))!;
        foreach (var (source, text) in documents) await Bases.AddAsync(runbook, source, text, default);
        await Bases.IndexQueuedAsync(default);
        return runbook;
    }

    public async ValueTask DisposeAsync()
    {
        Embeddings.Dispose();
        await Server.DisposeAsync();
        _database.Dispose();
    }
}
