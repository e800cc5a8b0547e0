using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;
using ChatFlows.Core.Storage;
using Dapper;

namespace ChatFlows.Core.Workspaces;

/// <summary>
/// Workspaces in the database (SQLite or PostgreSQL, one SQL text for both; README §Workspaces and roles): one row per
/// workspace, its policy and channels as JSON. The migration creates <see cref="WorkspaceIds.Default"/>.
/// </summary>
/// <remarks>
/// A workspace read is kept for <see cref="CacheFor"/>: every node run checks its workspace's policy, and a database
/// read per node would cost more than most nodes. A change made here is seen at once; one made by another instance
/// sharing the database, within <see cref="CacheFor"/>.
/// </remarks>
public sealed class DatabaseWorkspaceStore(StoreDatabase database, TimeProvider? time = null) : IWorkspaceStore
{
    /// <summary>How long a workspace read is reused.</summary>
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(1);

    private const string Columns = "id, name, policy, channels, created_at";

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    // The answer itself is kept, so that a read from the cache allocates nothing (every node run asks).
    private readonly ConcurrentDictionary<string, (Task<Workspace?> Answer, long ReadAt)> _cache = new(StringComparer.Ordinal);
    private long _changes;

    // A list left out allows everything of its kind, so only the lists that restrict something are written.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <inheritdoc />
    public async Task<IReadOnlyList<Workspace>> ListAsync(CancellationToken ct = default)
    {
        const string Sql = $"select {Columns} from workspaces order by id";
        await using var connection = await database.OpenAsync(ct);
        var rows = await connection.QueryAsync<WorkspaceRow>(new CommandDefinition(Sql, cancellationToken: ct));
        return rows.Select(r => r.ToWorkspace()).ToArray();
    }

    /// <inheritdoc />
    public Task<Workspace?> GetAsync(string id, CancellationToken ct = default) =>
        _cache.TryGetValue(id, out var cached) && _time.GetElapsedTime(cached.ReadAt) < CacheFor ? cached.Answer : ReadAsync(id, ct);

    private async Task<Workspace?> ReadAsync(string id, CancellationToken ct)
    {
        const string Sql = $"select {Columns} from workspaces where id = @Id";
        var changes = Interlocked.Read(ref _changes);
        var readAt = _time.GetTimestamp();
        await using var connection = await database.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<WorkspaceRow>(new CommandDefinition(Sql, new { Id = id }, cancellationToken: ct));
        var workspace = row?.ToWorkspace();
        // Kept only if nothing was changed here meanwhile, which could have made it stale.
        if (workspace is not null && Interlocked.Read(ref _changes) == changes) _cache[id] = (Task.FromResult<Workspace?>(workspace), readAt);
        return workspace;
    }

    /// <inheritdoc />
    public async Task<bool> CreateAsync(Workspace workspace, CancellationToken ct = default)
    {
        const string Sql = $"insert into workspaces ({Columns}) values (@Id, @Name, @Policy, @Channels, @CreatedAt) on conflict (id) do nothing";
        await using var connection = await database.OpenAsync(ct);
        try
        {
            return await connection.ExecuteAsync(new CommandDefinition(Sql, WorkspaceRow.From(workspace), cancellationToken: ct)) == 1;
        }
        finally
        {
            Forget(workspace.Id);
        }
    }

    /// <inheritdoc />
    public async Task<bool> UpdateAsync(Workspace workspace, CancellationToken ct = default)
    {
        const string Sql = "update workspaces set name = @Name, policy = @Policy, channels = @Channels where id = @Id";
        await using var connection = await database.OpenAsync(ct);
        try
        {
            return await connection.ExecuteAsync(new CommandDefinition(Sql, WorkspaceRow.From(workspace), cancellationToken: ct)) == 1;
        }
        finally
        {
            Forget(workspace.Id);
        }
    }

    private void Forget(string id)
    {
        Interlocked.Increment(ref _changes);
        _cache.TryRemove(id, out _);
    }

    private sealed class WorkspaceRow
    {
        public string Id { get; init; } = "";

        public string Name { get; init; } = "";

        public string Policy { get; init; } = "{}";

        public string Channels { get; init; } = "[]";

        public long CreatedAt { get; init; }

        public static WorkspaceRow From(Workspace workspace) => new()
        {
            Id = workspace.Id,
            Name = workspace.Name,
            Policy = JsonSerializer.Serialize(workspace.Policy, Json),
            Channels = JsonSerializer.Serialize(workspace.Channels, Json),
            CreatedAt = UnixTime.From(workspace.CreatedAt),
        };

        public Workspace ToWorkspace() => new(
            Id,
            Name,
            JsonSerializer.Deserialize<WorkspacePolicy>(Policy, Json) ?? WorkspacePolicy.Open,
            JsonSerializer.Deserialize<string[]>(Channels, Json) ?? [],
            UnixTime.To(CreatedAt));
    }
}
