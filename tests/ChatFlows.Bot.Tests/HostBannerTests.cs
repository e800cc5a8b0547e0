using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;

namespace ChatFlows.Bot.Tests;

/// <summary>The real <c>chatflows</c> process tells the person who started it where its pages are, and they are there.</summary>
public sealed partial class HostBannerTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("chatflows-banner-").FullName;

    [Fact]
    public async Task Start_NewHost_PrintsTheAddressesOfPagesThatAreServed()
    {
        using var host = HostProcess.Start(_folder, new Dictionary<string, string>
        {
            ["ChatFlows:Storage:ConnectionString"] = $"Data Source={Path.Combine(_folder, "chatflows.db")}",
        });

        var clock = Stopwatch.StartNew();
        Match printed;
        while (!(printed = PlaygroundLine().Match(host.Output)).Success)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"No Playground address printed:\n{host.Output}");
            await Task.Delay(100);
        }

        using var client = new HttpClient();
        var pages = PageLine().Matches(host.Output).Select(m => m.Groups[2].Value).ToArray();
        Assert.Equal(["Dashboard", "Playground", "Runs"], PageLine().Matches(host.Output).Select(m => m.Groups[1].Value));
        foreach (var address in pages)
        {
            using var page = await client.GetAsync(address);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains("<title>", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.Contains("/run standup-digest", host.Output, StringComparison.Ordinal);
        Assert.Matches($@"(?m)^\s+Database:\s+SQLite at {Regex.Escape(Path.Combine(_folder, "chatflows.db"))}$", host.Output);

        // Started in a folder without appsettings.json (like the repository root), the host reads its own: the sample
        // connection it configures is there, and the sample that writes orders with it was added.
        var dashboard = new Uri(pages[0]);
        var connections = await client.GetStringAsync(new Uri(dashboard, "/api/connections"));
        var workflows = await client.GetStringAsync(new Uri(dashboard, "/api/workflows"));
        Assert.Contains("\"orders-db\"", connections, StringComparison.Ordinal);
        Assert.Contains("\"approved-orders\"", workflows, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        TestFolder.Delete(_folder);
    }

    [GeneratedRegex(@"Playground:\s+(http://127\.0\.0\.1:\d+/playground)")]
    private static partial Regex PlaygroundLine();

    // "  Dashboard:   http://127.0.0.1:5123/   (…)": the pages a person opens in a browser.
    [GeneratedRegex(@"^\s+(Dashboard|Playground|Runs):\s+(http://127\.0\.0\.1:\d+/\S*)", RegexOptions.Multiline)]
    private static partial Regex PageLine();
}
