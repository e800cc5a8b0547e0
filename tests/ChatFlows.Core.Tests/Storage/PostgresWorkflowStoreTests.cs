using ChatFlows.Core.Storage;
using ChatFlows.Core.Storage.Postgres;
using ChatFlows.Core.Tests.Fixtures;

namespace ChatFlows.Core.Tests.Storage;

/// <summary>The workflow store compliance cases on a PostgreSQL database.</summary>
public sealed class PostgresWorkflowStoreTests : WorkflowStoreCompliance
{
    private PostgresDatabase _database = null!;

    protected override async Task<IWorkflowStore> OpenAsync()
    {
        _database = new PostgresDatabase(await TestDatabases.CreatePostgresAsync());
        _database.Migrate();
        return new PostgresWorkflowStore(_database, Time);
    }

    protected override async Task CloseAsync() => await _database.DisposeAsync();
}
