namespace ChatFlows.Bot.Tests.Telemetry;

/// <summary>
/// One OTLP export request as <see cref="OtlpCollector"/> received it: how it came, its headers, and what its
/// <c>ExportTraceServiceRequest</c> or <c>ExportMetricsServiceRequest</c> carried. Field numbers are those of
/// opentelemetry-proto's <c>collector/*/v1/*_service.proto</c>, <c>trace/v1/trace.proto</c>,
/// <c>metrics/v1/metrics.proto</c>, <c>resource/v1/resource.proto</c> and <c>common/v1/common.proto</c>.
/// </summary>
/// <param name="Protocol"><c>grpc</c> or <c>http/protobuf</c>.</param>
/// <param name="Path">The request's path, e.g. <c>/v1/traces</c>.</param>
/// <param name="Headers">The request's headers, by case-insensitive name.</param>
/// <param name="Resources">The attributes of each resource in the request.</param>
/// <param name="Spans">The spans of a trace export; none in a metrics export.</param>
/// <param name="MetricNames">The metrics of a metrics export, by name; none in a trace export.</param>
internal sealed record OtlpExport(
    string Protocol,
    string Path,
    IReadOnlyDictionary<string, string> Headers,
    IReadOnlyList<IReadOnlyDictionary<string, object?>> Resources,
    IReadOnlyList<OtlpSpan> Spans,
    IReadOnlyList<string> MetricNames)
{
    /// <summary>Decodes an <c>ExportTraceServiceRequest</c>.</summary>
    public static OtlpExport Traces(string protocol, string path, IReadOnlyDictionary<string, string> headers, ReadOnlySpan<byte> body)
    {
        var resources = new List<IReadOnlyDictionary<string, object?>>();
        var spans = new List<OtlpSpan>();
        var request = new ProtobufReader(body);
        while (request.Next())
        {
            // ExportTraceServiceRequest.resource_spans = 1
            if (request.Field != 1)
            {
                request.Skip();
                continue;
            }
            IReadOnlyDictionary<string, object?> resource = new Dictionary<string, object?>();
            var scopeSpans = new List<byte[]>();
            var resourceSpans = new ProtobufReader(request.Bytes());
            while (resourceSpans.Next())
            {
                // ResourceSpans.resource = 1, scope_spans = 2
                if (resourceSpans.Field == 1) resource = ResourceAttributes(resourceSpans.Bytes());
                else if (resourceSpans.Field == 2) scopeSpans.Add(resourceSpans.Bytes().ToArray());
                else resourceSpans.Skip();
            }
            resources.Add(resource);
            foreach (var scoped in scopeSpans) ReadScopeSpans(scoped, resource, spans);
        }
        return new OtlpExport(protocol, path, headers, resources, spans, []);
    }

    /// <summary>Decodes an <c>ExportMetricsServiceRequest</c>, keeping each metric's name.</summary>
    public static OtlpExport Metrics(string protocol, string path, IReadOnlyDictionary<string, string> headers, ReadOnlySpan<byte> body)
    {
        var resources = new List<IReadOnlyDictionary<string, object?>>();
        var names = new List<string>();
        var request = new ProtobufReader(body);
        while (request.Next())
        {
            // ExportMetricsServiceRequest.resource_metrics = 1
            if (request.Field != 1)
            {
                request.Skip();
                continue;
            }
            var resourceMetrics = new ProtobufReader(request.Bytes());
            while (resourceMetrics.Next())
            {
                // ResourceMetrics.resource = 1, scope_metrics = 2
                if (resourceMetrics.Field == 1) resources.Add(ResourceAttributes(resourceMetrics.Bytes()));
                else if (resourceMetrics.Field == 2) ReadScopeMetrics(resourceMetrics.Bytes(), names);
                else resourceMetrics.Skip();
            }
        }
        return new OtlpExport(protocol, path, headers, resources, [], names);
    }

    private static void ReadScopeSpans(ReadOnlySpan<byte> message, IReadOnlyDictionary<string, object?> resource, List<OtlpSpan> spans)
    {
        var scope = "";
        var spanMessages = new List<byte[]>();
        var scopeSpans = new ProtobufReader(message);
        while (scopeSpans.Next())
        {
            // ScopeSpans.scope = 1 (InstrumentationScope.name = 1), spans = 2
            if (scopeSpans.Field == 1) scope = ScopeName(scopeSpans.Bytes());
            else if (scopeSpans.Field == 2) spanMessages.Add(scopeSpans.Bytes().ToArray());
            else scopeSpans.Skip();
        }
        foreach (var span in spanMessages) spans.Add(ReadSpan(span, scope, resource));
    }

    private static OtlpSpan ReadSpan(ReadOnlySpan<byte> message, string scope, IReadOnlyDictionary<string, object?> resource)
    {
        string traceId = "", spanId = "", parentSpanId = "", name = "";
        int kind = 0, statusCode = 0;
        var attributes = new Dictionary<string, object?>(StringComparer.Ordinal);
        var span = new ProtobufReader(message);
        while (span.Next())
        {
            switch (span.Field)
            {
                case 1: traceId = Convert.ToHexStringLower(span.Bytes()); break;
                case 2: spanId = Convert.ToHexStringLower(span.Bytes()); break;
                case 4: parentSpanId = Convert.ToHexStringLower(span.Bytes()); break;
                case 5: name = span.String(); break;
                case 6: kind = (int)span.Varint64(); break;
                case 9: AddAttribute(span.Bytes(), attributes); break;
                case 15: statusCode = StatusCode(span.Bytes()); break;
                default: span.Skip(); break;
            }
        }
        return new OtlpSpan(traceId, spanId, parentSpanId, name, kind, attributes, statusCode, scope, resource);
    }

    private static void ReadScopeMetrics(ReadOnlySpan<byte> message, List<string> names)
    {
        var scopeMetrics = new ProtobufReader(message);
        while (scopeMetrics.Next())
        {
            // ScopeMetrics.metrics = 2; Metric.name = 1 (its data, gauge = 5, sum = 7, histogram = 9, is not read)
            if (scopeMetrics.Field != 2)
            {
                scopeMetrics.Skip();
                continue;
            }
            var metric = new ProtobufReader(scopeMetrics.Bytes());
            while (metric.Next())
            {
                if (metric.Field == 1) names.Add(metric.String());
                else metric.Skip();
            }
        }
    }

    // Resource.attributes = 1
    private static Dictionary<string, object?> ResourceAttributes(ReadOnlySpan<byte> message)
    {
        var attributes = new Dictionary<string, object?>(StringComparer.Ordinal);
        var resource = new ProtobufReader(message);
        while (resource.Next())
        {
            if (resource.Field == 1) AddAttribute(resource.Bytes(), attributes);
            else resource.Skip();
        }
        return attributes;
    }

    private static string ScopeName(ReadOnlySpan<byte> message)
    {
        var scope = new ProtobufReader(message);
        while (scope.Next())
        {
            if (scope.Field == 1) return scope.String();
            scope.Skip();
        }
        return "";
    }

    // Status.code = 3
    private static int StatusCode(ReadOnlySpan<byte> message)
    {
        var status = new ProtobufReader(message);
        while (status.Next())
        {
            if (status.Field == 3) return (int)status.Varint64();
            status.Skip();
        }
        return 0;
    }

    // KeyValue.key = 1, value = 2; AnyValue string_value = 1, bool_value = 2, int_value = 3, double_value = 4 (arrays,
    // lists and bytes are kept as null: ChatFlows sets none).
    private static void AddAttribute(ReadOnlySpan<byte> message, Dictionary<string, object?> attributes)
    {
        var key = "";
        object? value = null;
        var keyValue = new ProtobufReader(message);
        while (keyValue.Next())
        {
            if (keyValue.Field == 1)
            {
                key = keyValue.String();
                continue;
            }
            if (keyValue.Field != 2)
            {
                keyValue.Skip();
                continue;
            }
            var any = new ProtobufReader(keyValue.Bytes());
            while (any.Next())
            {
                switch (any.Field)
                {
                    case 1: value = any.String(); break;
                    case 2: value = any.Varint64() != 0; break;
                    case 3: value = (long)any.Varint64(); break;
                    case 4: value = any.Double(); break;
                    default: any.Skip(); break;
                }
            }
        }
        attributes[key] = value;
    }
}
