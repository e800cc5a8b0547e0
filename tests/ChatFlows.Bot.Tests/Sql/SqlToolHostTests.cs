using System.Net;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace ChatFlows.Bot.Tests.Sql;

/// <summary>tool/sql in the real host: the seeded approved-orders sample end to end, and connection strings kept out of what a run shows.</summary>
public sealed class SqlToolHostTests : IAsyncLifetime
{
    private const string Password = "pg-pass-3141";
    private const string BrokenConnectionString = $"Host=127.0.0.1;Port=1;Username=orders;Password={Password};Timeout=2";
    private readonly string _folder = Directory.CreateTempSubdirectory("chatflows-sql-").FullName;
    private readonly LogCollector _logs = new();
    private HostFixture _host = null!;

    // A folder the host has not created yet: the SQLite file of orders-db is made with its folder on first use.
    private string OrdersPath => Path.Combine(_folder, "data", "orders.db");

    public async Task InitializeAsync()
    {
        _host = new HostFixture(
            new Dictionary<string, string>
            {
                ["ChatFlows:Connections:orders-db:ConnectionString"] = $"Data Source={OrdersPath}",
                ["ChatFlows:Connections:broken-db:Type"] = "database",
                ["ChatFlows:Connections:broken-db:Workflows"] = "*",
                ["ChatFlows:Connections:broken-db:Provider"] = "postgres",
                ["ChatFlows:Connections:broken-db:ConnectionString"] = BrokenConnectionString,
            },
            _logs);
        await _host.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        SqliteConnection.ClearAllPools();
        TestFolder.Delete(_folder);
    }

    [Fact]
    public async Task ApprovedOrdersSample_StartedAndApproved_WritesTheOrderToTheTable()
    {
        var runId = await _host.StartRunAsync("approved-orders", """{"orderId": "B-42", "customer": "Grace", "total": 99.5}""");
        var waiting = await _host.WaitForRunAsync(runId, "waiting");
        Assert.Equal("waiting", waiting.GetProperty("status").GetString());

        using var decided = await _host.SendAsync(HttpMethod.Post, $"/api/runs/{runId}/decisions", """{"decision": "approve"}""");
        var run = await _host.WaitForRunAsync(runId);

        Assert.Equal(HttpStatusCode.Accepted, decided.StatusCode);
        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        Assert.Equal(1, run.GetProperty("data").GetProperty("store").GetProperty("affected").GetInt32());
        await using var orders = new SqliteConnection($"Data Source={OrdersPath};Mode=ReadOnly");
        await orders.OpenAsync();
        await using var read = orders.CreateCommand();
        read.CommandText = "select order_id || '|' || customer || '|' || total || '|' || approved_by from orders";
        Assert.Equal("B-42|Grace|99.5|local", await read.ExecuteScalarAsync());
        Assert.DoesNotContain(OrdersPath, run.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ToolSql_ConnectionFails_RunAndLogsNeverShowTheConnectionStringOrPassword()
    {
        await _host.CreateWorkflowAsync("""
            {"id": "broken-query", "nodes": [
              {"id": "play", "type": "trigger", "config": {"kind": "manual"}},
              {"id": "q", "type": "tool", "config": {"tool": "sql", "connection": "broken-db", "query": "select 1"}}],
             "edges": [{"from": "play", "to": "q"}]}
            """);

        var run = await _host.WaitForRunAsync(await _host.StartRunAsync("broken-query"));

        Assert.Equal("failed", run.GetProperty("status").GetString());
        var error = run.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("nodeId").GetString() == "q").GetProperty("error").GetString();
        Assert.StartsWith("Connection 'broken-db' could not reach its PostgreSQL server", error, StringComparison.Ordinal);
        using var connections = await _host.Client.GetAsync("/api/connections");
        var shown = run.GetRawText() + await connections.Content.ReadAsStringAsync() + _logs.Text;
        Assert.Contains("broken-db", _logs.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, shown, StringComparison.Ordinal);
        Assert.DoesNotContain("Username=orders", shown, StringComparison.Ordinal);
    }
}
