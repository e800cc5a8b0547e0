using ChatFlows.Core.Storage;

namespace ChatFlows.Core.Tests.Storage;

/// <summary>The workflow store compliance cases on a SQLite file.</summary>
public sealed class SqliteWorkflowStoreTests : WorkflowStoreCompliance
{
    private TestDatabase _db = null!;

    protected override Task<IWorkflowStore> OpenAsync()
    {
        _db = new TestDatabase();
        return Task.FromResult<IWorkflowStore>(new SqliteWorkflowStore(_db.Database, Time));
    }

    protected override Task CloseAsync()
    {
        _db.Dispose();
        return Task.CompletedTask;
    }
}
