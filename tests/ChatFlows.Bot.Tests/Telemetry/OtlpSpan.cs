namespace ChatFlows.Bot.Tests.Telemetry;

/// <summary>A span as an OTLP collector received it, with the resource and scope it came under.</summary>
/// <param name="TraceId">32 lowercase hex digits.</param>
/// <param name="SpanId">16 lowercase hex digits.</param>
/// <param name="ParentSpanId">16 lowercase hex digits, or empty for a root span.</param>
/// <param name="Name">The span's name, e.g. <c>invoke_workflow</c>.</param>
/// <param name="Kind">OTLP's <c>SpanKind</c>: 1 internal, 2 server, 3 client.</param>
/// <param name="Attributes">String, bool, integer and double attributes.</param>
/// <param name="StatusCode">OTLP's <c>Status.code</c>: 0 unset, 1 ok, 2 error.</param>
/// <param name="Scope">The instrumentation scope's name (the activity source).</param>
/// <param name="Resource">The attributes of the resource the span was exported under.</param>
internal sealed record OtlpSpan(
    string TraceId,
    string SpanId,
    string ParentSpanId,
    string Name,
    int Kind,
    IReadOnlyDictionary<string, object?> Attributes,
    int StatusCode,
    string Scope,
    IReadOnlyDictionary<string, object?> Resource)
{
    /// <summary>OTLP's <c>SPAN_KIND_SERVER</c>.</summary>
    public const int ServerKind = 2;
}
