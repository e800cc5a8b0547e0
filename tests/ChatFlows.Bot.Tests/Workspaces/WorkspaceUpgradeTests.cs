using System.Data.Common;
using System.Net;
using ChatFlows.Core.Running;
using ChatFlows.Core.Storage;
using ChatFlows.Core.Tests.Fixtures;
using Dapper;
using DbUp;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace ChatFlows.Bot.Tests.Workspaces;

/// <summary>
/// Upgrading to workspaces (README §Workspaces and roles): a database written before them (every script up to 0015,
/// with workflows, runs, agents, connections, knowledge bases and widgets in it) opened by this version puts all of it
/// into <c>default</c>, reachable through today's paths and through <c>/api/w/default/…</c>, on SQLite and PostgreSQL.
/// </summary>
public sealed class WorkspaceUpgradeTests
{
    private const string LastScriptBefore = "0015";
    // Recent, so the run is not old enough for the host to prune at start-up.
    private static readonly long At = DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeMilliseconds();
    private static readonly string RunId = WorkflowEngine.NewRunId();

    private static readonly string Document = TestWorkflows.Echo("legacy-flow")
        .Replace("\"id\": \"legacy-flow\",", "\"id\": \"legacy-flow\", \"version\": 1,", StringComparison.Ordinal);

    [Fact]
    public async Task Upgrade_SqliteDatabaseFromBeforeWorkspaces_PutsEverythingInDefault()
    {
        var folder = Directory.CreateTempSubdirectory("chatflows-upgrade-").FullName;
        try
        {
            var connectionString = $"Data Source={Path.Combine(folder, "chatflows.db")}";
            var upgrade = DeployChanges.To.SqliteDatabase(connectionString)
                .WithScriptsEmbeddedInAssembly(MigrationArea.Core.Assembly, name => MigrationArea.Core.IsScript(name, StorageProvider.Sqlite) && Before(name, ".Migrations.sqlite."))
                .JournalToSqliteTable(MigrationArea.Core.JournalTable)
                .WithTransactionPerScript()
                .Build()
                .PerformUpgrade();
            Assert.True(upgrade.Successful, upgrade.Error?.Message);
            await using (var connection = new SqliteConnection(connectionString))
            {
                await connection.OpenAsync();
                await FillAsync(connection);
            }

            await AssertUpgradedAsync(new Dictionary<string, string> { ["ChatFlows:Storage:ConnectionString"] = connectionString });
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Upgrade_PostgresDatabaseFromBeforeWorkspaces_PutsEverythingInDefault()
    {
        var connectionString = await TestDatabases.CreatePostgresAsync();
        var upgrade = DeployChanges.To.PostgresqlDatabase(connectionString)
            .WithScriptsEmbeddedInAssembly(MigrationArea.Core.Assembly, name => MigrationArea.Core.IsScript(name, StorageProvider.Postgres) && Before(name, ".Migrations.postgres."))
            .JournalToPostgresqlTable("public", MigrationArea.Core.JournalTable)
            .WithTransactionPerScript()
            .Build()
            .PerformUpgrade();
        Assert.True(upgrade.Successful, upgrade.Error?.Message);
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await FillAsync(connection);
        }

        await AssertUpgradedAsync(new Dictionary<string, string>
        {
            ["ChatFlows:Storage:Provider"] = "postgres",
            ["ChatFlows:Storage:ConnectionString"] = connectionString,
        });
    }

    // Only the scripts a database from before workspaces had run.
    private static bool Before(string resource, string folder)
    {
        var name = resource[(resource.IndexOf(folder, StringComparison.Ordinal) + folder.Length)..];
        return string.CompareOrdinal(name[..4], LastScriptBefore) <= 0;
    }

    // Rows as the previous version wrote them (times in Unix ms, JSON as text).
    private static async Task FillAsync(DbConnection connection)
    {
        var now = new { At, Document, RunId };
        await connection.ExecuteAsync("insert into workflows (id, version, document, created_at, updated_at) values ('legacy-flow', 1, @Document, @At, @At)", now);
        await connection.ExecuteAsync("insert into workflow_versions (workflow_id, version, document, created_at) values ('legacy-flow', 1, @Document, @At)", now);
        await connection.ExecuteAsync("""
            insert into runs (id, workflow_id, workflow_version, status, trigger, started_by, created_at, started_at, finished_at)
            values (@RunId, 'legacy-flow', 1, 'succeeded', '{}', 'api', @At, @At, @At)
            """, now);
        await connection.ExecuteAsync("""
            insert into agents (id, version, document, created_at, updated_at)
            values ('legacy-agent', 1, '{"id": "legacy-agent", "name": "Legacy agent", "instructions": "Answer briefly."}', @At, @At)
            """, now);
        await connection.ExecuteAsync("""
            insert into connections (name, type, workflows, settings, credentials, created_at, updated_at)
            values ('legacy-github', 'github', '["*"]', '{"ApiBaseUrl": "http://127.0.0.1:1/"}', null, @At, @At)
            """, now);
        await connection.ExecuteAsync("insert into knowledge_bases (id, name, model, created_at, updated_at) values ('legacy-docs', 'Legacy docs', null, @At, @At)", now);
        await connection.ExecuteAsync("""
            insert into widgets (name, title, type, value, updated_at, run_id, workflow_id, node_id)
            values ('legacy-count', 'Legacy count', 'number', '7', @At, @RunId, 'legacy-flow', 'echo')
            """, now);
    }

    private static async Task AssertUpgradedAsync(Dictionary<string, string> settings)
    {
        var host = new HostFixture(settings);
        await host.InitializeAsync();
        try
        {
            await using (var connection = await host.Database.OpenAsync())
            {
                Assert.Equal("default", await connection.ExecuteScalarAsync<string>("select workspace from workflows where id = 'legacy-flow'"));
                Assert.Equal("default", await connection.ExecuteScalarAsync<string>("select workspace from workflow_versions where workflow_id = 'legacy-flow'"));
                Assert.Equal("default", await connection.ExecuteScalarAsync<string>("select workspace from runs where id = @RunId", new { RunId }));
                Assert.Equal("Default", await connection.ExecuteScalarAsync<string>("select name from workspaces where id = 'default'"));
                Assert.Equal("default", await connection.ExecuteScalarAsync<string>("select workspace from agents where id = 'legacy-agent'"));
                Assert.Equal("default", await connection.ExecuteScalarAsync<string>("select workspace from connections where name = 'legacy-github'"));
                Assert.Equal("default", await connection.ExecuteScalarAsync<string>("select workspace from knowledge_bases where id = 'legacy-docs'"));
                Assert.Equal("default", await connection.ExecuteScalarAsync<string>("select workspace from widgets where name = 'legacy-count'"));
            }
            foreach (var api in new[] { "/api", "/api/w/default" })
            {
                var workflow = await host.GetJsonAsync($"{api}/workflows/legacy-flow");
                Assert.Equal(1, workflow.GetProperty("version").GetInt32());
                Assert.Contains("legacy-flow", await ListedAsync(host, $"{api}/workflows"));
                Assert.Equal("legacy-flow", (await host.GetJsonAsync($"{api}/runs/{RunId}")).GetProperty("workflowId").GetString());
                Assert.Contains(RunId, await ListedAsync(host, $"{api}/runs"));
                Assert.Contains("legacy-agent", await ListedAsync(host, $"{api}/agents"));
                Assert.Contains("legacy-github", await ListedAsync(host, $"{api}/connections"));
                Assert.Contains("legacy-docs", await ListedAsync(host, $"{api}/knowledge"));
                Assert.Contains("legacy-count", await ListedAsync(host, $"{api}/widgets"));
            }

            // The migrated workflow still runs, and its new run is in default too.
            using var started = await host.SendAsync(HttpMethod.Post, "/api/w/default/workflows/legacy-flow/runs", "{}");
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
            var runId = (await HostFixture.ReadJsonAsync(started)).GetProperty("runId").GetString()!;
            Assert.Equal("succeeded", (await host.WaitForRunAsync(runId)).GetProperty("status").GetString());
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    private static async Task<string> ListedAsync(HostFixture host, string path)
    {
        using var response = await host.Client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {body}");
        return body;
    }
}
