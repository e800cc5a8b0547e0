using System.Net;
using System.Text;
using System.Text.Json;
using ChatFlows.Core.Tests.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;

namespace ChatFlows.Bot.Tests.Api;

/// <summary>
/// A secret in a <c>tool/http</c> header, through the real host: the value reaches the server it is meant for, and
/// the run's detail, events and stored rows show it redacted even when the server echoes it back.
/// </summary>
public sealed class SecretCredentialTests : IAsyncLifetime
{
    private const string Token = "tok-7d1e4c9b2a58";
    private readonly HostFixture _host = new(new Dictionary<string, string> { ["ChatFlows:Http:AllowedHosts:0"] = "127.0.0.1" });
    private HttpTestServer _server = null!;

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
    public async Task SecretInHttpHeader_ReachesTheServer_RunDetailEventsAndStoredRunShowItRedacted()
    {
        _server.Map("/echo", (context, request) =>
        {
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync(JsonSerializer.Serialize(new { authorization = request.Header("Authorization") }));
        });
        using var set = await _host.SendAsync(HttpMethod.Put, "/api/secrets/API_TOKEN", $$"""{"value": "{{Token}}"}""");
        Assert.Equal(HttpStatusCode.Created, set.StatusCode);
        await _host.CreateWorkflowAsync("""
            {
              "id": "secret-header",
              "nodes": [
                {"id": "play", "type": "trigger", "config": {"kind": "manual"}},
                {"id": "call", "type": "tool", "config": {"tool": "http", "url": "ECHO_URL",
                                                          "headers": {"Authorization": "Bearer {{ secrets.API_TOKEN }}"}}},
                {"id": "copy", "type": "tool", "config": {"tool": "transform", "value": "{{ data.call.authorization | upcase }}"}}
              ],
              "edges": [{"from": "play", "to": "call"}, {"from": "call", "to": "copy"}]
            }
            """.Replace("ECHO_URL", _server.Url("/echo"), StringComparison.Ordinal));

        var runId = await _host.StartRunAsync("secret-header");
        var run = await _host.WaitForRunAsync(runId);
        var events = await _host.ReadEventsAsync(runId);

        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        Assert.Equal($"Bearer {Token}", Assert.Single(_server.Received("/echo")).Header("Authorization"));
        var call = run.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("nodeId").GetString() == "call");
        Assert.Equal("Bearer [secret API_TOKEN]", call.GetProperty("output").GetProperty("authorization").GetString());
        Assert.DoesNotContain(Token, run.GetRawText(), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(events, e => e.Data.GetRawText().Contains(Token, StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(Token, await StoredTextAsync(), StringComparison.OrdinalIgnoreCase);
    }

    // Every text column of every table, read through SQLite so that nothing waiting in the WAL is missed.
    private async Task<string> StoredTextAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={_host.DatabasePath};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        var tables = new List<string>();
        using (var list = connection.CreateCommand())
        {
            list.CommandText = "select name from sqlite_master where type = 'table'";
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        }
        var text = new StringBuilder();
        foreach (var table in tables)
        {
            using var select = connection.CreateCommand();
            select.CommandText = $"select * from \"{table}\"";
            await using var reader = await select.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    if (!reader.IsDBNull(i)) text.Append(reader.GetValue(i) is byte[] bytes ? Encoding.UTF8.GetString(bytes) : reader.GetValue(i).ToString()).Append('\n');
                }
            }
        }
        Assert.Contains("secret-header", text.ToString(), StringComparison.Ordinal);
        return text.ToString();
    }
}
