using System.Net;
using System.Text.Json;
using ChatFlows.Core.Tests.Fixtures;
using Microsoft.Data.Sqlite;

namespace ChatFlows.Bot.Tests.Cluster;

/// <summary>Two real hosts sharing one database and telling each other through a real PostgreSQL server.</summary>
public sealed class ClusterHostTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("chatflows-cluster-").FullName;
    private readonly List<ClusterHost> _hosts = [];
    private string _postgres = "";

    public async Task InitializeAsync() => _postgres = await TestDatabases.CreatePostgresAsync();

    public async Task DisposeAsync()
    {
        foreach (var host in _hosts) await host.DisposeAsync();
        SqliteConnection.ClearAllPools();
        TestFolder.Delete(_folder);
    }

    private async Task<ClusterHost> StartAsync(string name, bool executesRuns = true)
    {
        var host = await ClusterHost.StartAsync(name, _folder, _postgres, executesRuns);
        _hosts.Add(host);
        return host;
    }

    [Fact]
    public async Task PlaygroundEvents_MessagePostedOnB_ShowsOnAPageServedByA()
    {
        var a = await StartAsync("a");
        var b = await StartAsync("b");
        await b.SendAsync(HttpMethod.Post, "/playground/api/channels", """{"name": "ops"}""", HttpStatusCode.Created);

        var events = await a.ReadEventsAsync(
            "/playground/api/events",
            () => b.SendAsync(HttpMethod.Post, "/playground/api/channels/ops/messages", """{"user": "ada", "text": "hello from b"}""", HttpStatusCode.Created),
            e => e.Type == "message.created");

        var created = Assert.Single(events);
        Assert.Equal("hello from b", created.Data.GetProperty("text").GetString());
        Assert.Equal("ops", created.Data.GetProperty("channel").GetString());
    }

    [Fact]
    public async Task PlaygroundEvents_MessageTooLargeForANotice_ShowsWholeOnAPageServedByA()
    {
        var a = await StartAsync("a");
        var b = await StartAsync("b");
        await b.SendAsync(HttpMethod.Post, "/playground/api/channels", """{"name": "long"}""", HttpStatusCode.Created);
        // 4,000 characters of two bytes each: over a notice's limit, so the other instance reads it back.
        var text = new string('é', 4000);

        var events = await a.ReadEventsAsync(
            "/playground/api/events",
            () => b.SendAsync(HttpMethod.Post, "/playground/api/channels/long/messages", JsonSerializer.Serialize(new { user = "ada", text }), HttpStatusCode.Created),
            e => e.Type == "message.created");

        Assert.Equal(text, Assert.Single(events).Data.GetProperty("text").GetString());
    }

    [Fact]
    public async Task RunEvents_DecidedOnAWhileTheRunWaitsOnB_BResumesItAndAsStreamSeesItEnd()
    {
        var a = await StartAsync("a", executesRuns: false);
        var b = await StartAsync("b");
        await a.SendAsync(HttpMethod.Post, "/api/workflows", """
            {
              "id": "cluster-approval",
              "nodes": [
                {"id": "play", "type": "trigger", "config": {"kind": "manual"}},
                {"id": "ok", "type": "approval", "config": {"prompt": "Ship?", "approvers": ["anyone"]}},
                {"id": "yes", "type": "tool", "config": {"tool": "transform", "value": "shipped by {{ data.ok.by }}"}}
              ],
              "edges": [{"from": "play", "to": "ok"}, {"from": "ok", "port": "approved", "to": "yes"}]
            }
            """, HttpStatusCode.Created);
        var runId = (await b.SendAsync(HttpMethod.Post, "/api/workflows/cluster-approval/runs", "{}", HttpStatusCode.Accepted)).GetProperty("runId").GetString();
        await WaitForStatusAsync(b, runId!, "waiting");

        var events = await a.ReadEventsAsync(
            $"/api/runs/{runId}/events",
            () => a.SendAsync(HttpMethod.Post, $"/api/runs/{runId}/decisions", """{"decision": "approve"}""", HttpStatusCode.Accepted),
            e => e.Type == "run.finished");

        Assert.Contains(events, e => e.Type == "node.finished" && e.NodeId == "yes");
        Assert.Equal("succeeded", events[^1].Data.GetProperty("status").GetString());
        var run = await a.SendAsync(HttpMethod.Get, $"/api/runs/{runId}", null, HttpStatusCode.OK);
        Assert.Equal("shipped by local", run.GetProperty("data").GetProperty("yes").GetString());
    }

    private static async Task WaitForStatusAsync(ClusterHost host, string runId, string status)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while ((await host.SendAsync(HttpMethod.Get, $"/api/runs/{runId}", null, HttpStatusCode.OK)).GetProperty("status").GetString() != status)
        {
            await Task.Delay(50, deadline.Token);
        }
    }
}
