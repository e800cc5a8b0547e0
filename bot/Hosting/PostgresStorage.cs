using System.Runtime.CompilerServices;
using ChatFlows.Core.Cluster;
using ChatFlows.Core.Storage;
using ChatFlows.Core.Storage.Postgres;

namespace ChatFlows.Bot.Hosting;

/// <summary>
/// The PostgreSQL side of <see cref="StorageServiceCollectionExtensions.AddStorage"/>: the only code of the host's
/// start that names a PostgreSQL type. Its methods are called only when the provider is PostgreSQL and never inlined,
/// so that a host on SQLite never loads Npgsql (README §Memory).
/// </summary>
internal static class PostgresStorage
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static StoreDatabase Database(string connectionString, IServiceProvider services) =>
        new PostgresDatabase(connectionString, services.GetRequiredService<ILogger<PostgresDatabase>>());

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static IClusterBus ClusterBus(StoreDatabase database, string instanceId, IServiceProvider services) =>
        new PostgresClusterBus((PostgresDatabase)database, instanceId, services.GetRequiredService<TimeProvider>(), services.GetRequiredService<ILogger<PostgresClusterBus>>());

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static IRunStore RunStore(StoreDatabase database, IServiceProvider services) =>
        new PostgresRunStore((PostgresDatabase)database, services.GetRequiredService<TimeProvider>(), services.GetRequiredService<ILogger<PostgresRunStore>>());

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static IWorkflowStore WorkflowStore(StoreDatabase database, TimeProvider time) => new PostgresWorkflowStore((PostgresDatabase)database, time);
}
