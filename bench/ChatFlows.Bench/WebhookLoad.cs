using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChatFlows.Bot.Hosting;
using ChatFlows.Bot.Webhooks;
using ChatFlows.Canvas;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ChatFlows.Bench;

/// <summary>
/// Synchronous webhooks under load: POST → set → if → respond, every run journaled on SQLite, against a bare
/// Kestrel endpoint doing the same work (verify the signature, parse, compute, answer) without a workflow or
/// storage. Both are served from this process on loopback and driven by the same bounded load generator.
/// </summary>
internal static class WebhookLoad
{
    private const string Secret = "bench-secret";
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"orderId": "o-1", "quantity": 7, "price": 19.5}""");

    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = Option(args, "--seconds", 10);
        var connections = Option(args, "--connections", 16);
        var folder = Path.Combine(Path.GetTempPath(), "chatflows-bench", Guid.NewGuid().ToString("N"));

        await using var bare = await StartBareAsync();
        await using var chatflows = await StartChatFlowsAsync(folder);
        await CreateWorkflowAsync(Address(chatflows));

        Console.WriteLine($"Synchronous webhook, {connections} connections, {seconds} s per target after a 3 s warm-up");
        var signature = WebhookSignature.Sign(Secret, Body);
        var results = new List<(string Name, LoadResult Result)>();
        foreach (var (name, app) in new[] { ("bare Kestrel (same computation)", bare), ("ChatFlows /hooks (journaled)", chatflows) })
        {
            var target = new Uri(Address(app), "/hooks/order-total");
            await DriveAsync(target, signature, connections, TimeSpan.FromSeconds(3));
            var result = await DriveAsync(target, signature, connections, TimeSpan.FromSeconds(seconds));
            results.Add((name, result));
            Console.WriteLine($"{name,-34} {result.RequestsPerSecond,9:N0} req/s   p50 {result.P50Ms,6:0.00} ms   p99 {result.P99Ms,6:0.00} ms   errors {result.Errors}");
        }
        await chatflows.StopAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
        return results.All(r => r.Result.Errors == 0) ? 0 : 1;
    }

    private static async Task<WebApplication> StartChatFlowsAsync(string folder)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Configuration["ChatFlows:Storage:ConnectionString"] = $"Data Source={Path.Combine(folder, "chatflows.db")}";
        // The same services and routes as bot/Program.cs.
        builder.Services.AddChatFlowsCore(builder.Configuration).AddWebhooks().AddCanvas();
        var app = builder.Build();
        app.MapWebhookEndpoints();
        app.MapCanvas();
        await app.StartAsync();
        return app;
    }

    private static async Task<WebApplication> StartBareAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        app.MapPost("/hooks/{id}", async (HttpRequest request) =>
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer);
            var body = buffer.ToArray();
            if (!WebhookSignature.IsValid(Secret, body, request.Headers[WebhookSignature.Header].ToString()))
            {
                return Results.StatusCode(StatusCodes.Status401Unauthorized);
            }
            using var order = JsonDocument.Parse(body);
            var total = order.RootElement.GetProperty("quantity").GetDouble() * order.RootElement.GetProperty("price").GetDouble();
            return Results.Json(new { orderId = order.RootElement.GetProperty("orderId").GetString(), total, tier = total > 100 ? "large" : "small" });
        });
        await app.StartAsync();
        return app;
    }

    private static async Task CreateWorkflowAsync(Uri host)
    {
        var document = new JsonObject
        {
            ["id"] = "order-total",
            ["nodes"] = new JsonArray(
                Node("hook", "trigger", new JsonObject { ["kind"] = "webhook", ["secret"] = Secret }),
                Node("set", "tool", new JsonObject { ["tool"] = "transform", ["value"] = new JsonObject { ["orderId"] = "{{ trigger.orderId }}", ["total"] = "{{ trigger.quantity | times: trigger.price }}" } }),
                Node("if", "condition", new JsonObject { ["expression"] = "data.set.total > 100" }),
                Node("large", "output", new JsonObject { ["kind"] = "respond", ["body"] = new JsonObject { ["orderId"] = "{{ data.set.orderId }}", ["total"] = "{{ data.set.total }}", ["tier"] = "large" } }),
                Node("small", "output", new JsonObject { ["kind"] = "respond", ["body"] = new JsonObject { ["orderId"] = "{{ data.set.orderId }}", ["total"] = "{{ data.set.total }}", ["tier"] = "small" } })),
            ["edges"] = new JsonArray(
                Edge("hook", null, "set"), Edge("set", null, "if"), Edge("if", "true", "large"), Edge("if", "false", "small")),
        };
        using var client = new HttpClient { BaseAddress = host };
        using var content = new StringContent(document.ToJsonString(), Encoding.UTF8, "application/json");
        var response = await client.PostAsync(new Uri("/api/workflows", UriKind.Relative), content);
        if (response.StatusCode != HttpStatusCode.Created) throw new InvalidOperationException($"Creating the workflow answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    private static JsonObject Node(string id, string type, JsonObject config) => new() { ["id"] = id, ["type"] = type, ["config"] = config };

    private static JsonObject Edge(string from, string? port, string to)
    {
        var edge = new JsonObject { ["from"] = from, ["to"] = to };
        if (port is not null) edge["port"] = port;
        return edge;
    }

    // Each connection sends one request at a time for the whole duration; latencies are kept per connection.
    private static async Task<LoadResult> DriveAsync(Uri target, string signature, int connections, TimeSpan duration)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var client = new HttpClient(handler);
        var stopAt = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var errors = 0;
        var started = Stopwatch.GetTimestamp();
        var latencies = await Task.WhenAll(Enumerable.Range(0, connections).Select(async _ =>
        {
            var mine = new List<double>(100_000);
            while (Stopwatch.GetTimestamp() < stopAt)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = new ByteArrayContent(Body) };
                request.Content.Headers.ContentType = new("application/json");
                request.Headers.Add("X-ChatFlows-Signature", signature);
                var begin = Stopwatch.GetTimestamp();
                using var response = await client.SendAsync(request);
                await response.Content.LoadIntoBufferAsync();
                mine.Add(Stopwatch.GetElapsedTime(begin).TotalMilliseconds);
                if (response.StatusCode != HttpStatusCode.OK) Interlocked.Increment(ref errors);
            }
            return mine;
        }));
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return new LoadResult(all.Length / elapsed, Percentile(all, 0.50), Percentile(all, 0.99), errors);
    }

    private static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];

    private static Uri Address(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    private static int Option(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private sealed record LoadResult(double RequestsPerSecond, double P50Ms, double P99Ms, int Errors);
}
