using Microsoft.Extensions.Options;
using OpenTelemetry.Exporter;

namespace ChatFlows.Bot.Hosting;

/// <summary>Stops the host at start-up on a telemetry setting that cannot work (README §Telemetry).</summary>
internal sealed class TelemetryOptionsValidation : IValidateOptions<TelemetryOptions>
{
    private const string Grpc = "grpc";
    private const string HttpProtobuf = "http/protobuf";

    public ValidateOptionsResult Validate(string? name, TelemetryOptions options)
    {
        if (!string.Equals(options.Otlp.Protocol, Grpc, StringComparison.OrdinalIgnoreCase)
            && !string.Equals(options.Otlp.Protocol, HttpProtobuf, StringComparison.OrdinalIgnoreCase))
        {
            return ValidateOptionsResult.Fail(
                $"{TelemetryOptions.Section}:Otlp:Protocol is '{options.Otlp.Protocol}'; it must be '{Grpc}' (a collector on port 4317) or '{HttpProtobuf}' (port 4318).");
        }
        if (Collector(options) is { } endpoint && (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps)))
        {
            return ValidateOptionsResult.Fail($"{TelemetryOptions.Section}:Otlp:Endpoint is '{endpoint}'; it must be an http:// or https:// address such as http://localhost:4317.");
        }
        if (!string.IsNullOrWhiteSpace(options.Otlp.Headers) && options.Otlp.Headers.Split(',').Any(pair => pair.IndexOf('=', StringComparison.Ordinal) <= 0))
        {
            return ValidateOptionsResult.Fail($"{TelemetryOptions.Section}:Otlp:Headers must be comma-separated key=value pairs, e.g. 'x-api-key=abc123'.");
        }
        var path = options.Prometheus.Path;
        if (options.Prometheus.Enabled && (string.IsNullOrWhiteSpace(path) || !path.StartsWith('/') || path.Length < 2 || IsTaken(path)))
        {
            return ValidateOptionsResult.Fail(
                $"{TelemetryOptions.Section}:Prometheus:Path is '{path}'; it must start with '/' and not be '/' or lie under /api, /hooks, /slack, /playground or /w: /metrics is the usual one.");
        }
        return ValidateOptionsResult.Success;
    }

    /// <summary>
    /// Whether <paramref name="options"/> pass <see cref="Validate"/>. Exporters and the scrape endpoint are set up only
    /// from options that do; the start then fails on the others with one line (ValidateOnStart), not here.
    /// </summary>
    internal static bool IsUsable(TelemetryOptions options) => new TelemetryOptionsValidation().Validate(null, options).Succeeded;

    /// <summary>The OTLP collector, or null when none is set (the sample's empty <c>Endpoint</c> binds to an empty address).</summary>
    internal static Uri? Collector(TelemetryOptions options) =>
        options.Otlp.Endpoint is { OriginalString.Length: > 0 } endpoint ? endpoint : null;

    /// <summary>The exporter protocol a valid <c>Otlp:Protocol</c> names.</summary>
    internal static OtlpExportProtocol Protocol(string protocol) =>
        string.Equals(protocol, HttpProtobuf, StringComparison.OrdinalIgnoreCase) ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;

    /// <summary>
    /// Points an OTLP exporter at the configured collector. Over HTTP each signal has its own path; a collector's bare
    /// address gets it appended, as the OTEL_EXPORTER_OTLP_ENDPOINT variable does. A path given in the setting is used as it is.
    /// </summary>
    internal static void SendTo(OtlpExporterOptions otlp, TelemetryOptions options, Uri collector, string signalPath)
    {
        otlp.Protocol = Protocol(options.Otlp.Protocol);
        otlp.Endpoint = SignalEndpoint(collector, otlp.Protocol, signalPath);
        if (!string.IsNullOrWhiteSpace(options.Otlp.Headers)) otlp.Headers = options.Otlp.Headers;
    }

    internal static Uri SignalEndpoint(Uri endpoint, OtlpExportProtocol protocol, string signalPath) =>
        protocol == OtlpExportProtocol.HttpProtobuf && endpoint.AbsolutePath == "/" ? new Uri(endpoint, signalPath) : endpoint;

    // Paths other endpoints own; a scrape endpoint there would shadow them or be shadowed.
    private static bool IsTaken(string path) =>
        new[] { "/api", "/hooks", "/slack", "/playground", "/w" }.Any(taken => new PathString(path).StartsWithSegments(taken, StringComparison.OrdinalIgnoreCase));
}
