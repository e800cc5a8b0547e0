using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ChatFlows.Bot.Webhooks;
using Microsoft.Data.Sqlite;

namespace ChatFlows.Bench;

/// <summary>
/// How much the database grows per 100,000 runs under each history policy (<c>all</c>, <c>errors</c>, <c>none</c>):
/// for each, a new host as its own process on a new SQLite file runs N synchronous webhook runs of a workflow
/// whose every tenth run fails (a condition on the payload leads to a node that throws), then the WAL is
/// checkpointed and the file measured. The policy is the top-level <c>history</c> field of the workflow document;
/// a host that does not know the field keeps every run, which the output says.
/// </summary>
internal static class HistoryGrowth
{
    private const string WorkflowId = "order-check";
    private static readonly string[] KnownPolicies = ["all", "errors", "none"];

    public static async Task<int> RunAsync(string[] args)
    {
        var ct = BenchProcesses.Token;
        var runs = Options.Int(args, "--runs", 100_000);
        var clients = Options.Int(args, "--connections", 16);
        var dll = ChatFlowsHost.Dll(args);
        var policies = (Options.Text(args, "--policies") ?? string.Join(',', KnownPolicies)).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (policies.FirstOrDefault(p => !KnownPolicies.Contains(p)) is { } unknown) throw new BenchException($"--policies: '{unknown}' is not one of {string.Join(", ", KnownPolicies)}.");

        WebhookLoad.PrintMachine();
        Console.WriteLine($"History growth: {runs:N0} synchronous webhook runs per policy (every tenth fails), {clients} concurrent requests, SQLite (WAL), a new host and database per policy");
        Console.WriteLine($"Host: {dll}");
        Console.WriteLine("PostgreSQL: not measured by this subcommand.");
        Console.WriteLine();
        var results = new List<Growth>();
        foreach (var policy in policies) results.Add(await MeasureAsync(dll, policy, runs, clients, ct));

        Console.WriteLine();
        Console.WriteLine("| history | honoured | runs (failed) | runs rows | node_runs rows | file + WAL growth | per 100,000 runs | live pages per 100,000 runs |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|");
        foreach (var g in results)
        {
            var scale = 100_000.0 / runs;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| `{g.Policy}` | {(g.Honoured ? "yes" : "no (unknown to this host)")} | {runs:N0} ({g.Failed:N0}) | {g.Runs:N0} | {g.NodeRuns:N0} | {Mb(g.FileBytes)} | {Mb(g.FileBytes * scale)} | {Mb(g.LiveBytes * scale)} |"));
        }
        var wrong = results.Where(g => g.Failed != runs / 10 + (runs % 10 > 0 ? 1 : 0)).ToList();
        foreach (var g in wrong) Console.Error.WriteLine($"FAILED: `{g.Policy}`: {g.Failed} runs answered 500, expected every tenth of {runs}.");
        return wrong.Count == 0 ? 0 : 1;
    }

    private static async Task<Growth> MeasureAsync(string dll, string policy, int runs, int clients, CancellationToken ct)
    {
        var folder = BenchProcesses.CreateTempFolder($"chatflows-bench-history-{policy}-");
        try
        {
            await using var host = await ChatFlowsHost.StartAsync(dll, folder, ct);
            var honoured = true;
            if (await host.TryCreateWorkflowAsync(Workflow(policy), ct) is { } refusal)
            {
                // A host without history policies refuses the field; measure it keeping every run, and say so.
                if (!refusal.Contains("'history'", StringComparison.Ordinal)) throw new BenchException(refusal);
                Console.WriteLine($"history `{policy}`: this host refuses the history field as unknown; measured without it, so every run is kept.");
                await host.CreateWorkflowAsync(Workflow("all"), ct);
                honoured = false;
            }
            honoured = honoured && await HonouredAsync(host, policy, ct);
            var before = await MeasureFileAsync(host.DatabasePath, ct);
            var tablesBefore = await TablesAsync(host.DatabasePath, ct);

            var clock = Stopwatch.StartNew();
            var (ok, failed) = await DriveAsync(new Uri(host.Address, $"hooks/{WorkflowId}"), runs, clients, ct);
            host.Process.ThrowIfExited("during the runs");
            var seconds = clock.Elapsed.TotalSeconds;

            // Forgetting runs follows their last write; wait until the journal has settled before measuring.
            var runRows = await WebhookLoad.SettledCountAsync(host.DatabasePath, $"select count(*) from runs where workflow_id = '{WorkflowId}'", ct);
            var nodeRows = await WebhookLoad.SettledCountAsync(host.DatabasePath, $"select count(*) from node_runs where run_id in (select id from runs where workflow_id = '{WorkflowId}')", ct);
            var after = await MeasureFileAsync(host.DatabasePath, ct);
            var tablesAfter = await TablesAsync(host.DatabasePath, ct);
            var growth = new Growth(policy, honoured, failed, runRows, nodeRows, after.FileBytes - before.FileBytes, after.LiveBytes - before.LiveBytes);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"history `{policy}`{(honoured ? "" : " (not honoured by this host)")}: {ok:N0} answered 200, {failed:N0} answered 500 in {seconds:0.0} s ({runs / seconds:N0} runs/s); {runRows:N0} runs and {nodeRows:N0} node_runs rows kept; file + WAL grew {Mb(growth.FileBytes)} (live pages {Mb(growth.LiveBytes)})"));
            // Where the growth went: every table whose row count (or, with dbstat, size) changed.
            var changed = tablesAfter
                .Select(t => (t.Key, Rows: t.Value.Rows - tablesBefore.GetValueOrDefault(t.Key).Rows, Bytes: t.Value.Bytes - tablesBefore.GetValueOrDefault(t.Key).Bytes))
                .Where(t => t.Rows != 0 || t.Bytes != 0)
                .OrderByDescending(t => t.Bytes)
                .Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Key} {(t.Rows >= 0 ? "+" : "")}{t.Rows:N0} rows{(t.Bytes != 0 ? " " + Mb(t.Bytes) : "")}"));
            Console.WriteLine($"  rows added per table: {string.Join("; ", changed)}");
            return growth;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            BenchProcesses.DeleteFolder(folder);
        }
    }

    // Whether the stored document kept the field: a host without history policies drops it and keeps every run.
    private static async Task<bool> HonouredAsync(ChatFlowsHost host, string policy, CancellationToken ct)
    {
        if (policy == "all") return true;
        using var client = new HttpClient { BaseAddress = host.Address };
        var text = await client.GetStringAsync(new Uri($"api/workflows/{WorkflowId}", UriKind.Relative), ct);
        var document = JsonNode.Parse(text);
        return (document?["history"] ?? document?["document"]?["history"])?.ToString() == policy;
    }

    // Each client sends one run at a time; run i carries reject = true when i is a multiple of ten.
    private static async Task<(long Ok, long Failed)> DriveAsync(Uri url, int runs, int clients, CancellationToken ct)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = clients, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(60) };
        long ok = 0, failed = 0;
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < runs)
            {
                var body = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $$"""{"orderId": "o-{{i}}", "quantity": {{1 + (i % 9)}}, "price": 19.5, "reject": {{(i % 10 == 0 ? "true" : "false")}}}"""));
                using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType = new("application/json");
                request.Headers.Add(WebhookSignature.Header, WebhookSignature.Sign(WebhookLoad.Secret, body));
                using var response = await client.SendAsync(request, ct);
                if (response.StatusCode == HttpStatusCode.OK) Interlocked.Increment(ref ok);
                else if (response.StatusCode == HttpStatusCode.InternalServerError) Interlocked.Increment(ref failed);
                else throw new BenchException($"Run {i} was answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
            }
        }));
        return (ok, failed);
    }

    // The file and its WAL after a checkpoint that empties the WAL; live bytes leave out the free pages.
    private static async Task<(long FileBytes, long LiveBytes)> MeasureFileAsync(string database, CancellationToken ct)
    {
        await using var connection = new SqliteConnection($"Data Source={database};Pooling=False");
        await connection.OpenAsync(ct);
        for (var attempt = 0; attempt < 50; attempt++)
        {
            // The host may be writing; a busy checkpoint (first column 1) is tried again.
            if (await ScalarAsync(connection, "pragma wal_checkpoint(TRUNCATE)", ct) == 0) break;
            await Task.Delay(100, ct);
        }
        var pageSize = await ScalarAsync(connection, "pragma page_size", ct);
        var live = (await ScalarAsync(connection, "pragma page_count", ct) - await ScalarAsync(connection, "pragma freelist_count", ct)) * pageSize;
        var wal = new FileInfo(database + "-wal");
        return (new FileInfo(database).Length + (wal.Exists ? wal.Length : 0), live);
    }

    // Rows per table, and pages per table and index when SQLite has the dbstat table (e_sqlite3 does); -1 rows for an index.
    private static async Task<Dictionary<string, (long Rows, long Bytes)>> TablesAsync(string database, CancellationToken ct)
    {
        await using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync(ct);
        var sizes = new Dictionary<string, (long Rows, long Bytes)>(StringComparer.Ordinal);
        var names = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = "select name from sqlite_master where type = 'table' and name not like 'sqlite_%'";
            await using var reader = await list.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) names.Add(reader.GetString(0));
        }
        foreach (var name in names) sizes[name] = (await ScalarAsync(connection, $"select count(*) from \"{name}\"", ct), 0);
        try
        {
            await using var pages = connection.CreateCommand();
            pages.CommandText = "select name, sum(pgsize) from dbstat group by name";
            await using var reader = await pages.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var name = reader.GetString(0);
                sizes[name] = (sizes.TryGetValue(name, out var known) ? known.Rows : 0, reader.GetInt64(1));
            }
        }
        catch (SqliteException)
        {
            // No dbstat in this SQLite build: row counts only.
        }
        return sizes;
    }

    private static async Task<long> ScalarAsync(SqliteConnection connection, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
    }

    // webhook → set → reject? → (true) a condition that throws, so the run fails | (false) respond.
    private static JsonObject Workflow(string policy)
    {
        var document = new JsonObject
        {
            ["id"] = WorkflowId,
            ["nodes"] = new JsonArray(
                WebhookLoad.Node("hook", "trigger", new JsonObject { ["kind"] = "webhook", ["secret"] = WebhookLoad.Secret }),
                WebhookLoad.Node("set", "tool", new JsonObject { ["tool"] = "transform", ["value"] = new JsonObject { ["orderId"] = "{{ trigger.orderId }}", ["total"] = "{{ trigger.quantity | times: trigger.price }}" } }),
                WebhookLoad.Node("reject", "condition", new JsonObject { ["expression"] = "trigger.reject === true" }),
                WebhookLoad.Node("broken", "condition", new JsonObject { ["expression"] = "trigger.rejection.reason.length > 0" }),
                WebhookLoad.Node("answer", "output", new JsonObject { ["kind"] = "respond", ["body"] = new JsonObject { ["orderId"] = "{{ data.set.orderId }}", ["total"] = "{{ data.set.total }}" } })),
            ["edges"] = new JsonArray(
                WebhookLoad.Edge("hook", null, "set"), WebhookLoad.Edge("set", null, "reject"),
                WebhookLoad.Edge("reject", "true", "broken"), WebhookLoad.Edge("reject", "false", "answer")),
        };
        // The default is not written, as the canvas saves it.
        if (policy != "all") document["history"] = policy;
        return document;
    }

    private static string Mb(double bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:0.00} MB");

    private sealed record Growth(string Policy, bool Honoured, long Failed, long Runs, long NodeRuns, long FileBytes, long LiveBytes);
}
