namespace ChatFlows.Bot.Tests.Audit;

/// <summary>README §Audit log: the real <c>chatflows</c> process refuses an audit retention shorter than run retention, in one line.</summary>
public sealed class AuditRetentionSettingsTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private readonly string _folder = Directory.CreateTempSubdirectory("chatflows-audit-settings-").FullName;

    public void Dispose() => TestFolder.Delete(_folder);

    [Fact]
    public async Task Start_AuditKeptShorterThanRuns_PrintsOneLineNamingBothSettings()
    {
        using var host = HostProcess.Start(_folder, new Dictionary<string, string>
        {
            ["ChatFlows:Storage:ConnectionString"] = $"Data Source={Path.Combine(_folder, "chatflows.db")}",
            ["ChatFlows:Storage:KeysDirectory"] = Path.Combine(_folder, "keys"),
            ["ChatFlows:Runs:RetainFor"] = "90.00:00:00",
            ["ChatFlows:Audit:RetainFor"] = "30.00:00:00",
        }, "http://127.0.0.1:0");

        var exitCode = await host.WaitForExitAsync(Patience);

        Assert.NotEqual(0, exitCode);
        var lines = host.Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(
            "chatflows: a setting is wrong: ChatFlows:Audit:RetainFor (30.00:00:00) is shorter than ChatFlows:Runs:RetainFor (90.00:00:00); " +
            "the audit log must keep its entries at least as long as runs: raise it or shorten run retention. Fix it in appsettings.json, an environment variable or the command line.",
            Assert.Single(lines));
    }
}
