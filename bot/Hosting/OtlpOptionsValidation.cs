using Microsoft.Extensions.Options;
using OpenTelemetry.Exporter;

namespace ChatFlows.Bot.Hosting;

/// <summary>
/// Stops the host at start-up when the OTLP exporter could not send anything (README §Telemetry): an unknown
/// <c>ChatFlows:Telemetry:Otlp:Protocol</c>, an endpoint that is not an http(s) address, or headers not written as
/// <c>key=value</c> pairs.
/// </summary>
internal sealed class OtlpOptionsValidation : IValidateOptions<TelemetryOptions>
{
    private const string Grpc = "grpc";
    private const string HttpProtobuf = "http/protobuf";

    public ValidateOptionsResult Validate(string? name, TelemetryOptions options) => Problem(options.Otlp) is { } problem
        ? ValidateOptionsResult.Fail(problem)
        : ValidateOptionsResult.Success;

    /// <summary>True when the settings can configure an exporter.</summary>
    public static bool IsValid(TelemetryOptions.OtlpSettings otlp) => Problem(otlp) is null;

    /// <summary>The exporter protocol a valid <c>Protocol</c> setting names.</summary>
    public static OtlpExportProtocol ProtocolOf(string protocol) =>
        string.Equals(protocol.Trim(), HttpProtobuf, StringComparison.OrdinalIgnoreCase) ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;

    private static string? Problem(TelemetryOptions.OtlpSettings otlp)
    {
        var protocol = otlp.Protocol?.Trim() ?? "";
        if (!string.Equals(protocol, Grpc, StringComparison.OrdinalIgnoreCase) && !string.Equals(protocol, HttpProtobuf, StringComparison.OrdinalIgnoreCase))
        {
            return $"ChatFlows:Telemetry:Otlp:Protocol is '{otlp.Protocol}'; it must be '{Grpc}' (a collector on port 4317) or '{HttpProtobuf}' (port 4318).";
        }
        if (otlp.Endpoint is { } endpoint && (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps)))
        {
            return $"ChatFlows:Telemetry:Otlp:Endpoint is '{endpoint}'; it must be an http:// or https:// address, e.g. http://localhost:4317.";
        }
        if (!string.IsNullOrWhiteSpace(otlp.Headers) && otlp.Headers.Split(',').Any(pair => pair.IndexOf('=', StringComparison.Ordinal) <= 0))
        {
            return "ChatFlows:Telemetry:Otlp:Headers must be comma-separated key=value pairs, e.g. 'x-api-key=abc123'.";
        }
        return null;
    }
}
