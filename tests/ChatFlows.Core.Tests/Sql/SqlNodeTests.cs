using System.Diagnostics;
using System.Text.Json;
using ChatFlows.Core.Connections;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;
using ChatFlows.Core.Sql;
using ChatFlows.Core.Tests.Running;

namespace ChatFlows.Core.Tests.Sql;

/// <summary><c>tool/sql</c> run by the engine against real SQLite files and a real PostgreSQL 15 server.</summary>
public sealed class SqlNodeTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly SqliteTestFolder _folder = new();
    private readonly SqlDatabases _databases = new();
    private readonly InMemoryRunStore _store = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _databases.DisposeAsync();
        _folder.Dispose();
    }

    public static TheoryData<string> Providers => [SqlDatabases.Sqlite, SqlDatabases.Postgres];

    private Task<SqlTestDatabase> DatabaseAsync(string provider) => SqlTestDatabase.CreateAsync(provider, _folder);

    private WorkflowEngine Engine(params Connection[] connections) => new(
        NodeRegistry.CreateDefault(new BuiltInNodeOptions { Connections = new ConnectionRegistry(connections), Databases = _databases }), _store, TimeProvider.System);

    private static string SqlNode(string id, string query, string more = "") =>
        $$$"""{"id": "{{{id}}}", "type": "tool", "config": {"tool": "sql", "connection": "orders-db", "query": {{{JsonSerializer.Serialize(query)}}}{{{more}}}}}""";

    private static async Task<RunState> RunAsync(WorkflowEngine engine, string[] nodes, string trigger = "{}", string runId = "run-1")
    {
        var document = Workflows.Build(nodes, [.. Enumerable.Range(0, nodes.Length).Select(i => i == 0 ? $"start->{Id(nodes[0])}" : $"{Id(nodes[i - 1])}->{Id(nodes[i])}")]);
        return await engine.StartAsync(engine.Compile(document), new RunRequest { RunId = runId, Trigger = JsonElement.Parse(trigger) }).WaitAsync(Patience);

        static string Id(string node) => JsonDocument.Parse(node).RootElement.GetProperty("id").GetString()!;
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task StartAsync_RowsMode_OutputsEveryRowAsAnObjectWithJsonTypes(string provider)
    {
        var database = await DatabaseAsync(provider);
        await database.SeedOrdersAsync();

        var run = await RunAsync(Engine(database.Connection()), [SqlNode("q", "select id, customer, total, note from orders where total > @min order by id", """, "parameters": {"min": "{{ trigger.min }}"}""")], """{"min": 5}""");

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal("""[{"id":1,"customer":"customer 1","total":10.50,"note":null},{"id":2,"customer":"customer 2","total":20.50,"note":null}]""".Replace(".50", provider == SqlDatabases.Sqlite ? ".5" : ".50", StringComparison.Ordinal),
            run.Node("q").Output!.Value.GetRawText());
    }

    [Theory]
    [InlineData(SqlDatabases.Sqlite,
        "select x'00ff10' as blob, 12.5 as amount, 3 as whole, 'text' as words, null as missing",
        """{"blob":"AP8Q","amount":12.5,"whole":3,"words":"text","missing":null}""")]
    [InlineData(SqlDatabases.Postgres,
        "select decode('00ff10', 'hex') as blob, 12.50::numeric(10, 2) as amount, true as flag, date '2026-12-05' as day, timestamptz '2026-12-05 06:30:00+00' as at, timestamp '2026-12-05 06:30:00.25' as local, '{\"a\": [1, 2]}'::jsonb as doc, array[1, 2] as list",
        """{"blob":"AP8Q","amount":12.50,"flag":true,"day":"2026-12-05","at":"2026-12-05T06:30:00Z","local":"2026-12-05T06:30:00.25","doc":{"a":[1,2]},"list":[1,2]}""")]
    public async Task StartAsync_ValuesOfEachType_BecomeJsonBlobsAsBase64DatesAsIsoText(string provider, string query, string expected)
    {
        var database = await DatabaseAsync(provider);

        var run = await RunAsync(Engine(database.Connection()), [SqlNode("q", query, """, "mode": "one" """)]);

        Assert.True(run.Status == RunStatus.Succeeded, run.Node("q").Error);
        Assert.Equal(expected, run.Node("q").Output!.Value.GetRawText());
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task StartAsync_OneMode_OutputsTheRowOrNullWhenThereIsNone(string provider)
    {
        var database = await DatabaseAsync(provider);
        await database.SeedOrdersAsync();

        var run = await RunAsync(Engine(database.Connection()),
        [
            SqlNode("found", "select customer from orders where id = @id", """, "mode": "one", "parameters": {"id": 2}"""),
            SqlNode("missing", "select customer from orders where id = @id", """, "mode": "one", "parameters": {"id": 99}"""),
        ]);

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal("""{"customer":"customer 2"}""", run.Node("found").Output!.Value.GetRawText());
        Assert.Equal(JsonValueKind.Null, run.Node("missing").Output!.Value.ValueKind);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task StartAsync_OneModeWithTwoRows_FailsSayingToNarrowTheQuery(string provider)
    {
        var database = await DatabaseAsync(provider);
        await database.SeedOrdersAsync();

        var run = await RunAsync(Engine(database.Connection()), [SqlNode("q", "select id from orders", """, "mode": "one" """)]);

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Contains("returned more than one row, and mode one expects at most one", run.Node("q").Error, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task StartAsync_ExecuteMode_OutputsAffectedRowsAndStoresTheRow(string provider)
    {
        var database = await DatabaseAsync(provider);
        await database.SeedOrdersAsync();

        var run = await RunAsync(Engine(database.Connection()),
            [SqlNode("insert", "insert into orders (id, customer, total, note) values (@id, @customer, @total, @note)",
                """, "mode": "execute", "parameters": {"id": "{{ trigger.id }}", "customer": "{{ trigger.customer }}", "total": "{{ trigger.total }}", "note": {"rush": true}}""")],
            """{"id": 3, "customer": "Ada", "total": 12.25}""");

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal("""{"affected":1}""", run.Node("insert").Output!.Value.GetRawText());
        Assert.Equal("Ada|12.25|{\"rush\":true}", await database.ScalarAsync<string>("select customer || '|' || cast(total as text) || '|' || note from orders where id = 3"));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task StartAsync_InjectionAttemptInAParameter_IsStoredAsDataAndRunsNothing(string provider)
    {
        var database = await DatabaseAsync(provider);
        await database.SeedOrdersAsync();
        const string Attack = "x'); drop table orders; --";

        var run = await RunAsync(Engine(database.Connection()),
            [SqlNode("insert", "insert into orders (id, customer) values (3, @customer)", """, "mode": "execute", "parameters": {"customer": "{{ trigger.name }}"}""")],
            JsonSerializer.Serialize(new { name = Attack }));

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(Attack, await database.ScalarAsync<string>("select customer from orders where id = 3"));
        Assert.Equal(3L, await database.ScalarAsync<long>("select count(*) from orders"));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task StartAsync_MoreRowsThanMaxRows_FailsSayingToAddALimit(string provider)
    {
        var database = await DatabaseAsync(provider);
        await database.SeedOrdersAsync(rows: 4);

        var run = await RunAsync(Engine(database.Connection()), [SqlNode("q", "select id from orders", """, "maxRows": 3""")]);

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Contains("returned more than 3 rows; add a LIMIT to the query or raise nodes/q/config/maxRows (at most 10000)", run.Node("q").Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(SqlDatabases.Sqlite, "with recursive n(i) as (select 1 union all select i + 1 from n) select count(*) from n")]
    [InlineData(SqlDatabases.Postgres, "select pg_sleep(30)")]
    public async Task StartAsync_QueryRunsPastItsTimeout_IsCancelledAndFailsNamingTheTimeout(string provider, string query)
    {
        var database = await DatabaseAsync(provider);
        var clock = Stopwatch.StartNew();

        var run = await RunAsync(Engine(database.Connection()), [SqlNode("slow", query, """, "timeout": "PT1S" """)]);

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal("The query on connection 'orders-db' did not finish within 1 s and was cancelled; raise nodes/slow/config/timeout, or make the query faster.", run.Node("slow").Error);
        // Cancelled by its timeout, not at once: the timer may fire a few milliseconds before the stopwatch reads 1 s.
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(15));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task StartAsync_InsertOnAReadOnlyConnection_IsRefusedByTheDatabase(string provider)
    {
        var database = await DatabaseAsync(provider);
        await database.SeedOrdersAsync();

        // Mode rows with RETURNING: validation only refuses mode execute, so the database itself must refuse the write.
        var run = await RunAsync(Engine(database.Connection(readOnly: true)), [SqlNode("q", "insert into orders (id, customer) values (9, 'sneaky') returning id")]);

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.StartsWith("Connection 'orders-db' is read-only; the statement tried to change data", run.Node("q").Error, StringComparison.Ordinal);
        Assert.Equal(2L, await database.ScalarAsync<long>("select count(*) from orders"));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task StartAsync_SecondStatementOnAReadOnlyConnection_IsRefusedAndNothingIsWritten(string provider)
    {
        var database = await DatabaseAsync(provider);
        await database.SeedOrdersAsync();

        var run = await RunAsync(Engine(database.Connection(readOnly: true)), [SqlNode("q", "select 1; commit; delete from orders")]);

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal("Connection 'orders-db' is read-only, and a query on it must be one statement; run the statements one at a time.", run.Node("q").Error);
        Assert.Equal(2L, await database.ScalarAsync<long>("select count(*) from orders"));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task StartAsync_SelectOnAReadOnlyConnection_Succeeds(string provider)
    {
        var database = await DatabaseAsync(provider);
        await database.SeedOrdersAsync();

        var run = await RunAsync(Engine(database.Connection(readOnly: true)), [SqlNode("q", "select count(*) as n from orders", """, "mode": "one" """)]);

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(2, run.Node("q").Output!.Value.GetProperty("n").GetInt32());
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ContinueAsync_ExecuteReExecutedAfterACrash_RunsTheStatementOnce(string provider)
    {
        var database = await DatabaseAsync(provider);
        await database.ExecuteAsync("create table hits (n integer)");
        var engine = Engine(database.Connection());
        var plan = engine.Compile(Workflows.Build([SqlNode("hit", "insert into hits values (1)", """, "mode": "execute" """)], ["start->hit"]));

        var first = await engine.StartAsync(plan, new RunRequest { RunId = "run-1" }).WaitAsync(Patience);
        // The journal of a process that died after the statement and its recorded effect, before the node finished.
        var restored = new RunState(plan, new RunRequest { RunId = "run-1" }, "run-1") { Status = RunStatus.Running, StartedAt = DateTimeOffset.UtcNow };
        restored.Node("start").Status = NodeStatus.Succeeded;
        restored.Node("hit").Status = NodeStatus.Running;
        restored.Node("hit").Attempts = 1;
        var again = await engine.ContinueAsync(restored).WaitAsync(Patience);
        var other = await engine.StartAsync(plan, new RunRequest { RunId = "run-2" }).WaitAsync(Patience);

        Assert.Equal((RunStatus.Succeeded, RunStatus.Succeeded, RunStatus.Succeeded), (first.Status, again.Status, other.Status));
        Assert.Equal("""{"affected":1}""", again.Node("hit").Output!.Value.GetRawText());
        Assert.Equal(2L, await database.ScalarAsync<long>("select count(*) from hits"));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task StartAsync_SqlError_NamesTheConnectionAndTheDatabasesMessage(string provider)
    {
        var database = await DatabaseAsync(provider);

        var run = await RunAsync(Engine(database.Connection()), [SqlNode("q", "select * from no_such_table")]);

        Assert.Equal(RunStatus.Failed, run.Status);
        var error = run.Node("q").Error!;
        Assert.StartsWith("The query on connection 'orders-db' failed", error, StringComparison.Ordinal);
        Assert.Contains("no_such_table", error, StringComparison.Ordinal);
        if (provider == SqlDatabases.Postgres) Assert.Contains("at character 15 (near 'no_such_table')", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(SqlDatabases.Sqlite, "Data Source={0};Mode=hunter2-secret")]
    [InlineData(SqlDatabases.Postgres, "Host=127.0.0.1;Port=1;Username=postgres;Password=hunter2-secret;Timeout=2")]
    [InlineData(SqlDatabases.Postgres, "Host=127.0.0.1;Port=hunter2-secret;Password=pw")]
    public async Task StartAsync_ConnectionFails_ErrorNamesTheConnectionButNeverItsConnectionString(string provider, string connectionString)
    {
        var database = await DatabaseAsync(provider == SqlDatabases.Sqlite ? provider : SqlDatabases.Sqlite);
        var broken = string.Format(System.Globalization.CultureInfo.InvariantCulture, connectionString, database.ConnectionString["Data Source=".Length..]);
        var connection = new SqlTestDatabase(provider, broken).Connection();

        var run = await RunAsync(Engine(connection), [SqlNode("q", "select 1")]);

        Assert.Equal(RunStatus.Failed, run.Status);
        var error = run.Node("q").Error!;
        Assert.Contains("'orders-db'", error, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", JsonSerializer.Serialize(run.Error), StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_QueryWithATemplateOrAnUnusedParameter_ListsEachProblemWithItsField()
    {
        var engine = Engine(new SqlTestDatabase(SqlDatabases.Sqlite, "Data Source=x.db").Connection(), new SqlTestDatabase(SqlDatabases.Sqlite, "Data Source=y.db").Connection("archive", readOnly: true));
        var document = Workflows.Build(
            [
                SqlNode("templated", "select * from orders where id = {{ trigger.id }}"),
                SqlNode("unused", "select * from orders where id = @id", """, "parameters": {"id": 1, "customer": "x"}"""),
                SqlNode("modes", "select 1", """, "mode": "all", "maxRows": 20000, "timeout": "soon" """),
                """{"id": "archive", "type": "tool", "config": {"tool": "sql", "connection": "archive", "query": "delete from orders", "mode": "execute"}}""",
            ],
            ["start->templated", "templated->unused", "unused->modes", "modes->archive"]);

        var problems = Assert.Throws<WorkflowValidationException>(() => engine.Compile(document)).Problems.ToDictionary(p => p.Path, p => p.Message);

        Assert.Equal("The query is never templated; use parameters: @name in the query and parameters.name = \"{{ … }}\".", problems["nodes/templated/config/query"]);
        Assert.Equal("Parameter 'customer' is not used in the query; refer to it as @customer, or remove it.", problems["nodes/unused/config/parameters/customer"]);
        Assert.False(problems.ContainsKey("nodes/unused/config/parameters/id"));
        Assert.StartsWith("'all' is not a mode; use rows", problems["nodes/modes/config/mode"], StringComparison.Ordinal);
        Assert.Equal("maxRows must be a whole number from 1 to 10000.", problems["nodes/modes/config/maxRows"]);
        Assert.Contains("'soon' is not a positive ISO-8601 duration", problems["nodes/modes/config/timeout"], StringComparison.Ordinal);
        Assert.StartsWith("Connection 'archive' is read-only, so a statement in mode execute would be refused", problems["nodes/archive/config/mode"], StringComparison.Ordinal);
    }
}
