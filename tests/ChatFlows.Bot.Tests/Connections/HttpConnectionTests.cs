using System.Net;
using System.Text.Json;
using ChatFlows.Core.Tests.Http;
using Microsoft.AspNetCore.Http;

namespace ChatFlows.Bot.Tests.Connections;

/// <summary>
/// README §Connections: <c>tool/http</c> with an http connection, through the real host against a local server: the
/// URL is resolved against the connection's BaseUrl and its headers are sent, while the header values appear nowhere
/// in the run's detail, its events or the host's logs.
/// </summary>
public sealed class HttpConnectionTests : IAsyncLifetime
{
    private const string ApiKey = "key-c4f19a7e3b62";
    private readonly LogCollector _logs = new();
    private readonly HostFixture _host;
    private HttpTestServer _server = null!;

    // Every level is logged, so that a header written at Trace would be caught too.
    public HttpConnectionTests() => _host = new(
        new Dictionary<string, string> { ["ChatFlows:Http:AllowedHosts:0"] = "127.0.0.1", ["Logging:LogLevel:Default"] = "Trace", ["Logging:LogLevel:Microsoft"] = "Trace" }, _logs);

    public async Task InitializeAsync()
    {
        _server = await HttpTestServer.StartAsync();
        await _host.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task HttpNode_WithConnection_SendsToBaseUrlWithItsHeadersAndNeverShowsTheirValues()
    {
        // The server echoes the key back, as a careless API might: the run must still not show it.
        _server.Map("/api/v1/items", (context, request) =>
        {
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync(JsonSerializer.Serialize(new { key = request.Header("X-Api-Key"), trace = request.Header("X-Trace") }));
        });
        await PutConnectionAsync("items-api", JsonSerializer.Serialize(new
        {
            type = "http",
            workflows = new[] { "conn-http" },
            settings = new { BaseUrl = _server.Url("/api/v1"), Headers = new Dictionary<string, string> { ["X-Api-Key"] = ApiKey, ["X-Trace"] = "from-connection" } },
        }));
        await _host.CreateWorkflowAsync("""
            {
              "id": "conn-http",
              "nodes": [
                {"id": "play", "type": "trigger", "config": {"kind": "manual"}},
                {"id": "call", "type": "tool", "config": {"tool": "http", "connection": "items-api", "url": "items?page={{ trigger.page }}",
                                                          "headers": {"X-Trace": "from-node"}}},
                {"id": "copy", "type": "tool", "config": {"tool": "transform", "value": "{{ data.call.key | upcase }}"}}
              ],
              "edges": [{"from": "play", "to": "call"}, {"from": "call", "to": "copy"}]
            }
            """);

        var runId = await _host.StartRunAsync("conn-http", """{"page": 2}""");
        var run = await _host.WaitForRunAsync(runId);
        var events = await _host.ReadEventsAsync(runId);

        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        var received = Assert.Single(_server.Received("/api/v1/items"));
        Assert.Equal("?page=2", received.Query);
        Assert.Equal(ApiKey, received.Header("X-Api-Key"));
        Assert.Equal("from-node", received.Header("X-Trace"));
        Assert.DoesNotContain(ApiKey, run.GetRawText(), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(events, e => e.Data.GetRawText().Contains(ApiKey, StringComparison.OrdinalIgnoreCase));
        Assert.Contains($"Run {runId} of conn-http succeeded", _logs.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(ApiKey, _logs.Text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task HttpNode_ConnectionUrlOnAnotherHost_FailsWithoutSendingTheHeaders()
    {
        _server.Map("/elsewhere", 200, "{}");
        await PutConnectionAsync("pinned-api", """
            {"type": "http", "workflows": ["*"], "settings": {"BaseUrl": "http://localhost:9/api/", "Headers": {"X-Api-Key": "pinned-key-0d3c"}}}
            """);
        await _host.CreateWorkflowAsync("""
            {
              "id": "conn-elsewhere",
              "nodes": [
                {"id": "play", "type": "trigger", "config": {"kind": "manual"}},
                {"id": "call", "type": "tool", "config": {"tool": "http", "connection": "pinned-api", "url": "ELSEWHERE"}}
              ],
              "edges": [{"from": "play", "to": "call"}]
            }
            """.Replace("ELSEWHERE", _server.Url("/elsewhere"), StringComparison.Ordinal));

        var run = await _host.WaitForRunAsync(await _host.StartRunAsync("conn-elsewhere"));

        Assert.Equal("failed", run.GetProperty("status").GetString());
        Assert.Contains("BaseUrl of connection 'pinned-api'", run.GetRawText(), StringComparison.Ordinal);
        Assert.Empty(_server.Received("/elsewhere"));
    }

    [Fact]
    public async Task HttpNode_RedirectedToAnotherOrigin_DropsTheConnectionsHeaders()
    {
        await using var other = await HttpTestServer.StartAsync();
        other.Map("/landing", 200, "{}");
        _server.Map("/base/jump", (context, _) =>
        {
            context.Response.StatusCode = StatusCodes.Status302Found;
            context.Response.Headers.Location = other.Url("/landing");
            return Task.CompletedTask;
        });
        await PutConnectionAsync("jumpy-api", JsonSerializer.Serialize(new
        {
            type = "http",
            workflows = new[] { "conn-jump" },
            settings = new { BaseUrl = _server.Url("/base/"), Headers = new Dictionary<string, string> { ["X-Api-Key"] = "jump-key-81d2" } },
        }));
        await _host.CreateWorkflowAsync("""
            {
              "id": "conn-jump",
              "nodes": [
                {"id": "play", "type": "trigger", "config": {"kind": "manual"}},
                {"id": "call", "type": "tool", "config": {"tool": "http", "connection": "jumpy-api", "url": "jump", "headers": {"X-Node": "kept"}}}
              ],
              "edges": [{"from": "play", "to": "call"}]
            }
            """);

        var run = await _host.WaitForRunAsync(await _host.StartRunAsync("conn-jump"));

        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        Assert.Equal("jump-key-81d2", Assert.Single(_server.Received("/base/jump")).Header("X-Api-Key"));
        var landed = Assert.Single(other.Received("/landing"));
        Assert.Null(landed.Header("X-Api-Key"));
        Assert.Equal("kept", landed.Header("X-Node"));
    }

    private async Task PutConnectionAsync(string name, string json)
    {
        using var response = await _host.SendAsync(HttpMethod.Put, $"/api/connections/{name}", json);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
}
