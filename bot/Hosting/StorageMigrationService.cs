using ChatFlows.Core.Storage;

namespace ChatFlows.Bot.Hosting;

/// <summary>Brings the database schema up to date before anything else starts.</summary>
internal sealed class StorageMigrationService(SqliteDatabase database, ILogger<StorageMigrationService> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        database.Migrate();
        logger.LogInformation("Storage: SQLite at {Path}", database.FilePath);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
