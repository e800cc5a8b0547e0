using ChatFlows.Bot.Hosting;
using OpenTelemetry.Exporter;

namespace ChatFlows.Bot.Tests.Telemetry;

/// <summary>Telemetry settings that cannot work stop the host at start-up with a sentence naming the setting.</summary>
public sealed class TelemetryOptionsValidationTests
{
    [Theory]
    [InlineData("/api/metrics")]
    [InlineData("metrics")]
    [InlineData("/")]
    [InlineData("/hooks")]
    public void Validate_PrometheusPathTakenOrRelative_FailsNamingTheSetting(string path)
    {
        var options = new TelemetryOptions { Prometheus = { Path = path } };

        var result = new TelemetryOptionsValidation().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("ChatFlows:Telemetry:Prometheus:Path", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UnknownOtlpProtocol_FailsNamingTheChoices()
    {
        var options = new TelemetryOptions { Otlp = { Endpoint = new Uri("http://collector:4317"), Protocol = "udp" } };

        var result = new TelemetryOptionsValidation().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("'grpc' (a collector on port 4317) or 'http/protobuf' (port 4318)", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SampleSettings_Succeed()
    {
        var options = new TelemetryOptions { Otlp = { Endpoint = new Uri("", UriKind.RelativeOrAbsolute) } };

        Assert.True(new TelemetryOptionsValidation().Validate(null, options).Succeeded);
        Assert.Null(TelemetryOptionsValidation.Collector(options));
    }

    [Theory]
    [InlineData("http://collector:4318", "http/protobuf", "http://collector:4318/v1/metrics")]
    [InlineData("http://collector:4318/custom/metrics", "http/protobuf", "http://collector:4318/custom/metrics")]
    [InlineData("http://collector:4317", "grpc", "http://collector:4317/")]
    public void SignalEndpoint_BareHttpAddress_GetsTheMetricsPath(string endpoint, string protocol, string expected)
    {
        var sent = TelemetryOptionsValidation.SignalEndpoint(new Uri(endpoint), TelemetryOptionsValidation.Protocol(protocol), "v1/metrics");

        Assert.Equal(expected, sent.ToString());
        Assert.Equal(protocol == "grpc" ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf, TelemetryOptionsValidation.Protocol(protocol));
    }
}
