using ChatFlows.Core.Agents;
using ChatFlows.Core.Cluster;
using ChatFlows.Core.Connections;
using ChatFlows.Core.Messaging;
using ChatFlows.Core.Running;
using ChatFlows.Core.Storage;
using ChatFlows.Core.Storage.Postgres;
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
        services.AddSingleton<StoreDatabase>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            return options.StorageProvider switch
            {
                StorageProvider.Postgres => new PostgresDatabase(options.ConnectionString, sp.GetRequiredService<ILogger<PostgresDatabase>>()),
                _ => new SqliteDatabase(options.ConnectionString, sp.GetRequiredService<ILogger<SqliteDatabase>>()),
            };
        });
        // Stores written for SQLite alone take the SQLite database directly until they share the neutral core.
        services.AddSingleton(sp => sp.GetRequiredService<StoreDatabase>() as SqliteDatabase
            ?? throw new InvalidOperationException("This store is not available on PostgreSQL yet."));
        // One name per process, for its run leases and the notices it signs.
        services.AddSingleton<IClusterBus>(sp =>
        {
            var instanceId = ClusterInstance.Name(sp.GetRequiredService<IOptions<RunWorkerOptions>>().Value.InstanceId);
            return sp.GetRequiredService<StoreDatabase>() is PostgresDatabase postgres
                ? new PostgresClusterBus(postgres, instanceId, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<PostgresClusterBus>>())
                : new LocalClusterBus(instanceId);
        });
        services.AddSingleton<ClusterRunEvents>();
        services.AddHostedService<ClusterRunEventsService>();
        services.AddSingleton<IWorkflowStore>(sp => sp.GetRequiredService<StoreDatabase>() switch
        {
            PostgresDatabase postgres => new PostgresWorkflowStore(postgres, sp.GetRequiredService<TimeProvider>()),
            var database => new SqliteWorkflowStore((SqliteDatabase)database, sp.GetRequiredService<TimeProvider>()),
        });
        services.AddSingleton<IRunStore>(sp => sp.GetRequiredService<StoreDatabase>() switch
        {
            PostgresDatabase postgres => new PostgresRunStore(postgres, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<PostgresRunStore>>()),
            var database => new SqliteRunStore((SqliteDatabase)database, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<SqliteRunStore>>()),
        });
        services.AddSingleton<IAgentStore, DatabaseAgentStore>();
        services.AddSingleton<IChatCardStore, DatabaseChatCardStore>();
        services.AddSingleton<IConnectionStore, DatabaseConnectionStore>();
        // The bot's own tables (Slack, Teams, Playground, samples, key ring), migrated after core's.
        services.AddSingleton(BotMigrations.Area);
        SharedWithEveryInstance(services);
        return services;
    }

    // Saves reach every instance: whatever store is registered for workflows is wrapped, when the bus is shared, in
    // one that tells the others and hears from them (README §Running several instances).
    private static void SharedWithEveryInstance(IServiceCollection services)
    {
        var registered = services.Last(d => d.ServiceType == typeof(IWorkflowStore));
        services.Remove(registered);
        services.AddSingleton<IWorkflowStore>(sp =>
        {
            var store = (IWorkflowStore)(registered.ImplementationInstance
                ?? registered.ImplementationFactory?.Invoke(sp)
                ?? ActivatorUtilities.CreateInstance(sp, registered.ImplementationType!));
            var bus = sp.GetRequiredService<IClusterBus>();
            return bus.IsShared ? new ClusteredWorkflowStore(store, bus) : store;
        });
    }
}
