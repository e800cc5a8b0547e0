using System.Numerics.Tensors;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading.Channels;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Http;
using ChatFlows.Core.Workspaces;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatFlows.Core.Knowledge;

/// <summary>
/// Knowledge bases (README §Knowledge): creates them, takes documents (uploaded or fetched through the
/// <see cref="GuardedHttpClient"/>), indexes them in the background (<see cref="RunAsync"/>) and searches them by cosine
/// similarity. Search loads a base's vectors and compares them all, which is quick for tens of thousands of chunks; no
/// vector extension is needed.
/// </summary>
public sealed partial class KnowledgeBases(
    IKnowledgeStore store, KnowledgeEmbeddings embeddings, KnowledgeOptions options, TimeProvider time, GuardedHttpClient? http = null, ILogger<KnowledgeBases>? logger = null)
{
    /// <summary>Most results a search returns.</summary>
    public const int MaxTop = 50;

    /// <summary>Results a search returns when it does not say.</summary>
    public const int DefaultTop = 5;

    private readonly Channel<(KnowledgeDocument Document, string Text)> _queue = Channel.CreateUnbounded<(KnowledgeDocument, string)>();
    private readonly ILogger _logger = logger ?? NullLogger<KnowledgeBases>.Instance;

    /// <summary>Where bases, documents and chunks are kept.</summary>
    public IKnowledgeStore Store => store;

    /// <summary>The settings (<c>ChatFlows:Knowledge</c>).</summary>
    public KnowledgeOptions Options => options;

    /// <summary>True for a valid base id: lower-case letters, digits and dashes, starting with a letter or digit, at most 64.</summary>
    public static bool IsId(string? id) => id is not null && IdFormat().IsMatch(id);

    /// <summary>The problems of a base about to be created, keyed <c>id</c>, <c>name</c>, <c>model</c>.</summary>
    public IReadOnlyList<ValidationProblem> Check(string? id, string? name, string? model)
    {
        var problems = new List<ValidationProblem>();
        if (string.IsNullOrWhiteSpace(id)) problems.Add(new("id", "id is required: lower-case letters, digits and dashes, like runbook."));
        else if (!IsId(id)) problems.Add(new("id", $"'{id}' is not an id; use lower-case letters, digits and dashes (at most 64), starting with a letter or digit, like runbook."));
        if (string.IsNullOrWhiteSpace(name)) problems.Add(new("name", "name is required, like On-call runbook."));
        else if (name.Length > 200) problems.Add(new("name", "name may be at most 200 characters."));
        if (embeddings.Resolve(model, out var error) is null) problems.Add(new("model", error!));
        return problems;
    }

    /// <summary>Creates a base of the default workspace (already checked with <see cref="Check"/>); null when the id is taken.</summary>
    public Task<KnowledgeBase?> CreateAsync(string id, string name, string? model, CancellationToken ct) => CreateAsync(WorkspaceIds.Default, id, name, model, ct);

    /// <summary>Creates a base of <paramref name="workspace"/> (already checked with <see cref="Check"/>); null when the id is taken in any workspace.</summary>
    public async Task<KnowledgeBase?> CreateAsync(string workspace, string id, string name, string? model, CancellationToken ct)
    {
        var now = Storage.UnixTime.Trim(time.GetUtcNow());
        var knowledgeBase = new KnowledgeBase(id, name.Trim(), string.IsNullOrWhiteSpace(model) ? null : model.Trim(), now, now) { Workspace = workspace };
        return await store.CreateBaseAsync(knowledgeBase, ct) ? knowledgeBase : null;
    }

    /// <summary>
    /// Adds the text of <paramref name="source"/> to a base and queues it for indexing. The same text added again is
    /// left as it is (nothing is embedded again); changed text is indexed anew while the previous chunks stay searchable.
    /// </summary>
    public async Task<KnowledgeDocument> AddAsync(KnowledgeBase knowledgeBase, string source, string text, CancellationToken ct)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
        var existing = await store.FindDocumentAsync(knowledgeBase.Id, source, ct);
        if (existing is not null && existing.ContentHash == hash && existing.Status != KnowledgeStatuses.Failed) return existing;
        var chunks = KnowledgeChunker.Split(text);
        var document = await store.BeginAsync(new KnowledgeDocument
        {
            Id = existing?.Id ?? $"doc-{Guid.NewGuid():N}"[..16],
            BaseId = knowledgeBase.Id,
            Source = source,
            ContentHash = hash,
            Status = KnowledgeStatuses.Indexing,
            ChunksTotal = chunks.Count,
        }, text, ct);
        _queue.Writer.TryWrite((document, text));
        return document;
    }

    /// <summary>
    /// Fetches <paramref name="url"/> through the guarded client (private addresses only when allowed by
    /// <c>ChatFlows:Http:AllowedHosts</c>); a <see cref="KnowledgeException"/> for <c>url</c> when it cannot.
    /// </summary>
    public async Task<(byte[] Content, string? MediaType)> FetchAsync(string? url, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(url) || !Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || !GuardedHttpClient.IsHttpUrl(uri))
        {
            throw new KnowledgeException("url", "url must be an absolute http:// or https:// URL, like https://wiki.example.com/runbook.html.");
        }
        if (http is null) throw new KnowledgeException("url", "Fetching URLs is not available here; upload the document instead.");
        HttpToolResponse response;
        try
        {
            response = await http.SendAsync(new HttpToolRequest(HttpMethod.Get, uri), ct);
        }
        catch (HttpToolException ex)
        {
            throw new KnowledgeException("url", ex.Message, ex);
        }
        if (!response.IsSuccess) throw new KnowledgeException("url", $"{uri} answered {response.Status} {response.ReasonPhrase}; check the address.");
        if (response.Body.Length > options.MaxDocumentBytes)
        {
            throw new KnowledgeException("url", $"{uri} is {response.Body.Length} bytes, more than {KnowledgeOptions.SectionName}:MaxDocumentBytes ({options.MaxDocumentBytes}).");
        }
        return (response.Body, response.MediaType);
    }

    /// <summary>
    /// The <paramref name="top"/> chunks of the bases <paramref name="baseIds"/> closest to <paramref name="query"/>, best
    /// first. A <see cref="KnowledgeException"/> for <c>knowledge</c> when a base does not exist or cannot be searched.
    /// </summary>
    public Task<IReadOnlyList<KnowledgeHit>> SearchAsync(IReadOnlyList<string> baseIds, string query, int top, CancellationToken ct) =>
        SearchAsync(WorkspaceIds.Default, baseIds, query, top, ct);

    /// <summary>
    /// The <paramref name="top"/> chunks of the bases <paramref name="baseIds"/> of <paramref name="workspace"/> closest to
    /// <paramref name="query"/>, best first. A base of another workspace is as absent as one that does not exist (README
    /// §Workspaces and roles): its chunks are never read.
    /// </summary>
    public async Task<IReadOnlyList<KnowledgeHit>> SearchAsync(string workspace, IReadOnlyList<string> baseIds, string query, int top, CancellationToken ct)
    {
        var hits = new List<KnowledgeHit>();
        var vectors = new Dictionary<string, float[]>(StringComparer.OrdinalIgnoreCase);
        foreach (var id in baseIds.Distinct(StringComparer.Ordinal))
        {
            var knowledgeBase = await store.GetBaseAsync(id, ct) is { } found && found.Workspace == workspace ? found : throw new KnowledgeException(
                "knowledge", $"There is no knowledge base '{id}'; create it on the Knowledge page or with POST {(workspace == WorkspaceIds.Default ? "/api" : $"/api/w/{workspace}")}/knowledge.");
            var profile = embeddings.Resolve(knowledgeBase.Model, out var error)
                ?? throw new KnowledgeException("knowledge", $"Knowledge base '{id}' cannot be searched: {error}");
            if (!vectors.TryGetValue(profile.Name, out var vector))
            {
                vector = (await embeddings.EmbedAsync(profile, [query], ct))[0];
                vectors[profile.Name] = vector;
            }
            foreach (var chunk in await store.ChunksAsync(id, ct))
            {
                // A chunk embedded by another model (the profile changed) has another length; index it again to find it.
                if (chunk.Embedding.Length != vector.Length) continue;
                hits.Add(new KnowledgeHit(chunk.Text, chunk.Source, Math.Round(TensorPrimitives.CosineSimilarity(vector, chunk.Embedding), 4)));
            }
        }
        return hits.OrderByDescending(h => h.Score).Take(top).ToArray();
    }

    /// <summary>
    /// Indexes the documents added, one at a time, until <paramref name="ct"/> ends; first the ones a previous run of the
    /// host left indexing. A failure marks the document failed with a sentence saying what to fix, and the loop goes on.
    /// </summary>
    public async Task RunAsync(CancellationToken ct)
    {
        foreach (var pending in await store.PendingAsync(ct)) _queue.Writer.TryWrite(pending);
        await foreach (var item in _queue.Reader.ReadAllAsync(ct)) await IndexOrFailAsync(item.Document, item.Text, ct);
    }

    /// <summary>Indexes what is queued now, and returns when the queue is empty (for tests that drive indexing themselves).</summary>
    internal async Task IndexQueuedAsync(CancellationToken ct)
    {
        while (_queue.Reader.TryRead(out var item)) await IndexOrFailAsync(item.Document, item.Text, ct);
    }

    private async Task IndexOrFailAsync(KnowledgeDocument document, string text, CancellationToken ct)
    {
        try
        {
            await IndexAsync(document, text, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            LogIndexingFailed(document.BaseId, document.Source, ex);
            var message = ex is InvalidOperationException or KnowledgeException ? ex.Message : $"Indexing failed: {ex.Message} Add the document again; if it fails again, see the host's log.";
            await store.FailAsync(document.Id, document.ContentHash, message, CancellationToken.None);
        }
    }

    private async Task IndexAsync(KnowledgeDocument document, string text, CancellationToken ct)
    {
        var current = await store.GetDocumentAsync(document.Id, ct);
        // Deleted, or given other content since it was queued: the newer one has its own turn.
        if (current is null || current.ContentHash != document.ContentHash || current.Status != KnowledgeStatuses.Indexing) return;
        var knowledgeBase = await store.GetBaseAsync(document.BaseId, ct);
        if (knowledgeBase is null) return;
        var profile = embeddings.Resolve(knowledgeBase.Model, out var error) ?? throw new InvalidOperationException(error);

        var pieces = KnowledgeChunker.Split(text);
        var chunks = new List<KnowledgeChunk>(pieces.Count);
        await store.ProgressAsync(document.Id, document.ContentHash, 0, pieces.Count, ct);
        foreach (var batch in pieces.Chunk(options.EmbeddingBatchSize))
        {
            var vectors = await embeddings.EmbedAsync(profile, batch, ct);
            for (var i = 0; i < batch.Length; i++) chunks.Add(new KnowledgeChunk(document.Source, chunks.Count, batch[i], vectors[i]));
            await store.ProgressAsync(document.Id, document.ContentHash, chunks.Count, pieces.Count, ct);
        }
        if (await store.CompleteAsync(document.Id, document.ContentHash, chunks, ct)) LogIndexed(document.BaseId, document.Source, chunks.Count);
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}\\z")]
    private static partial Regex IdFormat();

    [LoggerMessage(Level = LogLevel.Information, Message = "Knowledge base {BaseId} indexed {Source} in {Chunks} chunks")]
    private partial void LogIndexed(string baseId, string source, int chunks);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Knowledge base {BaseId} could not index {Source}")]
    private partial void LogIndexingFailed(string baseId, string source, Exception ex);
}
