using System.Text.Json;
using ChatFlows.Core.Agents;
using ChatFlows.Core.Connections;
using ChatFlows.Core.Running;
using ChatFlows.Core.Sql;
using ChatFlows.Core.Tests.Agents;

namespace ChatFlows.Core.Tests.Sql;

/// <summary>The agent tool <c>sql_query</c>, called by an agent node through a fake model server, on SQLite and PostgreSQL.</summary>
public sealed class SqlQueryToolTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly SqliteTestFolder _folder = new();
    private readonly SqlDatabases _databases = new();
    private AgentHarness _host = null!;

    public async Task InitializeAsync() => _host = await AgentHarness.StartAsync();

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _databases.DisposeAsync();
        _folder.Dispose();
    }

    public static TheoryData<string> Providers => [SqlDatabases.Sqlite, SqlDatabases.Postgres];

    // An agent allowed sql_query on the listed connections, a writable connection orders-db, and a model that calls
    // sql_query once with the given arguments and then answers.
    private async Task<RunState> AgentQueriesAsync(SqlTestDatabase database, object arguments, params string[] agentConnections)
    {
        _host.Tools.AddSqlQuery(new ConnectionRegistry([database.Connection()]), _databases);
        await _host.Agents.CreateAsync(AgentHarness.Summarizer(SqlQueryTool.Name) with { Connections = agentConnections });
        _host.Server.Reply = request => request.Index == 0
            ? ModelReply.ToolCalls(5, 5, ("call_1", SqlQueryTool.Name, JsonSerializer.Serialize(arguments)))
            : FakeModelServer.AfterToolResult(request, "call_1", ModelReply.Answer("done", 5, 5));
        return await _host.RunAsync(AgentHarness.SingleAgent()).WaitAsync(Patience);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task StartAsync_AgentQueriesManyRows_GetsTheFirst200AndTruncated(string provider)
    {
        var database = await SqlTestDatabase.CreateAsync(provider, _folder);
        await database.SeedOrdersAsync(rows: 201);

        var run = await AgentQueriesAsync(database, new { connection = "orders-db", query = "select id, customer from orders where id >= @from order by id", parameters = new { from = 1 } }, "orders-db");

        Assert.Equal(RunStatus.Succeeded, run.Status);
        var step = Assert.Single(run.Node("sum").Steps!);
        Assert.Null(step.Error);
        var rows = step.Result!.Value.GetProperty("rows");
        Assert.Equal(200, rows.GetArrayLength());
        Assert.Equal("""{"id":1,"customer":"customer 1"}""", rows[0].GetRawText());
        Assert.True(step.Result!.Value.GetProperty("truncated").GetBoolean());
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task StartAsync_AgentTriesToInsertOnAWritableConnection_IsRefusedAndNothingIsWritten(string provider)
    {
        var database = await SqlTestDatabase.CreateAsync(provider, _folder);
        await database.SeedOrdersAsync();

        var run = await AgentQueriesAsync(database, new { connection = "orders-db", query = "insert into orders (id, customer) values (9, 'agent') returning id" }, "orders-db");

        var step = Assert.Single(run.Node("sum").Steps!);
        Assert.StartsWith("Queries here run read-only, so the statement on connection 'orders-db' may not change data", step.Error, StringComparison.Ordinal);
        Assert.Equal(2L, await database.ScalarAsync<long>("select count(*) from orders"));
        // The write on SQLite must not leave a read-only connection in the writable pool: a node may still write.
        Assert.Equal(1, await database.ExecuteAsync("insert into orders (id, customer) values (10, 'node')"));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task StartAsync_AgentEndsTheReadOnlyTransactionWithASecondStatement_IsRefusedAndNothingIsWritten(string provider)
    {
        var database = await SqlTestDatabase.CreateAsync(provider, _folder);
        await database.SeedOrdersAsync();

        var run = await AgentQueriesAsync(database, new { connection = "orders-db", query = "commit; insert into orders (id, customer) values (9, 'agent')" }, "orders-db");

        var step = Assert.Single(run.Node("sum").Steps!);
        Assert.Equal("Queries here run read-only and must be one statement; send the statements on connection 'orders-db' one at a time.", step.Error);
        Assert.Equal(2L, await database.ScalarAsync<long>("select count(*) from orders"));
    }

    [Fact]
    public async Task StartAsync_AgentWithoutTheConnectionInItsList_IsRefused()
    {
        var database = await SqlTestDatabase.CreateAsync(SqlDatabases.Sqlite, _folder);
        await database.SeedOrdersAsync();

        var run = await AgentQueriesAsync(database, new { connection = "orders-db", query = "select * from orders" });

        var step = Assert.Single(run.Node("sum").Steps!);
        Assert.Equal("Agent 'summarizer' may not use connection 'orders-db'; the connections it may use are: none.", step.Error);
        Assert.Null(step.Result);
    }
}
