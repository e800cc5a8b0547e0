namespace ChatFlows.Core.Knowledge;

/// <summary>Knowledge bases, their documents and chunks, in the product's database (SQLite or PostgreSQL).</summary>
public interface IKnowledgeStore
{
    /// <summary>Stores a new base; false when the id is taken.</summary>
    Task<bool> CreateBaseAsync(KnowledgeBase knowledgeBase, CancellationToken ct = default);

    /// <summary>The base with this id, or null.</summary>
    Task<KnowledgeBase?> GetBaseAsync(string id, CancellationToken ct = default);

    /// <summary>Every base, by id.</summary>
    Task<IReadOnlyList<KnowledgeBase>> ListBasesAsync(CancellationToken ct = default);

    /// <summary>Deletes a base with its documents and chunks; false when there was none.</summary>
    Task<bool> DeleteBaseAsync(string id, CancellationToken ct = default);

    /// <summary>The documents of a base, by source.</summary>
    Task<IReadOnlyList<KnowledgeDocument>> ListDocumentsAsync(string baseId, CancellationToken ct = default);

    /// <summary>The document with this id, or null.</summary>
    Task<KnowledgeDocument?> GetDocumentAsync(string documentId, CancellationToken ct = default);

    /// <summary>The document of <paramref name="baseId"/> added from <paramref name="source"/>, or null.</summary>
    Task<KnowledgeDocument?> FindDocumentAsync(string baseId, string source, CancellationToken ct = default);

    /// <summary>
    /// Starts indexing <paramref name="text"/> as the document's new content: inserts the document, or updates the one
    /// with the same base and source (keeping its id and its chunks, which stay searchable until
    /// <see cref="CompleteAsync"/> replaces them). The text is kept until then, so indexing resumes after a restart.
    /// </summary>
    Task<KnowledgeDocument> BeginAsync(KnowledgeDocument document, string text, CancellationToken ct = default);

    /// <summary>The documents still indexing and the text each is to be indexed with.</summary>
    Task<IReadOnlyList<(KnowledgeDocument Document, string Text)>> PendingAsync(CancellationToken ct = default);

    /// <summary>Records how many chunks of an indexing document are embedded.</summary>
    Task ProgressAsync(string documentId, string contentHash, int done, int total, CancellationToken ct = default);

    /// <summary>
    /// Replaces the document's chunks with <paramref name="chunks"/> and marks it ready, in one transaction; false (and
    /// nothing changed) when it was deleted or given other content meanwhile (<paramref name="contentHash"/> differs).
    /// </summary>
    Task<bool> CompleteAsync(string documentId, string contentHash, IReadOnlyList<KnowledgeChunk> chunks, CancellationToken ct = default);

    /// <summary>Marks the document failed with <paramref name="error"/>, keeping its previous chunks; unless it was given other content meanwhile.</summary>
    Task FailAsync(string documentId, string contentHash, string error, CancellationToken ct = default);

    /// <summary>Deletes a document of <paramref name="baseId"/> with its chunks; false when there was none.</summary>
    Task<bool> DeleteDocumentAsync(string baseId, string documentId, CancellationToken ct = default);

    /// <summary>Every chunk of the base, with its embedding (for search).</summary>
    Task<IReadOnlyList<KnowledgeChunk>> ChunksAsync(string baseId, CancellationToken ct = default);
}
