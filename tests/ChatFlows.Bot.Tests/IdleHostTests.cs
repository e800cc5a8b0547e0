using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using ChatFlows.Bot.Webhooks;
using Microsoft.Data.Sqlite;

namespace ChatFlows.Bot.Tests;

/// <summary>
/// The real <c>chatflows</c> process on SQLite with sign-in off, after it has served a webhook run, a canvas page and
/// an API list, has not loaded the parts it does not use (README §Memory): what a process has loaded is what
/// <c>/proc/&lt;pid&gt;/maps</c> lists, as the memory bench reads it (Linux, as CI is); its Data Protection key ring
/// is made when something is first protected, not at start-up.
/// </summary>
public sealed partial class IdleHostTests : IDisposable
{
    private const string HookSecret = "idle-host";
    private readonly string _folder = Directory.CreateTempSubdirectory("chatflows-idle-").FullName;

    [Fact]
    public async Task IdleHost_SqliteWithoutSignIn_HasNotLoadedNpgsqlOpenIdConnectOrItsKeyRing()
    {
        var keys = Path.Combine(_folder, "keys");
        using var host = HostProcess.Start(_folder, new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["ChatFlows:Storage:Provider"] = "sqlite",
            ["ChatFlows:Storage:ConnectionString"] = $"Data Source={Path.Combine(_folder, "chatflows.db")}",
            ["ChatFlows:Storage:KeysDirectory"] = keys,
            ["ChatFlows:Secrets:ORDER_HOOK"] = HookSecret,
        });
        using var client = new HttpClient { BaseAddress = await AddressAsync(host) };

        var order = Encoding.UTF8.GetBytes("""{"orderId": "A-17", "quantity": 12, "packSize": 5}""");
        using var hook = new HttpRequestMessage(HttpMethod.Post, "hooks/order-webhook") { Content = new ByteArrayContent(order) };
        hook.Content.Headers.ContentType = new("application/json");
        hook.Headers.Add(WebhookSignature.Header, WebhookSignature.Sign(HookSecret, order));
        using (var answer = await client.SendAsync(hook)) Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        using (var page = await client.GetAsync("")) Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        using (var list = await client.GetAsync("api/workflows")) Assert.Equal(HttpStatusCode.OK, list.StatusCode);

        var loaded = File.ReadLines($"/proc/{host.Id}/maps").Select(line => Path.GetFileName(line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Last())).ToHashSet();
        // The host has loaded its application's assemblies from the same folder, so the file names are comparable.
        Assert.Contains("ChatFlows.Core.dll", loaded);
        Assert.DoesNotContain("Npgsql.dll", loaded);
        Assert.DoesNotContain("Microsoft.AspNetCore.Authentication.OpenIdConnect.dll", loaded);
        Assert.Empty(KeyFiles(keys));
        // Settings files are read once: no watch on the folder the host was started in, where its database is written
        // (a watch there woke a thread for every write).
        Assert.DoesNotContain(Inode(_folder), WatchedInodes(host.Id));

        // The first secret saved is the first thing protected: the key is made then, and the secret is kept.
        using (var saved = await client.PutAsync("api/secrets/DEPLOY_TOKEN", new StringContent("""{"value": "s3cret"}""", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.Created, saved.StatusCode);
        }
        Assert.Single(KeyFiles(keys));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        TestFolder.Delete(_folder);
    }

    // The inodes of the folders the process watches with inotify (from /proc/<pid>/fdinfo), in hex as the kernel prints them.
    private static HashSet<string> WatchedInodes(int pid) =>
        Directory.GetFiles($"/proc/{pid}/fdinfo")
            .SelectMany(info => File.Exists(info) ? File.ReadLines(info) : [])
            .Where(line => line.StartsWith("inotify wd:", StringComparison.Ordinal))
            .Select(line => InotifyInode().Match(line).Groups[1].Value)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);

    private static string Inode(string path)
    {
        using var stat = Process.Start(new ProcessStartInfo("stat", ["-c", "%i", path]) { RedirectStandardOutput = true })!;
        stat.WaitForExit();
        return long.Parse(stat.StandardOutput.ReadToEnd().Trim(), System.Globalization.CultureInfo.InvariantCulture).ToString("x", System.Globalization.CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"\bino:([0-9a-f]+)")]
    private static partial Regex InotifyInode();

    private static string[] KeyFiles(string folder) => Directory.Exists(folder) ? Directory.GetFiles(folder, "key-*.xml") : [];

    // The address the host prints once it listens (it was started on a free port).
    private static async Task<Uri> AddressAsync(HostProcess host)
    {
        var clock = Stopwatch.StartNew();
        Match printed;
        while (!(printed = DashboardLine().Match(host.Output)).Success)
        {
            Assert.False(host.HasExited, $"The host stopped:\n{host.Output}");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"No address printed:\n{host.Output}");
            await Task.Delay(100);
        }
        return new Uri(printed.Groups[1].Value);
    }

    [GeneratedRegex(@"Dashboard:\s+(http://127\.0\.0\.1:\d+/)")]
    private static partial Regex DashboardLine();
}
