using System.Buffers.Binary;
using System.IO.Compression;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace ChatFlows.Bot.Tests.Telemetry;

/// <summary>
/// A local OTLP receiver on Kestrel speaking the real wire format, as a collector does: OTLP/HTTP (<c>POST /v1/traces</c>
/// and <c>/v1/metrics</c>, a protobuf body) on one free port of 127.0.0.1, and OTLP/gRPC (HTTP/2 without TLS, the
/// <c>Export</c> methods of the trace and metrics services, a length-prefixed protobuf message) on another. Every
/// export is decoded and recorded with its headers.
/// </summary>
internal sealed class OtlpCollector : IAsyncDisposable
{
    /// <summary>The gRPC method of <c>opentelemetry.proto.collector.trace.v1.TraceService</c>.</summary>
    public const string GrpcTracePath = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";

    /// <summary>The gRPC method of <c>opentelemetry.proto.collector.metrics.v1.MetricsService</c>.</summary>
    public const string GrpcMetricsPath = "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export";

    private const string Grpc = "grpc";
    private const string HttpProtobuf = "http/protobuf";

    private readonly Lock _gate = new();
    private readonly List<OtlpExport> _exports = [];
    private readonly List<(Func<IReadOnlyList<OtlpExport>, bool> Done, TaskCompletionSource Reached)> _waiters = [];
    private WebApplication _app = null!;
    private ListenOptions _http = null!;
    private ListenOptions _grpc = null!;

    /// <summary>The OTLP/HTTP receiver's bare address, e.g. <c>http://127.0.0.1:41234/</c> (a collector's 4318).</summary>
    public Uri HttpEndpoint => new($"http://127.0.0.1:{_http.IPEndPoint!.Port}/");

    /// <summary>The OTLP/gRPC receiver's address, e.g. <c>http://127.0.0.1:41235/</c> (a collector's 4317).</summary>
    public Uri GrpcEndpoint => new($"http://127.0.0.1:{_grpc.IPEndPoint!.Port}/");

    /// <summary>The receiver for <paramref name="protocol"/>: <c>grpc</c> or <c>http/protobuf</c>.</summary>
    public Uri Endpoint(string protocol) => protocol == Grpc ? GrpcEndpoint : HttpEndpoint;

    /// <summary>
    /// Turn every export away, recorded all the same: OTLP/HTTP with 503, OTLP/gRPC with status 14 (<c>UNAVAILABLE</c>),
    /// as an overloaded collector does.
    /// </summary>
    public bool Unavailable { get; set; }

    /// <summary>The exports received so far, in order of arrival.</summary>
    public IReadOnlyList<OtlpExport> Exports
    {
        get
        {
            lock (_gate) return [.. _exports];
        }
    }

    public static async Task<OtlpCollector> StartAsync()
    {
        var collector = new OtlpCollector();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // Port 0: Kestrel binds a free port and writes it back into the listen options.
            kestrel.Listen(IPAddress.Loopback, 0, listen => collector._http = listen);
            // gRPC without TLS is HTTP/2 with prior knowledge, which only an HTTP/2-only endpoint accepts.
            kestrel.Listen(IPAddress.Loopback, 0, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                collector._grpc = listen;
            });
        });
        collector._app = builder.Build();
        collector._app.Run(collector.ReceiveAsync);
        await collector._app.StartAsync();
        return collector;
    }

    /// <summary>
    /// Completes once the exports received satisfy <paramref name="done"/> (checked now and on every arrival), or
    /// fails with the exports seen after <paramref name="timeout"/>.
    /// </summary>
    public async Task<IReadOnlyList<OtlpExport>> WaitForAsync(Func<IReadOnlyList<OtlpExport>, bool> done, TimeSpan timeout)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (done(_exports)) return [.. _exports];
            _waiters.Add((done, reached));
        }
        try
        {
            await reached.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            var exports = Exports;
            Assert.Fail($"The collector's {exports.Count} exports after {timeout.TotalSeconds:0} s do not hold what was awaited: "
                + string.Join("; ", exports.Select(e => $"{e.Protocol} {e.Path} spans [{string.Join(", ", e.Spans.Select(s => s.Name))}] metrics [{string.Join(", ", e.MetricNames)}]")));
        }
        return Exports;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task ReceiveAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value ?? "";
        if (request.Method != HttpMethods.Post)
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return;
        }
        var headers = request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, context.RequestAborted);
        var body = buffer.ToArray();

        OtlpExport export;
        if (path is GrpcTracePath or GrpcMetricsPath && request.Protocol == HttpProtocol.Http2 && request.ContentType == "application/grpc")
        {
            var message = GrpcMessage(body);
            export = path == GrpcTracePath ? OtlpExport.Traces(Grpc, path, headers, message) : OtlpExport.Metrics(Grpc, path, headers, message);
        }
        else if (path is "/v1/traces" or "/v1/metrics" && request.ContentType == "application/x-protobuf")
        {
            var message = request.Headers.ContentEncoding == "gzip" ? Gunzip(body) : body;
            export = path == "/v1/traces" ? OtlpExport.Traces(HttpProtobuf, path, headers, message) : OtlpExport.Metrics(HttpProtobuf, path, headers, message);
        }
        else
        {
            // A signal sent to the wrong path, or in the wrong form, is what a real collector turns away too.
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        Record(export);

        // An empty Export*ServiceResponse: no partial success to report.
        if (export.Protocol == Grpc)
        {
            context.Response.ContentType = "application/grpc";
            if (!Unavailable) await context.Response.Body.WriteAsync(new byte[5], context.RequestAborted);
            context.Response.AppendTrailer("grpc-status", Unavailable ? "14" : "0");
        }
        else if (Unavailable)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        }
        else
        {
            context.Response.ContentType = "application/x-protobuf";
            context.Response.ContentLength = 0;
        }
    }

    private void Record(OtlpExport export)
    {
        lock (_gate)
        {
            _exports.Add(export);
            foreach (var waiter in _waiters.ToArray())
            {
                if (!waiter.Done(_exports)) continue;
                _waiters.Remove(waiter);
                waiter.Reached.SetResult();
            }
        }
    }

    // A gRPC message: a compressed flag byte and a big-endian length, then the protobuf message (gzip when flagged).
    private static byte[] GrpcMessage(byte[] body)
    {
        var length = checked((int)BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(1, 4)));
        var message = body.AsSpan(5, length).ToArray();
        return body[0] == 1 ? Gunzip(message) : message;
    }

    private static byte[] Gunzip(byte[] compressed)
    {
        using var input = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }
}
