using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using ChatFlows.Core.Tests.Fixtures;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace ChatFlows.Bench;

/// <summary>
/// Durable throughput across instances (README §Running several instances): the real host as separate processes —
/// SQLite with one instance, PostgreSQL with one and with two on the same database — in the same run, each given the
/// same load over HTTP: runs of a trigger and 10 <c>tool/transform</c> nodes started with <c>POST
/// /api/workflows/{id}/runs</c> by concurrent clients spread over the instances. A run counts once the database says
/// it succeeded; runs/s is the measured runs over the time from the first start to the last success.
/// </summary>
internal static class ClusterThroughput
{
    private const string WorkflowId = "bench-linear10";

    public static async Task<int> RunAsync(string[] args)
    {
        var runs = IntOption(args, "--runs", 3_000);
        var clients = IntOption(args, "--clients", 32);
        (string Provider, int Instances)[] targets = [("sqlite", 1), ("postgres", 1), ("postgres", 2)];
        Console.WriteLine($"Durable throughput over HTTP: {WorkflowId} (trigger + 10 transforms), {runs:N0} runs after 300 warm-up, {clients} clients");
        var results = new List<(string Target, int Instances, double Seconds, double Started, int Failed)>();
        foreach (var (provider, instances) in targets)
        {
            var (seconds, started, failed) = await MeasureAsync(provider, instances, runs, clients);
            results.Add((provider, instances, seconds, started, failed));
            Console.WriteLine($"{provider}, {instances} instance(s): {runs / seconds:N0} runs/s ({seconds:0.00} s, all started after {started:0.00} s, {failed} not succeeded)");
        }
        Console.WriteLine();
        Console.WriteLine("| storage | instances | runs | all started after | all ended after | runs/s | not succeeded |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var (target, instances, seconds, started, failed) in results)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {target} | {instances} | {runs:N0} | {started:0.00} s | {seconds:0.00} s | {runs / seconds:N0} | {failed} |"));
        }
        return results.All(r => r.Failed == 0) ? 0 : 1;
    }

    private static async Task<(double Seconds, double Started, int Failed)> MeasureAsync(string provider, int count, int runs, int clients)
    {
        var folder = Directory.CreateTempSubdirectory("chatflows-bench-cluster-").FullName;
        // PostgreSQL: the server named by CHATFLOWS_TEST_POSTGRES, or a private one started for this process (README §Tests).
        var connectionString = provider == "sqlite" ? $"Data Source={Path.Combine(folder, "chatflows.db")}" : await TestDatabases.CreatePostgresAsync();
        var hosts = new List<(Process Process, HttpClient Client)>();
        try
        {
            for (var i = 0; i < count; i++) hosts.Add(StartHost(folder, provider, connectionString, i));
            foreach (var (process, client) in hosts) await WaitUntilReadyAsync(client, process);
            using (var created = await hosts[0].Client.PostAsync("api/workflows", Json(Linear10())))
            {
                if (!created.IsSuccessStatusCode) throw new InvalidOperationException($"The workflow was refused: {await created.Content.ReadAsStringAsync()}");
            }

            await DriveAsync(hosts.Select(h => h.Client).ToArray(), 300, clients);
            await WaitForAsync(provider, connectionString, 300);
            var clock = Stopwatch.StartNew();
            await DriveAsync(hosts.Select(h => h.Client).ToArray(), runs, clients);
            var started = clock.Elapsed.TotalSeconds;
            var failed = await WaitForAsync(provider, connectionString, 300 + runs);
            return (clock.Elapsed.TotalSeconds, started, failed);
        }
        finally
        {
            foreach (var (process, client) in hosts)
            {
                client.Dispose();
                if (!process.HasExited) process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
                process.Dispose();
            }
            SqliteConnection.ClearAllPools();
            NpgsqlConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    // Starts `runs` runs through the instances in turn, `clients` requests at a time; each start is stored when answered 202.
    private static async Task DriveAsync(HttpClient[] instances, int runs, int clients)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < runs)
            {
                using var started = await instances[i % instances.Length].PostAsync($"api/workflows/{WorkflowId}/runs", Json("{}"));
                if (started.StatusCode != HttpStatusCode.Accepted) throw new InvalidOperationException($"A start was answered {(int)started.StatusCode}: {await started.Content.ReadAsStringAsync()}");
            }
        }));
    }

    // Waits until `total` runs have ended, as the database says; how many of them did not succeed.
    private static async Task<int> WaitForAsync(string provider, string connectionString, int total)
    {
        await using DbConnection connection = provider == "sqlite" ? new SqliteConnection(connectionString) : new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var ended = await CountAsync(connection, "select count(*) from runs where status in ('succeeded', 'failed', 'cancelled', 'expired')");
            if (ended >= total) return await CountAsync(connection, "select count(*) from runs where status in ('failed', 'cancelled', 'expired')");
            if (deadline.Elapsed > TimeSpan.FromMinutes(5)) throw new TimeoutException($"Only {ended} of {total} runs ended within 5 minutes.");
            await Task.Delay(50);
        }
    }

    private static async Task<int> CountAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt32(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    private static string Linear10()
    {
        var nodes = new JsonArray { new JsonObject { ["id"] = "start", ["type"] = "trigger", ["config"] = new JsonObject { ["kind"] = "manual" } } };
        var edges = new JsonArray();
        var previous = "start";
        for (var i = 1; i <= 10; i++)
        {
            var id = $"n{i}";
            nodes.Add(new JsonObject { ["id"] = id, ["type"] = "tool", ["config"] = new JsonObject { ["tool"] = "transform", ["value"] = i } });
            edges.Add(new JsonObject { ["from"] = previous, ["to"] = id });
            previous = id;
        }
        return new JsonObject { ["id"] = WorkflowId, ["name"] = "Bench linear10", ["nodes"] = nodes, ["edges"] = edges }.ToJsonString();
    }

    private static (Process, HttpClient) StartHost(string folder, string provider, string connectionString, int index)
    {
        var port = FreePort();
        var workingDirectory = Directory.CreateDirectory(Path.Combine(folder, $"instance-{index}")).FullName;
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "chatflows.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        start.Environment["ChatFlows__Storage__Provider"] = provider;
        start.Environment["ChatFlows__Storage__ConnectionString"] = connectionString;
        if (provider == "sqlite") start.Environment["ChatFlows__Storage__KeysDirectory"] = Path.Combine(folder, "keys");
        start.Environment["ChatFlows__Runs__InstanceId"] = $"bench-{index}";
        start.Environment["ChatFlows__Samples__Seed"] = "false";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine($"host {index}: {e.Data}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return (process, new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(60) });
    }

    private static async Task WaitUntilReadyAsync(HttpClient client, Process host)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(90))
        {
            if (host.HasExited) throw new InvalidOperationException($"The host exited with {host.ExitCode}.");
            try
            {
                using var ready = await client.GetAsync("readyz");
                if (ready.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(100);
        }
        throw new TimeoutException("The host was not ready within 90 s.");
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static int IntOption(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
