using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;

namespace ChatFlows.Bot.Hosting;

/// <summary>Where the host's own <c>appsettings.json</c> comes from when it is not started in the bot's folder.</summary>
internal static class HostSettings
{
    private const string FileName = "appsettings.json";

    /// <summary>
    /// The host's arguments, with its settings files read once at start-up rather than watched: no setting is re-read
    /// while the host runs, and a watch on the content root made a thread wake for every write of the database beneath
    /// it (<c>./data/chatflows.db</c>), 7 % of the host's CPU under webhook load (bench/README.md). An argument given on
    /// the command line still wins.
    /// </summary>
    public static string[] Arguments(string[] args) => ["--hostBuilder:reloadConfigOnChange=false", .. args.SkipWhile(a => a == "serve")];

    /// <summary>
    /// When the content root (the working directory) has no <c>appsettings.json</c>, reads the one beside the
    /// executable instead, at the same place among the sources: environment variables and the command line still win.
    /// </summary>
    public static void ReadOwnSettingsWhenMissing(WebApplicationBuilder builder)
    {
        if (File.Exists(Path.Combine(builder.Environment.ContentRootPath, FileName))) return;
        if (!File.Exists(Path.Combine(AppContext.BaseDirectory, FileName))) return;
        var sources = builder.Configuration.Sources;
        var at = sources.Select((source, index) => (source, index))
            .FirstOrDefault(p => p.source is JsonConfigurationSource { Path: FileName }).index;
        sources.Insert(at, new JsonConfigurationSource
        {
            Path = FileName,
            Optional = true,
            ReloadOnChange = false,
            FileProvider = new PhysicalFileProvider(AppContext.BaseDirectory),
        });
    }
}
