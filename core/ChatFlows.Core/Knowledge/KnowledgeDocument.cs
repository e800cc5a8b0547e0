namespace ChatFlows.Core.Knowledge;

/// <summary>One document of a knowledge base: where it came from and how far its indexing got.</summary>
public sealed record KnowledgeDocument
{
    /// <summary>The document's id, stable when the same source is added again.</summary>
    public required string Id { get; init; }

    /// <summary>The base it belongs to.</summary>
    public required string BaseId { get; init; }

    /// <summary>The file name it was uploaded as, or the URL it was fetched from; one document per source in a base.</summary>
    public required string Source { get; init; }

    /// <summary>SHA-256 of its text (hex): the same text added again is not embedded again.</summary>
    public required string ContentHash { get; init; }

    /// <summary><c>indexing</c>, <c>ready</c> or <c>failed</c> (<see cref="KnowledgeStatuses"/>).</summary>
    public required string Status { get; init; }

    /// <summary>Why indexing failed and what to do, when it did.</summary>
    public string? Error { get; init; }

    /// <summary>Chunks embedded so far by the indexing under way (or the last one).</summary>
    public int ChunksDone { get; init; }

    /// <summary>Chunks the indexing under way (or the last one) has to embed.</summary>
    public int ChunksTotal { get; init; }

    /// <summary>Chunks searchable now; while a changed document is indexed again, its previous chunks stay searchable.</summary>
    public int ChunkCount { get; init; }

    /// <summary>When the source was first added.</summary>
    public DateTimeOffset AddedAt { get; init; }

    /// <summary>When it last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>The statuses of a <see cref="KnowledgeDocument"/>.</summary>
public static class KnowledgeStatuses
{
    /// <summary>Its chunks are being embedded; <see cref="KnowledgeDocument.ChunksDone"/> tells how far.</summary>
    public const string Indexing = "indexing";

    /// <summary>Its chunks are searchable.</summary>
    public const string Ready = "ready";

    /// <summary>Indexing failed; <see cref="KnowledgeDocument.Error"/> says why.</summary>
    public const string Failed = "failed";
}
