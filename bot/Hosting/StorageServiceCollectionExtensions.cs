using ChatFlows.Core.Agents;
using ChatFlows.Core.Cluster;
using ChatFlows.Core.Connections;
using ChatFlows.Core.Messaging;
using ChatFlows.Core.Running;
using ChatFlows.Core.Storage;
using ChatFlows.Core.Widgets;
using ChatFlows.Core.Workspaces;
using Microsoft.Extensions.Options;

namespace ChatFlows.Bot.Hosting;

/// <summary>
/// The one place the storage provider is chosen (<c>ChatFlows:Storage:Provider</c>, README §Running several
/// instances): the database, every store over it, and the bus instances tell each other things on.
/// </summary>
public static class StorageServiceCollectionExtensions
{
    /// <summary>Registers the database and stores of the configured provider; the schema is migrated at start-up (<see cref="StorageMigrationService"/>).</summary>
    public static IServiceCollection AddStorage(this IServiceCollection services)
    {
        services.AddOptions<StorageOptions>().BindConfiguration("ChatFlows:Storage").ValidateDataAnnotations().ValidateOnStart();
        // Every PostgreSQL type is named in PostgresStorage alone, called only on PostgreSQL: on SQLite the JIT never
        // compiles code that names one, so Npgsql is never loaded (README §Memory).
        services.AddSingleton<StoreDatabase>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            return options.StorageProvider == StorageProvider.Postgres
                ? PostgresStorage.Database(options.ConnectionString, sp)
                : new SqliteDatabase(options.ConnectionString, sp.GetRequiredService<ILogger<SqliteDatabase>>());
        });
        // One name per process, for its run leases and the notices it signs.
        services.AddSingleton<IClusterBus>(sp =>
        {
            var instanceId = ClusterInstance.Name(sp.GetRequiredService<IOptions<RunWorkerOptions>>().Value.InstanceId);
            var database = sp.GetRequiredService<StoreDatabase>();
            return database.Provider == StorageProvider.Postgres ? PostgresStorage.ClusterBus(database, instanceId, sp) : new LocalClusterBus(instanceId);
        });
        services.AddSingleton<ClusterRunEvents>();
        services.AddHostedService<ClusterRunEventsService>();

        // The run and workflow stores share one relational core; only claims and list parameters differ by dialect.
        services.AddSingleton<IRunStore>(sp =>
        {
            var database = sp.GetRequiredService<StoreDatabase>();
            return database.Provider == StorageProvider.Postgres
                ? PostgresStorage.RunStore(database, sp)
                : new SqliteRunStore((SqliteDatabase)database, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<SqliteRunStore>>());
        });
        // Saves reach every instance: when the bus is shared, the store tells the others and hears from them.
        services.AddSingleton<IWorkflowStore>(sp =>
        {
            var time = sp.GetRequiredService<TimeProvider>();
            var database = sp.GetRequiredService<StoreDatabase>();
            var store = database.Provider == StorageProvider.Postgres
                ? PostgresStorage.WorkflowStore(database, time)
                : new SqliteWorkflowStore((SqliteDatabase)database, time);
            var bus = sp.GetRequiredService<IClusterBus>();
            return bus.IsShared ? new ClusteredWorkflowStore(store, bus) : store;
        });
        // The other stores' SQL is the same on both databases.
        services.AddSingleton<IAgentStore, DatabaseAgentStore>();
        services.AddSingleton<IChatCardStore, DatabaseChatCardStore>();
        services.AddSingleton<IConnectionStore, DatabaseConnectionStore>();
        services.AddSingleton<IWidgetStore, DatabaseWidgetStore>();
        services.AddSingleton<IWorkspaceGrants, DatabaseWorkspaceGrants>();
        // The bot's own tables (Slack, Teams, Playground, samples, key ring), migrated after core's.
        services.AddSingleton(BotMigrations.Area);
        return services;
    }
}
