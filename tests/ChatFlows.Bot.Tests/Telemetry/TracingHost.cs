using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ChatFlows.Bot.Hosting;
using ChatFlows.Bot.Webhooks;
using ChatFlows.Core.Telemetry;
using ChatFlows.Core.Tests.Agents;
using ChatFlows.Core.Tests.Http;
using ChatFlows.Core.Tests.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace ChatFlows.Bot.Tests.Telemetry;

/// <summary>
/// The real host on Kestrel tracing as it does with an OTLP endpoint (ChatFlows, model call and Semantic Kernel sources, incoming
/// and outgoing HTTP), into an in-memory exporter; a local HTTP server for HTTP nodes to call and a fake model server
/// for agents.
/// </summary>
public sealed class TracingHost : IAsyncLifetime
{
    public const string HookSecretName = "UPTIME_HOOK";
    private const string HookSecret = "uptime-hook-secret-for-tests";

    internal SpanList Spans { get; } = new();

    public HostFixture Host { get; private set; } = null!;

    internal HttpTestServer Server { get; private set; } = null!;

    internal FakeModelServer Model { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await HttpTestServer.StartAsync();
        Model = await FakeModelServer.StartAsync();
        var settings = new Dictionary<string, string>
        {
            ["ChatFlows:Http:AllowedHosts:0"] = "127.0.0.1",
            [$"ChatFlows:Secrets:{HookSecretName}"] = HookSecret,
            ["ChatFlows:Models:fake:Provider"] = "openai-compatible",
            ["ChatFlows:Models:fake:Model"] = "fake-model",
            ["ChatFlows:Models:fake:Endpoint"] = Model.Endpoint,
        };
        Host = new HostFixture(settings, services: services => services.AddOpenTelemetry().WithTracing(tracing => tracing
            .AddSource(ChatFlowsTelemetry.Name, ChatFlowsTelemetry.ModelCalls, TracingSetup.SemanticKernelSources)
            .AddAspNetCoreInstrumentation()
            .AddHttpClientInstrumentation()
            .AddInMemoryExporter(Spans)));
        await Host.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Server.DisposeAsync();
        await Model.DisposeAsync();
    }

    /// <summary>Posts <paramref name="json"/> to the workflow's webhook, signed, with the caller's <c>traceparent</c>.</summary>
    public Task<HttpResponseMessage> PostHookAsync(string workflowId, string json, string traceParent) =>
        PostHookAsync(Host, workflowId, HookSecret, json, traceParent);

    /// <summary>Posts <paramref name="json"/> to a workflow's webhook on <paramref name="host"/>, signed with <paramref name="secret"/>, with the caller's <c>traceparent</c>.</summary>
    internal static async Task<HttpResponseMessage> PostHookAsync(HostFixture host, string workflowId, string secret, string json, string traceParent)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/hooks/{workflowId}") { Content = HostFixture.Json(json) };
        request.Headers.Add(WebhookSignature.Header, WebhookSignature.Sign(secret, Encoding.UTF8.GetBytes(json)));
        request.Headers.Add("traceparent", traceParent);
        // The test process traces its own HTTP calls too: suppressed, and with a client that propagates nothing, the
        // caller's header goes out as is.
        using var suppressed = SuppressInstrumentationScope.Begin();
        using var client = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = DistributedContextPropagator.CreateNoOutputPropagator() })
        {
            BaseAddress = host.BaseAddress,
        };
        return await client.SendAsync(request);
    }

    /// <summary>
    /// The run's root spans once <paramref name="count"/> have ended: a run's span ends just after its end is
    /// committed, so the API can report the run ended a moment before its span is exported.
    /// </summary>
    public async Task<IReadOnlyList<Activity>> RunSpansAsync(string runId, int count = 1)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var spans = Spans.RunSpans(runId);
            if (spans.Count >= count || clock.Elapsed > TimeSpan.FromSeconds(15)) return spans;
            await Task.Delay(20);
        }
    }

    /// <summary>The spans of a trace as an indented tree, one line per span: name, kind, duration and attributes.</summary>
    public string Tree(ActivityTraceId traceId)
    {
        var spans = Spans.InTrace(traceId).OrderBy(s => s.StartTimeUtc).ToArray();
        var ids = spans.Select(s => s.SpanId).ToHashSet();
        var text = new StringBuilder();
        foreach (var root in spans.Where(s => !ids.Contains(s.ParentSpanId))) Write(root, 0);
        return text.ToString();

        void Write(Activity span, int depth)
        {
            var tags = string.Join(", ", span.TagObjects
                .Where(t => t.Key.StartsWith("chatflows.", StringComparison.Ordinal) || t.Key.StartsWith("gen_ai.", StringComparison.Ordinal)
                    || t.Key is "http.request.method" or "http.response.status_code" or "url.full" or "http.route")
                .Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Key}={t.Value}")));
            var status = span.Status == ActivityStatusCode.Error ? " ERROR" : "";
            text.Append(CultureInfo.InvariantCulture, $"{new string(' ', depth * 2)}{span.DisplayName} [{span.Kind}, {span.Duration.TotalMilliseconds:0.0} ms{status}] {tags}\n");
            foreach (var child in spans.Where(s => s.ParentSpanId == span.SpanId)) Write(child, depth + 1);
        }
    }

    /// <summary>The JSON of a template's workflow, as the editor saves it.</summary>
    public static string TemplateWorkflow(string id)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "templates", id + ".json");
        if (!File.Exists(path)) path = Path.Combine(FindRepository(), "templates", id + ".json");
        return JsonElement.Parse(File.ReadAllText(path)).GetProperty("workflow").GetRawText();
    }

    private static string FindRepository()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "ChatFlows.sln"))) folder = folder.Parent;
        return folder?.FullName ?? throw new InvalidOperationException("The repository root (ChatFlows.sln) is not above the test binaries.");
    }
}
