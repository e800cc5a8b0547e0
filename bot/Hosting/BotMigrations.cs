using ChatFlows.Core.Storage;

namespace ChatFlows.Bot.Hosting;

/// <summary>
/// The bot's own tables, apart from core's: Slack's event ids, Teams' conversation references, the Playground, the
/// seeded samples and the Data Protection key ring. Scripts under <c>bot/Migrations/sqlite</c> and
/// <c>bot/Migrations/postgres</c>, applied at start-up after core's (<see cref="StorageMigrationService"/>).
/// </summary>
public static class BotMigrations
{
    /// <summary>The area, with its own journal table so that its script numbers are its own.</summary>
    public static MigrationArea Area { get; } = new("bot", typeof(BotMigrations).Assembly, "BotSchemaVersions");
}
