using System.Buffers.Binary;
using ChatFlows.Core.Storage;
using Dapper;

namespace ChatFlows.Core.Knowledge;

/// <summary>
/// Knowledge in the database (SQLite or PostgreSQL, one SQL text for both). Embeddings are stored as float32
/// little-endian bytes (a blob in SQLite, bytea in PostgreSQL), so no vector extension is needed.
/// </summary>
public sealed class DatabaseKnowledgeStore(StoreDatabase database, TimeProvider time) : IKnowledgeStore
{
    private const string DocumentColumns = "id, base_id, source, content_hash, status, error, chunks_done, chunks_total, chunk_count, added_at, updated_at";

    /// <inheritdoc />
    public async Task<bool> CreateBaseAsync(KnowledgeBase knowledgeBase, CancellationToken ct = default)
    {
        const string Sql = "insert into knowledge_bases (id, name, model, workspace, created_at, updated_at) values (@Id, @Name, @Model, @Workspace, @CreatedAt, @UpdatedAt) on conflict (id) do nothing";
        await using var connection = await database.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(Sql, new
        {
            knowledgeBase.Id,
            knowledgeBase.Name,
            knowledgeBase.Model,
            knowledgeBase.Workspace,
            CreatedAt = UnixTime.From(knowledgeBase.CreatedAt),
            UpdatedAt = UnixTime.From(knowledgeBase.UpdatedAt),
        }, cancellationToken: ct)) == 1;
    }

    /// <inheritdoc />
    public async Task<KnowledgeBase?> GetBaseAsync(string id, CancellationToken ct = default)
    {
        const string Sql = "select id, name, model, workspace, created_at, updated_at from knowledge_bases where id = @Id";
        await using var connection = await database.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<BaseRow>(new CommandDefinition(Sql, new { Id = id }, cancellationToken: ct));
        return row?.ToBase();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<KnowledgeBase>> ListBasesAsync(CancellationToken ct = default)
    {
        const string Sql = "select id, name, model, workspace, created_at, updated_at from knowledge_bases order by id";
        await using var connection = await database.OpenAsync(ct);
        var rows = await connection.QueryAsync<BaseRow>(new CommandDefinition(Sql, cancellationToken: ct));
        return rows.Select(r => r.ToBase()).ToArray();
    }

    /// <inheritdoc />
    public async Task<bool> DeleteBaseAsync(string id, CancellationToken ct = default)
    {
        // SQLite runs without foreign keys, so the cascade is spelled out.
        const string Sql = """
            delete from knowledge_chunks where base_id = @Id;
            delete from knowledge_documents where base_id = @Id;
            delete from knowledge_bases where id = @Id;
            """;
        const string ExistsSql = "select count(*) from knowledge_bases where id = @Id";
        await using var connection = await database.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var existed = await connection.ExecuteScalarAsync<long>(new CommandDefinition(ExistsSql, new { Id = id }, transaction, cancellationToken: ct)) > 0;
        await connection.ExecuteAsync(new CommandDefinition(Sql, new { Id = id }, transaction, cancellationToken: ct));
        await transaction.CommitAsync(ct);
        return existed;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<KnowledgeDocument>> ListDocumentsAsync(string baseId, CancellationToken ct = default)
    {
        const string Sql = $"select {DocumentColumns} from knowledge_documents where base_id = @BaseId order by source";
        await using var connection = await database.OpenAsync(ct);
        var rows = await connection.QueryAsync<DocumentRow>(new CommandDefinition(Sql, new { BaseId = baseId }, cancellationToken: ct));
        return rows.Select(r => r.ToDocument()).ToArray();
    }

    /// <inheritdoc />
    public async Task<KnowledgeDocument?> GetDocumentAsync(string documentId, CancellationToken ct = default)
    {
        const string Sql = $"select {DocumentColumns} from knowledge_documents where id = @Id";
        await using var connection = await database.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<DocumentRow>(new CommandDefinition(Sql, new { Id = documentId }, cancellationToken: ct));
        return row?.ToDocument();
    }

    /// <inheritdoc />
    public async Task<KnowledgeDocument?> FindDocumentAsync(string baseId, string source, CancellationToken ct = default)
    {
        const string Sql = $"select {DocumentColumns} from knowledge_documents where base_id = @BaseId and source = @Source";
        await using var connection = await database.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<DocumentRow>(new CommandDefinition(Sql, new { BaseId = baseId, Source = source }, cancellationToken: ct));
        return row?.ToDocument();
    }

    /// <inheritdoc />
    public async Task<KnowledgeDocument> BeginAsync(KnowledgeDocument document, string text, CancellationToken ct = default)
    {
        const string Sql = """
            insert into knowledge_documents (id, base_id, source, content_hash, status, error, chunks_done, chunks_total, chunk_count, added_at, updated_at, pending_text)
            values (@Id, @BaseId, @Source, @ContentHash, @Status, null, 0, @ChunksTotal, 0, @Now, @Now, @Text)
            on conflict (base_id, source) do update set
                content_hash = excluded.content_hash, status = excluded.status, error = null, chunks_done = 0,
                chunks_total = excluded.chunks_total, updated_at = excluded.updated_at, pending_text = excluded.pending_text
            """;
        const string TouchSql = "update knowledge_bases set updated_at = @Now where id = @BaseId";
        var now = UnixTime.From(time.GetUtcNow());
        await using var connection = await database.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(Sql, new
        {
            document.Id,
            document.BaseId,
            document.Source,
            document.ContentHash,
            Status = KnowledgeStatuses.Indexing,
            document.ChunksTotal,
            Now = now,
            Text = text,
        }, transaction, cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition(TouchSql, new { document.BaseId, Now = now }, transaction, cancellationToken: ct));
        await transaction.CommitAsync(ct);
        return (await FindDocumentAsync(document.BaseId, document.Source, ct))!;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<(KnowledgeDocument Document, string Text)>> PendingAsync(CancellationToken ct = default)
    {
        const string Sql = $"select {DocumentColumns}, pending_text from knowledge_documents where status = @Status and pending_text is not null order by updated_at";
        await using var connection = await database.OpenAsync(ct);
        var rows = await connection.QueryAsync<DocumentRow>(new CommandDefinition(Sql, new { Status = KnowledgeStatuses.Indexing }, cancellationToken: ct));
        return rows.Select(r => (r.ToDocument(), r.PendingText ?? "")).ToArray();
    }

    /// <inheritdoc />
    public async Task ProgressAsync(string documentId, string contentHash, int done, int total, CancellationToken ct = default)
    {
        const string Sql = "update knowledge_documents set chunks_done = @Done, chunks_total = @Total where id = @Id and content_hash = @Hash and status = @Status";
        await using var connection = await database.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(Sql, new { Id = documentId, Hash = contentHash, Done = done, Total = total, Status = KnowledgeStatuses.Indexing }, cancellationToken: ct));
    }

    /// <inheritdoc />
    public async Task<bool> CompleteAsync(string documentId, string contentHash, IReadOnlyList<KnowledgeChunk> chunks, CancellationToken ct = default)
    {
        const string ClaimSql = """
            update knowledge_documents set status = @Ready, error = null, chunks_done = @Count, chunks_total = @Count, chunk_count = @Count,
                updated_at = @Now, pending_text = null
            where id = @Id and content_hash = @Hash and status = @Indexing
            returning base_id
            """;
        const string DeleteSql = "delete from knowledge_chunks where document_id = @Id";
        const string InsertSql = "insert into knowledge_chunks (document_id, ordinal, base_id, text, embedding) values (@DocumentId, @Ordinal, @BaseId, @Text, @Embedding)";
        await using var connection = await database.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var baseId = await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(ClaimSql, new
        {
            Id = documentId,
            Hash = contentHash,
            Count = chunks.Count,
            Now = UnixTime.From(time.GetUtcNow()),
            Ready = KnowledgeStatuses.Ready,
            Indexing = KnowledgeStatuses.Indexing,
        }, transaction, cancellationToken: ct));
        if (baseId is null) return false;
        await connection.ExecuteAsync(new CommandDefinition(DeleteSql, new { Id = documentId }, transaction, cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition(InsertSql, chunks.Select(c => new
        {
            DocumentId = documentId,
            c.Ordinal,
            BaseId = baseId,
            c.Text,
            Embedding = ToBytes(c.Embedding),
        }), transaction, cancellationToken: ct));
        await transaction.CommitAsync(ct);
        return true;
    }

    /// <inheritdoc />
    public async Task FailAsync(string documentId, string contentHash, string error, CancellationToken ct = default)
    {
        const string Sql = "update knowledge_documents set status = @Failed, error = @Error, updated_at = @Now, pending_text = null where id = @Id and content_hash = @Hash and status = @Indexing";
        await using var connection = await database.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(Sql, new
        {
            Id = documentId,
            Hash = contentHash,
            Error = error,
            Now = UnixTime.From(time.GetUtcNow()),
            Failed = KnowledgeStatuses.Failed,
            Indexing = KnowledgeStatuses.Indexing,
        }, cancellationToken: ct));
    }

    /// <inheritdoc />
    public async Task<bool> DeleteDocumentAsync(string baseId, string documentId, CancellationToken ct = default)
    {
        const string DocumentSql = "delete from knowledge_documents where id = @Id and base_id = @BaseId";
        const string ChunksSql = "delete from knowledge_chunks where document_id = @Id and base_id = @BaseId";
        await using var connection = await database.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var deleted = await connection.ExecuteAsync(new CommandDefinition(DocumentSql, new { Id = documentId, BaseId = baseId }, transaction, cancellationToken: ct)) == 1;
        await connection.ExecuteAsync(new CommandDefinition(ChunksSql, new { Id = documentId, BaseId = baseId }, transaction, cancellationToken: ct));
        await transaction.CommitAsync(ct);
        return deleted;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<KnowledgeChunk>> ChunksAsync(string baseId, CancellationToken ct = default)
    {
        const string Sql = """
            select d.source, c.ordinal, c.text, c.embedding
            from knowledge_chunks c join knowledge_documents d on d.id = c.document_id
            where c.base_id = @BaseId
            order by d.source, c.ordinal
            """;
        await using var connection = await database.OpenAsync(ct);
        var rows = await connection.QueryAsync<ChunkRow>(new CommandDefinition(Sql, new { BaseId = baseId }, cancellationToken: ct));
        return rows.Select(r => new KnowledgeChunk(r.Source, r.Ordinal, r.Text, ToFloats(r.Embedding))).ToArray();
    }

    internal static byte[] ToBytes(float[] vector)
    {
        var bytes = new byte[vector.Length * sizeof(float)];
        for (var i = 0; i < vector.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), vector[i]);
        return bytes;
    }

    internal static float[] ToFloats(byte[] bytes)
    {
        var vector = new float[bytes.Length / sizeof(float)];
        for (var i = 0; i < vector.Length; i++) vector[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * sizeof(float)));
        return vector;
    }

    private sealed class BaseRow
    {
        public string Id { get; init; } = "";

        public string Name { get; init; } = "";

        public string? Model { get; init; }

        public string Workspace { get; init; } = Workspaces.WorkspaceIds.Default;

        public long CreatedAt { get; init; }

        public long UpdatedAt { get; init; }

        public KnowledgeBase ToBase() => new(Id, Name, Model, UnixTime.To(CreatedAt), UnixTime.To(UpdatedAt)) { Workspace = Workspace };
    }

    private sealed class DocumentRow
    {
        public string Id { get; init; } = "";

        public string BaseId { get; init; } = "";

        public string Source { get; init; } = "";

        public string ContentHash { get; init; } = "";

        public string Status { get; init; } = "";

        public string? Error { get; init; }

        public int ChunksDone { get; init; }

        public int ChunksTotal { get; init; }

        public int ChunkCount { get; init; }

        public long AddedAt { get; init; }

        public long UpdatedAt { get; init; }

        public string? PendingText { get; init; }

        public KnowledgeDocument ToDocument() => new()
        {
            Id = Id,
            BaseId = BaseId,
            Source = Source,
            ContentHash = ContentHash,
            Status = Status,
            Error = Error,
            ChunksDone = ChunksDone,
            ChunksTotal = ChunksTotal,
            ChunkCount = ChunkCount,
            AddedAt = UnixTime.To(AddedAt),
            UpdatedAt = UnixTime.To(UpdatedAt),
        };
    }

    private sealed class ChunkRow
    {
        public string Source { get; init; } = "";

        public int Ordinal { get; init; }

        public string Text { get; init; } = "";

        public byte[] Embedding { get; init; } = [];
    }
}
