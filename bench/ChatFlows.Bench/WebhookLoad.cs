using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChatFlows.Bot.Webhooks;
using Microsoft.Data.Sqlite;

namespace ChatFlows.Bench;

/// <summary>
/// Synchronous webhooks under load, in one run and each as its own process: ChatFlows (<c>chatflows.dll</c>,
/// Production, SQLite in a temp folder, every run journaled) with the workflow webhook (HMAC secret) → set → if →
/// respond; a bare Kestrel endpoint doing the same work; and Node-RED with an equivalent flow when <c>node</c> is on
/// PATH. The load generator is a separate process too (<see cref="LoadGenerator"/>); every target gets the same
/// warm-up, duration and connection counts, one after another.
/// </summary>
internal static class WebhookLoad
{
    public const string Secret = "bench-secret";
    private const string WorkflowId = "order-total";
    private static readonly string[] KnownTargets = ["chatflows", "kestrel", "node-red"];
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"orderId": "o-1", "quantity": 7, "price": 19.5}""");

    public static async Task<int> RunAsync(string[] args)
    {
        var ct = BenchProcesses.Token;
        var seconds = Options.Int(args, "--seconds", 10);
        var warmup = Options.Int(args, "--warmup", 3);
        var connections = Options.Ints(args, "--connections", 16);
        var targets = (Options.Text(args, "--targets") ?? string.Join(',', KnownTargets)).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (targets.FirstOrDefault(t => !KnownTargets.Contains(t)) is { } unknown) throw new BenchException($"--targets: '{unknown}' is not one of {string.Join(", ", KnownTargets)}.");

        var dll = targets.Contains("chatflows") ? ChatFlowsHost.Dll(args) : null;
        PrintMachine();
        if (dll is not null) Console.WriteLine($"ChatFlows host: {dll}");
        var generator = await LoadGenerator.ChooseAsync(Options.Text(args, "--generator") == "builtin", ct);
        Console.WriteLine($"Load generator: {generator.Description}");
        string? nodeVersion = null;
        if (targets.Contains("node-red"))
        {
            nodeVersion = await NodeRed.NodeVersionAsync(ct);
            if (nodeVersion is null)
            {
                Console.WriteLine("Node-RED: skipped, node is not on PATH.");
                targets = targets.Where(t => t != "node-red").ToArray();
            }
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Each target: {warmup} s warm-up then {seconds} s measured, per connection count ({string.Join(", ", connections)}); one signed POST at a time per connection, keep-alive."));
        Console.WriteLine();

        var folder = BenchProcesses.CreateTempFolder("chatflows-bench-webhook-");
        var rows = new List<Row>();
        var problems = new List<string>();
        try
        {
            foreach (var target in targets)
            {
                var measured = target switch
                {
                    "chatflows" => await MeasureChatFlowsAsync(dll!, folder, generator, connections, warmup, seconds, problems, ct),
                    "kestrel" => await MeasureKestrelAsync(folder, generator, connections, warmup, seconds, ct),
                    _ => await MeasureNodeRedAsync(folder, nodeVersion!, generator, connections, warmup, seconds, ct),
                };
                rows.AddRange(measured);
            }
        }
        finally
        {
            BenchProcesses.DeleteFolder(folder);
        }

        Console.WriteLine();
        Console.WriteLine("| target | connections | req/s | p50 | p99 | errors | non-2xx | RSS after | CPU per request |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var row in rows)
        {
            var r = row.Result;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {row.Target} | {row.Connections} | {r.RequestsPerSecond:N0} | {r.P50Ms:0.00} ms | {r.P99Ms:0.00} ms | {r.Errors} | {r.Non2xx} | {row.RssMiB:N0} MiB | {row.CpuPerRequestUs:N0} µs |"));
        }
        Console.WriteLine();
        foreach (var c in connections)
        {
            var chatflows = rows.FirstOrDefault(r => r.Key == "chatflows" && r.Connections == c);
            if (chatflows is null) break;
            foreach (var other in rows.Where(r => r.Key != "chatflows" && r.Connections == c))
            {
                var ratio = chatflows.Result.RequestsPerSecond / other.Result.RequestsPerSecond;
                var shortName = other.Key == "kestrel" ? "bare Kestrel" : "Node-RED";
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"c={c}: ChatFlows / {shortName} = {ratio.ToString(ratio < 0.1 ? "0.000" : "0.00", CultureInfo.InvariantCulture)}× req/s; p99 {chatflows.Result.P99Ms:0.00} ms against {other.Result.P99Ms:0.00} ms"));
            }
        }
        Console.WriteLine($"Load average at the end: {LoadAverage()}");
        problems.AddRange(rows.Where(r => r.Result.Errors + r.Result.Non2xx > 0).Select(r => $"{r.Target} at c={r.Connections}: {r.Result.Errors} errors, {r.Result.Non2xx} non-2xx answers"));
        foreach (var problem in problems) Console.Error.WriteLine($"FAILED: {problem}");
        return problems.Count == 0 ? 0 : 1;
    }

    private static async Task<List<Row>> MeasureChatFlowsAsync(string dll, string folder, LoadGenerator generator, int[] connections, int warmup, int seconds, List<string> problems, CancellationToken ct)
    {
        var hostFolder = Directory.CreateDirectory(Path.Combine(folder, "chatflows")).FullName;
        await using var host = await ChatFlowsHost.StartAsync(dll, hostFolder, ct);
        await host.CreateWorkflowAsync(Workflow(), ct);
        const string Name = "ChatFlows /hooks (run journaled, SQLite)";
        var url = new Uri(host.Address, $"hooks/{WorkflowId}");
        await CheckAnswersAsync(Name, host.Process, url, ct);
        var linesBefore = host.Process.Lines;
        var bytesBefore = host.Process.Bytes;
        var (rows, answered) = await DriveAsync("chatflows", Name, host.Process, url, generator, folder, connections, warmup, seconds, ct);
        answered += 1; // the signed request of the answer check
        var lines = host.Process.Lines - linesBefore;
        var bytes = host.Process.Bytes - bytesBefore;

        // An answered request's run was committed before its answer; runs still in flight when the load stopped may
        // add a few more, so wait for the count to settle, then every answered request must have its run.
        var journaled = await SettledCountAsync(host.DatabasePath, $"select count(*) from runs where workflow_id = '{WorkflowId}' and status = 'succeeded'", ct);
        Console.WriteLine($"  runs journaled: {Math.Min(journaled, answered):N0} of {answered:N0} answered ({journaled:N0} succeeded runs in the database; any extra were in flight when the load stopped)");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  host output while loaded (default log levels): {lines:N0} lines, {bytes / 1048576.0:0.0} MB, {(double)lines / Math.Max(1, answered):0.00} lines per run"));
        if (journaled < answered) problems.Add($"ChatFlows answered {answered} requests but only {journaled} succeeded runs are in the database.");
        return rows;
    }

    private static async Task<List<Row>> MeasureKestrelAsync(string folder, LoadGenerator generator, int[] connections, int warmup, int seconds, CancellationToken ct)
    {
        var port = ChatFlowsHost.FreePort();
        var start = BenchSelf.StartInfo("bare-kestrel");
        start.ArgumentList.Add("--port");
        start.ArgumentList.Add(port.ToString(CultureInfo.InvariantCulture));
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        await using var bare = BenchProcesses.Start("bare Kestrel (bench bare-kestrel)", start);
        var url = new Uri($"http://127.0.0.1:{port}/hooks/{WorkflowId}");
        await ChatFlowsHost.WaitUntilAnsweringAsync(bare, url, onlySuccess: false, ct);
        const string Name = "bare Kestrel (same computation, stores nothing)";
        await CheckAnswersAsync(Name, bare, url, ct);
        return (await DriveAsync("kestrel", Name, bare, url, generator, folder, connections, warmup, seconds, ct)).Rows;
    }

    private static async Task<List<Row>> MeasureNodeRedAsync(string folder, string nodeVersion, LoadGenerator generator, int[] connections, int warmup, int seconds, CancellationToken ct)
    {
        var (redJs, version) = await NodeRed.EnsureInstalledAsync(NodeRed.DefaultCache(), nodeVersion, ct);
        var port = ChatFlowsHost.FreePort();
        await using var nodeRed = await NodeRed.StartAsync(redJs, folder, port, ct);
        var url = new Uri($"http://127.0.0.1:{port}/hooks/{WorkflowId}");
        await ChatFlowsHost.WaitUntilAnsweringAsync(nodeRed, url, onlySuccess: false, ct);
        await WaitUntilFlowDeployedAsync(nodeRed, url, ct);
        var name = $"Node-RED {version} (Node {nodeVersion}, stores nothing)";
        await CheckAnswersAsync(name, nodeRed, url, ct);
        return (await DriveAsync("node-red", name, nodeRed, url, generator, folder, connections, warmup, seconds, ct)).Rows;
    }

    // Warm-up and measured load per connection count; returns the measured rows and how many requests were answered 2xx in all.
    private static async Task<(List<Row> Rows, long Answered)> DriveAsync(
        string key, string name, ChildProcess target, Uri url, LoadGenerator generator, string folder, int[] connections, int warmup, int seconds, CancellationToken ct)
    {
        var headers = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Content-Type"] = "application/json",
            [WebhookSignature.Header] = WebhookSignature.Sign(Secret, Body),
        };
        var rows = new List<Row>();
        long answered = 0;
        foreach (var c in connections)
        {
            answered += (await generator.RunAsync(new LoadSpec(url, Body, headers, c, TimeSpan.FromSeconds(warmup)), folder, ct)).Answered;
            target.ThrowIfExited("during the warm-up");
            target.Process.Refresh();
            var cpuBefore = target.Process.TotalProcessorTime;
            var result = await generator.RunAsync(new LoadSpec(url, Body, headers, c, TimeSpan.FromSeconds(seconds)), folder, ct);
            target.ThrowIfExited("during the load");
            answered += result.Answered;
            target.Process.Refresh();
            // CPU time per request says what a request costs even when the machine is shared and req/s is not comparable.
            var cpuPerRequestUs = (target.Process.TotalProcessorTime - cpuBefore).TotalMicroseconds / Math.Max(1, result.Requests);
            var row = new Row(key, name, c, result, target.Process.WorkingSet64 / 1048576.0, cpuPerRequestUs);
            rows.Add(row);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}, c={c}: {result.RequestsPerSecond:N0} req/s, p50 {result.P50Ms:0.00} ms, p99 {result.P99Ms:0.00} ms, {result.Errors} errors, {result.Non2xx} non-2xx, RSS {row.RssMiB:N0} MiB, CPU {cpuPerRequestUs:N0} µs per request"));
        }
        return (rows, answered);
    }

    // Node-RED serves HTTP before it has deployed its flows: until then the hook's POST is a 404.
    private static async Task WaitUntilFlowDeployedAsync(ChildProcess nodeRed, Uri url, CancellationToken ct)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(90))
        {
            nodeRed.ThrowIfExited("before its flow was deployed");
            using var probe = await client.PostAsync(url, new ByteArrayContent(Body), ct);
            if (probe.StatusCode != HttpStatusCode.NotFound) return;
            await Task.Delay(200, ct);
        }
        throw new BenchException($"Node-RED did not deploy its flow within 90 s. Its last lines:{Environment.NewLine}{nodeRed.Tail}");
    }

    // The targets must do the same work: a signed order is answered 200 with tier "large", an unsigned one 401.
    private static async Task CheckAnswersAsync(string name, ChildProcess target, Uri url, CancellationToken ct)
    {
        try
        {
            await CheckAnswersAsync(name, url, ct);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            throw new BenchException($"{name} did not answer the check request: {ex.Message} Its last lines:{Environment.NewLine}{target.Tail}");
        }
    }

    private static async Task CheckAnswersAsync(string name, Uri url, CancellationToken ct)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var signed = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(Body) };
        signed.Content.Headers.ContentType = new("application/json");
        signed.Headers.Add(WebhookSignature.Header, WebhookSignature.Sign(Secret, Body));
        using var answer = await client.SendAsync(signed, ct);
        var text = await answer.Content.ReadAsStringAsync(ct);
        var tier = answer.StatusCode == HttpStatusCode.OK && JsonNode.Parse(text) is JsonObject json ? json["tier"]?.ToString() : null;
        if (tier != "large") throw new BenchException($"{name} answered a signed order with {(int)answer.StatusCode} {text}; expected 200 with tier \"large\".");
        using var unsigned = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(Body) };
        unsigned.Content.Headers.ContentType = new("application/json");
        unsigned.Headers.Add(WebhookSignature.Header, "sha256=00");
        using var refused = await client.SendAsync(unsigned, ct);
        if (refused.StatusCode != HttpStatusCode.Unauthorized) throw new BenchException($"{name} answered a badly signed order with {(int)refused.StatusCode}; expected 401.");
        Console.WriteLine($"{name}: answers {text.Trim()} (bad signature: 401)");
    }

    /// <summary>Reads a count from the host's SQLite file until two readings 500 ms apart agree.</summary>
    internal static async Task<long> SettledCountAsync(string database, string sql, CancellationToken ct)
    {
        await using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync(ct);
        long previous = -1;
        for (var i = 0; i < 240; i++)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            var count = Convert.ToInt64(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
            if (count == previous) return count;
            previous = count;
            await Task.Delay(500, ct);
        }
        return previous;
    }

    private static JsonObject Workflow() => new()
    {
        ["id"] = WorkflowId,
        ["nodes"] = new JsonArray(
            Node("hook", "trigger", new JsonObject { ["kind"] = "webhook", ["secret"] = Secret }),
            Node("set", "tool", new JsonObject { ["tool"] = "transform", ["value"] = new JsonObject { ["orderId"] = "{{ trigger.orderId }}", ["total"] = "{{ trigger.quantity | times: trigger.price }}" } }),
            Node("if", "condition", new JsonObject { ["expression"] = "data.set.total > 100" }),
            Node("large", "output", new JsonObject { ["kind"] = "respond", ["body"] = new JsonObject { ["orderId"] = "{{ data.set.orderId }}", ["total"] = "{{ data.set.total }}", ["tier"] = "large" } }),
            Node("small", "output", new JsonObject { ["kind"] = "respond", ["body"] = new JsonObject { ["orderId"] = "{{ data.set.orderId }}", ["total"] = "{{ data.set.total }}", ["tier"] = "small" } })),
        ["edges"] = new JsonArray(Edge("hook", null, "set"), Edge("set", null, "if"), Edge("if", "true", "large"), Edge("if", "false", "small")),
    };

    internal static JsonObject Node(string id, string type, JsonObject config) => new() { ["id"] = id, ["type"] = type, ["config"] = config };

    internal static JsonObject Edge(string from, string? port, string to)
    {
        var edge = new JsonObject { ["from"] = from, ["to"] = to };
        if (port is not null) edge["port"] = port;
        return edge;
    }

    internal static void PrintMachine()
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        Console.WriteLine($"Machine: {cpu ?? RuntimeInformation.ProcessArchitecture.ToString()}, {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}");
        Console.WriteLine($".NET {Environment.Version} ({RuntimeInformation.FrameworkDescription}); date {TimeProvider.System.GetUtcNow():yyyy-MM-dd HH:mm} UTC; load average {LoadAverage()}");
    }

    internal static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private sealed record Row(string Key, string Target, int Connections, LoadResult Result, double RssMiB, double CpuPerRequestUs);
}
