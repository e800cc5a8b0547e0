using ChatFlows.Core.Storage;

namespace ChatFlows.Bot.Hosting;

/// <summary>Brings the database schema up to date before anything else starts: core's tables, then each area's (the bot's chat adapters).</summary>
internal sealed class StorageMigrationService(StoreDatabase database, IEnumerable<MigrationArea> areas, ILogger<StorageMigrationService> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        database.Migrate(MigrationArea.Core);
        foreach (var area in areas) database.Migrate(area);
        logger.LogInformation("Storage: {Database}", database.Description);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
