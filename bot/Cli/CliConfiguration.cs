namespace ChatFlows.Bot.Cli;

/// <summary>The host's settings for the CLI: appsettings.json beside the executable, then environment variables.</summary>
internal static class CliConfiguration
{
    public static IConfiguration Build() => new ConfigurationBuilder()
        .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
        .AddEnvironmentVariables()
        .Build();
}
