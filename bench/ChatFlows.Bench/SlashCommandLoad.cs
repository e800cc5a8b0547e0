using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ChatFlows.Bot.Slack;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ChatFlows.Bench;

/// <summary>
/// Slack's <c>/run</c> under a burst: the real host (<c>chatflows.dll</c> as its own process, SQLite in a temp folder)
/// gets N signed slash commands at once, as Slack would send them when many people type at the same moment. It
/// reports the acknowledgement latency (Slack gives up after 3 s) and the time from each request to the run's card
/// reaching Slack, with two baselines from the same host in the same run: <c>GET /healthz</c> (the host bare) and
/// <c>/run help</c> (signature check and command parsing, no run). Slack's Web API is a fake in this process on
/// loopback, speaking its wire format; a card is recognised by its run id anywhere in a <c>chat.postMessage</c>
/// body (text, blocks or metadata), whatever order the host posts and answers in.
/// </summary>
internal static partial class SlashCommandLoad
{
    private const string SigningSecret = "bench-signing-secret";
    private const string BotToken = "xoxb-bench";
    private const string Channel = "C0BENCH01";

    public static async Task<int> RunAsync(string[] args)
    {
        var requests = Option(args, "--requests", 200);
        var folder = Path.Combine(Path.GetTempPath(), "chatflows-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        await using var slack = await FakeSlack.StartAsync();
        var port = FreePort();
        using var host = StartHost(folder, port, slack.ApiBaseUrl);
        try
        {
            var baseUrl = new Uri($"http://127.0.0.1:{port}");
            await WaitUntilReadyAsync(baseUrl, host);
            await CreateWorkflowAsync(baseUrl);

            using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
            using var client = new HttpClient(handler) { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(30) };

            // Warm-up, not measured: JIT, SQLite, and one open connection per concurrent request (Slack keeps its
            // connections open too), so the rows measure the host rather than TCP connects.
            await BurstAsync(client, slack, "warm-health", requests, _ => Health());
            await BurstAsync(client, slack, "warm-help", 20, id => Command("help", slack.ResponseUrl(id)));
            var warm = await BurstAsync(client, slack, "warm-run", 20, id => Command("bench", slack.ResponseUrl(id)));
            await CardTimesAsync(slack, warm);

            var health = await BurstAsync(client, slack, "health", requests, _ => Health());
            var help = await BurstAsync(client, slack, "help", requests, id => Command("help", slack.ResponseUrl(id)));
            var run = await BurstAsync(client, slack, "run", requests, id => Command("bench", slack.ResponseUrl(id)));
            var cards = await CardTimesAsync(slack, run);

            Console.WriteLine($"{requests} concurrent requests per row over open connections, after a warm-up; latency from sending the request to its whole answer");
            Console.WriteLine();
            Console.WriteLine("| what | ok | ack p50 | ack p95 | ack p99 | ack max |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|");
            foreach (var (name, burst) in new[] { ("`GET /healthz` (baseline: the host bare)", health), ("signed `/run help` (baseline: no run)", help), ("signed `/run bench` (starts a run)", run) })
            {
                var ms = burst.Select(r => r.AckMs).Order().ToArray();
                Console.WriteLine($"| {name} | {burst.Count(r => r.Ok)} | {P(ms, 0.50)} | {P(ms, 0.95)} | {P(ms, 0.99)} | {F(ms[^1])} |");
            }
            Console.WriteLine();
            var card = cards.Values.Order().ToArray();
            Console.WriteLine("| time from `/run bench` to its card's chat.postMessage | cards | p50 | p95 | p99 | max |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|");
            Console.WriteLine($"| | {card.Length} of {requests} | {P(card, 0.50)} | {P(card, 0.95)} | {P(card, 0.99)} | {(card.Length == 0 ? "–" : F(card[^1]))} |");
            var failed = new[] { health, help, run }.Sum(b => b.Count(r => !r.Ok)) + (requests - card.Length);
            if (failed > 0) Console.WriteLine($"\n{failed} requests failed or got no card.");
            return failed == 0 ? 0 : 1;
        }
        finally
        {
            if (!host.HasExited) host.Kill(entireProcessTree: true);
            await host.WaitForExitAsync();
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // A file still held by the stopped host; the temp folder is cleaned by the system.
            }
        }
    }

    // Sends n requests at once (each its own task, all released together) and times each until its answer is read.
    private static async Task<Result[]> BurstAsync(HttpClient client, FakeSlack slack, string prefix, int n, Func<string, HttpRequestMessage> make)
    {
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = Enumerable.Range(0, n).Select(async i =>
        {
            var id = $"{prefix}-{i}";
            using var request = make(id);
            await go.Task;
            var begin = Stopwatch.GetTimestamp();
            try
            {
                using var response = await client.SendAsync(request);
                await response.Content.LoadIntoBufferAsync();
                return new Result(id, begin, Stopwatch.GetElapsedTime(begin).TotalMilliseconds, response.StatusCode == HttpStatusCode.OK);
            }
            catch (HttpRequestException)
            {
                return new Result(id, begin, Stopwatch.GetElapsedTime(begin).TotalMilliseconds, false);
            }
        }).ToArray();
        go.SetResult();
        return await Task.WhenAll(tasks);
    }

    // For each /run: the run id its response URL answer names, then the first chat.postMessage naming that run.
    private static async Task<Dictionary<string, double>> CardTimesAsync(FakeSlack slack, Result[] burst)
    {
        var deadline = Stopwatch.GetTimestamp() + 60 * Stopwatch.Frequency;
        var times = new Dictionary<string, double>();
        while (times.Count < burst.Count(r => r.Ok) && Stopwatch.GetTimestamp() < deadline)
        {
            foreach (var request in burst.Where(r => r.Ok && !times.ContainsKey(r.Id)))
            {
                if (slack.Answer(request.Id) is not { } answer || RunId().Match(answer) is not { Success: true } match) continue;
                if (slack.FirstPostNaming(match.Groups[1].Value) is { } posted) times[request.Id] = Stopwatch.GetElapsedTime(request.Begin, posted).TotalMilliseconds;
            }
            await Task.Delay(20);
        }
        return times;
    }

    private static HttpRequestMessage Health() => new(HttpMethod.Get, "/healthz");

    // A slash command as Slack sends it: form-encoded, signed with v0 HMAC-SHA256 over "v0:{timestamp}:{body}".
    private static HttpRequestMessage Command(string text, string responseUrl)
    {
        var body = string.Join('&', new Dictionary<string, string>
        {
            ["token"] = "legacy",
            ["team_id"] = "T0BENCH",
            ["channel_id"] = Channel,
            ["user_id"] = "UBENCH001",
            ["user_name"] = "bench",
            ["command"] = "/run",
            ["text"] = text,
            ["response_url"] = responseUrl,
            ["trigger_id"] = "1.2.3",
        }.Select(f => $"{f.Key}={Uri.EscapeDataString(f.Value)}"));
        var bytes = Encoding.UTF8.GetBytes(body);
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var request = new HttpRequestMessage(HttpMethod.Post, "/slack/commands") { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new("application/x-www-form-urlencoded");
        request.Headers.Add("X-Slack-Request-Timestamp", timestamp);
        request.Headers.Add("X-Slack-Signature", SlackSignature.Compute(SigningSecret, timestamp, bytes));
        return request;
    }

    private static Process StartHost(string folder, int port, string apiBaseUrl)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = folder };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "chatflows.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        start.Environment["ChatFlows__Storage__ConnectionString"] = $"Data Source={Path.Combine(folder, "chatflows.db")}";
        start.Environment["ChatFlows__Storage__KeysDirectory"] = Path.Combine(folder, "keys");
        start.Environment["ChatFlows__Samples__Seed"] = "false";
        start.Environment["ChatFlows__Slack__SigningSecret"] = SigningSecret;
        start.Environment["ChatFlows__Slack__BotToken"] = BotToken;
        start.Environment["ChatFlows__Slack__ApiBaseUrl"] = apiBaseUrl;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine($"host: {e.Data}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitUntilReadyAsync(Uri baseUrl, Process host)
    {
        using var client = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.GetTimestamp() + 60 * Stopwatch.Frequency;
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (host.HasExited) throw new InvalidOperationException($"The host exited with {host.ExitCode}.");
            try
            {
                using var ready = await client.GetAsync(new Uri("/readyz", UriKind.Relative));
                if (ready.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Still starting.
            }
            await Task.Delay(100);
        }
        throw new TimeoutException("The host was not ready within 60 s.");
    }

    private static async Task CreateWorkflowAsync(Uri host)
    {
        var document = new JsonObject
        {
            ["id"] = "bench",
            ["name"] = "Bench",
            ["nodes"] = new JsonArray(
                new JsonObject { ["id"] = "cmd", ["type"] = "trigger", ["config"] = new JsonObject { ["kind"] = "command", ["command"] = "bench" } },
                new JsonObject { ["id"] = "set", ["type"] = "tool", ["config"] = new JsonObject { ["tool"] = "transform", ["value"] = "done" } },
                new JsonObject { ["id"] = "end", ["type"] = "output", ["config"] = new JsonObject { ["kind"] = "end", ["value"] = "{{ data.set }}" } }),
            ["edges"] = new JsonArray(new JsonObject { ["from"] = "cmd", ["to"] = "set" }, new JsonObject { ["from"] = "set", ["to"] = "end" }),
        };
        using var client = new HttpClient { BaseAddress = host };
        using var content = new StringContent(document.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(new Uri("/api/workflows", UriKind.Relative), content);
        if (response.StatusCode != HttpStatusCode.Created) throw new InvalidOperationException($"Creating the workflow answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string P(double[] sorted, double p) => sorted.Length == 0 ? "–" : F(sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))]);

    private static string F(double ms) => string.Create(CultureInfo.InvariantCulture, $"{ms:0.0} ms");

    private static int Option(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }

    [GeneratedRegex("run `([0-9a-f-]{8,})`")]
    private static partial Regex RunId();

    private sealed record Result(string Id, long Begin, double AckMs, bool Ok);

    /// <summary>
    /// Slack's Web API as the host calls it: <c>POST /api/{method}</c> (JSON, bearer token) answered <c>{"ok": true, …}</c>
    /// with increasing <c>ts</c>; response URLs at <c>POST /response/{id}</c> answered <c>ok</c>. It keeps the arrival
    /// time of every <c>chat.postMessage</c> and the text of each response URL answer.
    /// </summary>
    private sealed class FakeSlack : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly ConcurrentQueue<(long At, string Body)> _posts = new();
        private readonly ConcurrentDictionary<string, string> _answers = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, long> _firstPost = new(StringComparer.Ordinal);
        private long _ts;

        private FakeSlack(WebApplication app) => _app = app;

        public string BaseUrl => _app.Urls.Single();

        public string ApiBaseUrl => BaseUrl + "/api/";

        public static async Task<FakeSlack> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
            var app = builder.Build();
            var fake = new FakeSlack(app);
            app.MapPost("/api/{method}", fake.MethodAsync);
            app.MapPost("/response/{id}", fake.ResponseAsync);
            await app.StartAsync();
            return fake;
        }

        public string ResponseUrl(string id) => $"{BaseUrl}/response/{id}";

        public string? Answer(string id) => _answers.TryGetValue(id, out var text) ? text : null;

        // The arrival time of the first chat.postMessage whose body names the run (text, blocks or metadata).
        public long? FirstPostNaming(string runId)
        {
            if (_firstPost.TryGetValue(runId, out var at)) return at;
            foreach (var (postedAt, body) in _posts)
            {
                if (!body.Contains(runId, StringComparison.Ordinal)) continue;
                return _firstPost.GetOrAdd(runId, postedAt);
            }
            return null;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        private async Task<IResult> MethodAsync(HttpContext http, string method)
        {
            var at = Stopwatch.GetTimestamp();
            using var reader = new StreamReader(http.Request.Body);
            var body = await reader.ReadToEndAsync(http.RequestAborted);
            if (http.Request.Headers.Authorization.ToString() != $"Bearer {BotToken}") return Results.Json(new { ok = false, error = "invalid_auth" });
            var ts = $"1700000000.{Interlocked.Increment(ref _ts):D6}";
            if (method == "chat.postMessage") _posts.Enqueue((at, body));
            using var json = JsonDocument.Parse(body);
            var channel = json.RootElement.TryGetProperty("channel", out var c) ? c.GetString() : Channel;
            return Results.Json(new { ok = true, channel, ts, message_ts = ts, messages = Array.Empty<object>() });
        }

        private async Task<IResult> ResponseAsync(HttpContext http, string id)
        {
            using var reader = new StreamReader(http.Request.Body);
            var body = await reader.ReadToEndAsync(http.RequestAborted);
            using var json = JsonDocument.Parse(body);
            var text = json.RootElement.TryGetProperty("text", out var t) ? t.GetString() ?? "" : "";
            _answers.TryAdd(id, text);
            return Results.Text("ok");
        }
    }
}
