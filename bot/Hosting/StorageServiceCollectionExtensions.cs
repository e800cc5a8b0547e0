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
        services.AddSingleton<IClusterBus>(sp => new LocalClusterBus(sp.GetRequiredService<RunQueue>().Owner));
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
        return services;
    }
}
