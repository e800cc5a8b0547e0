using System.Text.Json;
using ChatFlows.Core.Storage;
using Dapper;

namespace ChatFlows.Core.Agents;

/// <summary>Agents in the database (SQLite or PostgreSQL, one SQL text for both), one JSON document per agent beside its version.</summary>
public sealed class DatabaseAgentStore(StoreDatabase database, TimeProvider time) : IAgentStore
{
    private const string Columns = "document, version, workspace, created_at, updated_at";

    private static readonly JsonSerializerOptions DocumentJson = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    /// <inheritdoc />
    public async Task<AgentDefinition?> GetAsync(string id, CancellationToken ct = default)
    {
        const string Sql = $"select {Columns} from agents where id = @Id";
        await using var connection = await database.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<AgentRow>(new CommandDefinition(Sql, new { Id = id }, cancellationToken: ct));
        return row?.ToAgent();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<AgentDefinition>> ListAsync(CancellationToken ct = default)
    {
        const string Sql = $"select {Columns} from agents order by id";
        await using var connection = await database.OpenAsync(ct);
        var rows = await connection.QueryAsync<AgentRow>(new CommandDefinition(Sql, cancellationToken: ct));
        return rows.Select(r => r.ToAgent()).ToArray();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<AgentDefinition>> ListAsync(string workspace, CancellationToken ct = default)
    {
        const string Sql = $"select {Columns} from agents where workspace = @Workspace order by id";
        await using var connection = await database.OpenAsync(ct);
        var rows = await connection.QueryAsync<AgentRow>(new CommandDefinition(Sql, new { Workspace = workspace }, cancellationToken: ct));
        return rows.Select(r => r.ToAgent()).ToArray();
    }

    /// <inheritdoc />
    public async Task<AgentDefinition?> CreateAsync(AgentDefinition agent, CancellationToken ct = default)
    {
        const string Sql = "insert into agents (id, version, document, workspace, created_at, updated_at) values (@Id, 1, @Document, @Workspace, @Now, @Now) on conflict (id) do nothing";
        var now = UnixTime.Trim(time.GetUtcNow());
        var saved = agent with { Version = 1, CreatedAt = now, UpdatedAt = now };
        await using var connection = await database.OpenAsync(ct);
        var inserted = await connection.ExecuteAsync(new CommandDefinition(Sql, new { agent.Id, Document = Serialize(saved), agent.Workspace, Now = UnixTime.From(now) }, cancellationToken: ct));
        return inserted == 1 ? saved : null;
    }

    /// <inheritdoc />
    public async Task<AgentDefinition?> SaveAsync(AgentDefinition agent, int? expectedVersion, CancellationToken ct = default)
    {
        const string Sql = """
            update agents set version = version + 1, document = @Document, updated_at = @Now
            where id = @Id and workspace = @Workspace and (@Expected is null or version = @Expected)
            returning version, created_at
            """;
        var now = UnixTime.Trim(time.GetUtcNow());
        await using var connection = await database.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<(int Version, long CreatedAt)?>(new CommandDefinition(
            Sql, new { agent.Id, Document = Serialize(agent), agent.Workspace, Now = UnixTime.From(now), Expected = expectedVersion }, cancellationToken: ct));
        return row is { } saved ? agent with { Version = saved.Version, CreatedAt = UnixTime.To(saved.CreatedAt), UpdatedAt = now } : null;
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string id, CancellationToken ct = default)
    {
        const string Sql = "delete from agents where id = @Id";
        await using var connection = await database.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(Sql, new { Id = id }, cancellationToken: ct)) == 1;
    }

    // The version and dates live in their columns; the document holds what people edit.
    private static string Serialize(AgentDefinition agent) => JsonSerializer.Serialize(agent with { Version = 0, CreatedAt = default, UpdatedAt = default }, DocumentJson);

    private sealed class AgentRow
    {
        public string Document { get; init; } = "";

        public int Version { get; init; }

        public string Workspace { get; init; } = Workspaces.WorkspaceIds.Default;

        public long CreatedAt { get; init; }

        public long UpdatedAt { get; init; }

        public AgentDefinition ToAgent() => JsonSerializer.Deserialize<AgentDefinition>(Document, DocumentJson)! with
        {
            Version = Version,
            Workspace = Workspace,
            CreatedAt = UnixTime.To(CreatedAt),
            UpdatedAt = UnixTime.To(UpdatedAt),
        };
    }
}
