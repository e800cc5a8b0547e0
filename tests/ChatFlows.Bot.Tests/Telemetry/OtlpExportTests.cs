using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ChatFlows.Core.Telemetry;

namespace ChatFlows.Bot.Tests.Telemetry;

/// <summary>
/// README §Telemetry: with <c>ChatFlows:Telemetry:Otlp</c> set, the host's own OTLP exporters (not a test exporter)
/// send a webhook run's trace and the run metrics over the wire to a collector, in both protocols the settings allow,
/// with the configured headers and service name; a collector that is not there costs a run nothing.
/// </summary>
public sealed class OtlpExportTests
{
    private const string WorkflowId = "otlp-hook";
    private const string HookSecret = "otlp-hook-secret";
    private const string ServiceName = "chatflows-otlp-test";
    private const string OrderJson = """{"orderId": "A-7", "quantity": 12, "packSize": 4}""";
    private static readonly TimeSpan ExportDeadline = TimeSpan.FromSeconds(20);

    // The run metrics of core/ChatFlows.Core/Telemetry/RunMetrics.cs a webhook run records or observes.
    private static readonly string[] RunMetricNames = ["chatflows.runs.started", "chatflows.runs.ended", "chatflows.node.duration", "chatflows.queue.depth"];

    [Theory]
    [InlineData("grpc")]
    [InlineData("http/protobuf")]
    public async Task Webhook_WithTraceparent_RunTraceAndMetricsReachTheCollectorOverTheProtocolWithItsHeaders(string protocol)
    {
        using var exporterEvents = new OtlpExporterEvents();
        await using var collector = await OtlpCollector.StartAsync();
        string[] paths = protocol == "grpc" ? [OtlpCollector.GrpcTracePath, OtlpCollector.GrpcMetricsPath] : ["/v1/traces", "/v1/metrics"];
        var host = new HostFixture(Settings(collector.Endpoint(protocol), protocol));
        await host.InitializeAsync();
        try
        {
            await host.CreateWorkflowAsync(TestWorkflows.RespondingHook(WorkflowId, HookSecret, status: 200));
            var caller = ActivityTraceId.CreateRandom().ToHexString();
            var callerSpan = ActivitySpanId.CreateRandom().ToHexString();

            using var response = await PostHookAsync(host, $"00-{caller}-{callerSpan}-01");

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var exports = await collector.WaitForAsync(
                received => RunSpan(received, caller) is { } run && NodeSpans(received, run).Count == 3 && RunMetricNames.All(received.SelectMany(e => e.MetricNames).Contains),
                ExportDeadline);
            var run = RunSpan(exports, caller)!;
            var spans = exports.SelectMany(e => e.Spans).Where(s => s.TraceId == caller).ToDictionary(s => s.SpanId);
            Assert.Equal((ChatFlowsTelemetry.Name, WorkflowId, "succeeded"), (run.Scope, run.Attributes["chatflows.workflow.id"], run.Attributes["chatflows.run.status"]));
            // Up the parent chain from the run: the webhook request's server span, itself the caller's child.
            var request = Ancestors(run, spans).First(s => s.Kind == OtlpSpan.ServerKind);
            Assert.Equal(("POST /hooks/{workflowId}", callerSpan), (request.Name, request.ParentSpanId));
            Assert.Equal(["execute_node accepted", "execute_node hook", "execute_node packing"], NodeSpans(exports, run).Select(s => s.Name).Order());
            Assert.All(spans.Values, s => Assert.Equal(ServiceName, s.Resource["service.name"]));
            var metrics = exports.Where(e => e.MetricNames.Count > 0).ToArray();
            Assert.NotEmpty(metrics);
            Assert.All(metrics.SelectMany(e => e.Resources), r => Assert.Equal(ServiceName, r["service.name"]));
            // Each signal on its own path of the configured protocol, every export with the configured header.
            Assert.Equal(paths.Order(), exports.Select(e => e.Path).Distinct().Order());
            Assert.All(exports, e => Assert.Equal((protocol, "abc123"), (e.Protocol, e.Headers.GetValueOrDefault("x-api-key"))));
        }
        finally
        {
            await host.DisposeAsync();
        }

        // Stopped, the host has flushed its exporters: each took every answer of the collector for a success.
        var events = exporterEvents.About(collector.Endpoint(protocol));
        Assert.All(events, e => Assert.True(e.Name == "ExportSuccess", e.Text));
        Assert.Equal(paths.Order(), events.Select(e => e.Endpoint.AbsolutePath).Distinct().Order());
    }

    [Theory]
    [InlineData("grpc", "down")]
    [InlineData("http/protobuf", "down")]
    [InlineData("grpc", "unavailable")]
    [InlineData("http/protobuf", "unavailable")]
    public async Task Webhook_CollectorDownOrUnavailable_RunAnswersAsWithoutTelemetry(string protocol, string collectorState)
    {
        // Unavailable, the collector turns every export away (503, or gRPC's UNAVAILABLE); down, nothing listens on the port.
        var unavailable = collectorState == "unavailable";
        using var exporterEvents = new OtlpExporterEvents();
        await using var collector = await OtlpCollector.StartAsync();
        collector.Unavailable = true;
        var host = new HostFixture(Settings(unavailable ? collector.Endpoint(protocol) : NothingListening(), protocol));
        await host.InitializeAsync();
        try
        {
            await host.CreateWorkflowAsync(TestWorkflows.RespondingHook(WorkflowId, HookSecret, status: 200));

            // Several runs, so that exports fail between them (one every 100 ms) while later runs go on.
            for (var i = 0; i < 3; i++)
            {
                var clock = Stopwatch.StartNew();
                using var response = await PostHookAsync(host, $"00-{ActivityTraceId.CreateRandom()}-{ActivitySpanId.CreateRandom()}-01");

                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                var body = await HostFixture.ReadJsonAsync(response);
                Assert.Equal(("A-7", "3"), (body.GetProperty("orderId").GetString(), body.GetProperty("packs").ToString()));
                // Well under the exporter's 10 s timeout: no run waits for an export.
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"The webhook answered after {clock.Elapsed.TotalSeconds:0.0} s.");
            }
            // The refused exports were sent: the runs went on while the exporter failed.
            if (unavailable) await collector.WaitForAsync(received => received.Any(e => e.Spans.Count > 0), ExportDeadline);
        }
        finally
        {
            await host.DisposeAsync();
        }

        // The exporter saw the refusals as failures (the host logged them and went on).
        if (unavailable)
        {
            var events = exporterEvents.About(collector.Endpoint(protocol));
            Assert.NotEmpty(events);
            Assert.DoesNotContain(events, e => e.Name == "ExportSuccess");
        }
    }

    // The telemetry settings under test; the standard OTEL_ variables, read from the host's configuration, make the
    // exporters send every 100 ms (spans) and 200 ms (metrics) rather than every 5 s and 60 s.
    private static Dictionary<string, string> Settings(Uri endpoint, string protocol) => new()
    {
        [$"ChatFlows:Secrets:{HostFixture.HookSecretName}"] = HostFixture.HookSecret,
        ["ChatFlows:Telemetry:ServiceName"] = ServiceName,
        ["ChatFlows:Telemetry:Otlp:Endpoint"] = endpoint.ToString(),
        ["ChatFlows:Telemetry:Otlp:Protocol"] = protocol,
        ["ChatFlows:Telemetry:Otlp:Headers"] = "x-api-key=abc123",
        ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
        ["OTEL_METRIC_EXPORT_INTERVAL"] = "200",
    };

    // A loopback port that was free a moment ago, and so has nothing listening on it.
    private static Uri NothingListening()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return new Uri($"http://127.0.0.1:{port}/");
    }

    private static Task<HttpResponseMessage> PostHookAsync(HostFixture host, string traceParent) =>
        TracingHost.PostHookAsync(host, WorkflowId, HookSecret, OrderJson, traceParent);

    // The run's span in the caller's trace (other hosts of this process export theirs to their own collectors).
    private static OtlpSpan? RunSpan(IReadOnlyList<OtlpExport> exports, string traceId) =>
        exports.SelectMany(e => e.Spans).FirstOrDefault(s => s.TraceId == traceId && s.Name == "invoke_workflow");

    private static List<OtlpSpan> NodeSpans(IReadOnlyList<OtlpExport> exports, OtlpSpan run) =>
        exports.SelectMany(e => e.Spans).Where(s => s.TraceId == run.TraceId && s.ParentSpanId == run.SpanId && s.Name.StartsWith("execute_node ", StringComparison.Ordinal)).ToList();

    private static IEnumerable<OtlpSpan> Ancestors(OtlpSpan span, Dictionary<string, OtlpSpan> spans)
    {
        for (var id = span.ParentSpanId; spans.TryGetValue(id, out var parent); id = parent.ParentSpanId) yield return parent;
    }
}
