namespace ChatFlows.Bot.Hosting;

/// <summary>
/// Where traces and metrics go (<c>ChatFlows:Telemetry</c>, README §Telemetry): an OTLP collector, and a Prometheus
/// scrape endpoint on the host.
/// </summary>
public sealed class TelemetryOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "ChatFlows:Telemetry";

    /// <summary>The service name spans and metrics carry (<c>service.name</c>).</summary>
    public string ServiceName { get; set; } = "chatflows";

    /// <summary>The OTLP exporter; off until an endpoint is set.</summary>
    public OtlpSettings Otlp { get; set; } = new();

    /// <summary>The Prometheus scrape endpoint.</summary>
    public PrometheusSettings Prometheus { get; set; } = new();

    /// <summary>An OTLP collector's address and protocol.</summary>
    public sealed class OtlpSettings
    {
        /// <summary>The collector, e.g. <c>http://localhost:4317</c> (gRPC) or <c>http://localhost:4318</c> (HTTP); null sends nothing.</summary>
        public Uri? Endpoint { get; set; }

        /// <summary><c>grpc</c> or <c>http/protobuf</c>.</summary>
        public string Protocol { get; set; } = "grpc";

        /// <summary>Headers sent with every export (<c>key=value</c> pairs, comma-separated), e.g. an API key.</summary>
        public string? Headers { get; set; }
    }

    /// <summary>The scrape endpoint's switch and path.</summary>
    public sealed class PrometheusSettings
    {
        /// <summary>Serve metrics in the Prometheus text format at <see cref="Path"/>.</summary>
        public bool Enabled { get; set; } = true;

        /// <summary>The path scraped, <c>/metrics</c> by default.</summary>
        public string Path { get; set; } = "/metrics";
    }
}
