using System.Net;
using System.Text;
using System.Text.Json;
using ChatFlows.Core.Cluster;
using ChatFlows.Core.Running;
using ChatFlows.Core.Storage.Postgres;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ChatFlows.Bot.Tests.Cluster;

/// <summary>
/// One instance of a cluster: the real host on Kestrel at a free loopback port, its store on the database file it
/// shares with the other instances, and its bus on a real PostgreSQL server. Polling is set far beyond any test's
/// patience, so only a notice explains what another instance does in time. With <c>executesRuns: false</c> it serves
/// requests but executes no run, as a web-only instance would.
/// </summary>
internal sealed class ClusterHost : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly WebApplicationFactory<Program> _factory;

    private ClusterHost(string name, string folder, string postgres, bool executesRuns)
    {
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder => builder
            .UseSetting("urls", "http://127.0.0.1:0")
            .UseSetting("ChatFlows:Storage:ConnectionString", $"Data Source={Path.Combine(folder, "chatflows.db")}")
            .UseSetting("ChatFlows:Storage:KeysDirectory", Path.Combine(folder, "keys"))
            .UseSetting("ChatFlows:Runs:InstanceId", name)
            .UseSetting("ChatFlows:Runs:PollInterval", "00:10:00")
            .UseSetting("ChatFlows:Runs:LeaseDuration", "00:10:00")
            .ConfigureTestServices(services =>
            {
                services.AddSingleton(new PostgresDatabase(postgres));
                services.AddSingleton<IClusterBus>(sp => new PostgresClusterBus(
                    sp.GetRequiredService<PostgresDatabase>(), ClusterInstance.Name(sp.GetRequiredService<IOptions<RunWorkerOptions>>().Value.InstanceId)));
                if (!executesRuns)
                {
                    var worker = services.Single(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType?.Name == "RunWorkerService");
                    services.Remove(worker);
                }
            }));
        _factory.UseKestrel(0);
        _factory.StartServer();
        Client = new HttpClient { BaseAddress = _factory.ClientOptions.BaseAddress, Timeout = Patience };
    }

    public HttpClient Client { get; }

    public IServiceProvider Services => _factory.Services;

    /// <summary>Starts an instance over <paramref name="folder"/>'s database once its bus listens.</summary>
    public static async Task<ClusterHost> StartAsync(string name, string folder, string postgres, bool executesRuns = true)
    {
        var host = new ClusterHost(name, folder, postgres, executesRuns);
        await ((PostgresClusterBus)host.Services.GetRequiredService<IClusterBus>()).Listening.WaitAsync(Patience);
        return host;
    }

    public async Task<JsonElement> SendAsync(HttpMethod method, string path, string? json, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await Client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{method} {path}: {(int)response.StatusCode} {body}");
        return JsonElement.Parse(body.Length == 0 ? "null" : body);
    }

    /// <summary>Reads server-sent events from <paramref name="path"/> until <paramref name="enough"/> says so or the stream ends; <paramref name="connected"/> runs once the headers are in.</summary>
    public async Task<IReadOnlyList<ServerSentEvent>> ReadEventsAsync(string path, Func<Task> connected, Func<ServerSentEvent, bool> enough)
    {
        using var timeout = new CancellationTokenSource(Patience);
        using var response = await Client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await connected();
        await using var stream = await response.Content.ReadAsStreamAsync(timeout.Token);
        using var reader = new StreamReader(stream);
        var events = new List<ServerSentEvent>();
        string? type = null;
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal)) type = line["event: ".Length..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                events.Add(new ServerSentEvent(type!, JsonElement.Parse(line["data: ".Length..])));
                if (enough(events[^1])) break;
            }
        }
        return events;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _factory.DisposeAsync();
    }
}
