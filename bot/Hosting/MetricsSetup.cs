using ChatFlows.Core.Running;
using ChatFlows.Core.Storage;
using ChatFlows.Core.Telemetry;
using Microsoft.Extensions.Options;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace ChatFlows.Bot.Hosting;

/// <summary>Run, node, queue and chat delivery metrics, exported over OTLP and served for Prometheus (README §Telemetry).</summary>
internal static class MetricsSetup
{
    // .NET's own meters: GC, thread pool and exceptions (System.Runtime), requests and connections (ASP.NET Core,
    // Kestrel), outgoing calls (HttpClient); Microsoft.Extensions.AI's, on which agent model calls report their tokens
    // and duration (gen_ai.client.token.usage, gen_ai.client.operation.duration); and Semantic Kernel's, which times
    // the functions it invokes (an agent's tools).
    private static readonly string[] PlatformMeters =
    [
        "System.Runtime", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Net.Http", ChatFlowsTelemetry.ModelCalls,
        "Microsoft.SemanticKernel*",
    ];

    /// <summary>Collects the meters above for Prometheus and the OTLP collector, as usable <paramref name="options"/> say (<see cref="TelemetryServiceCollectionExtensions.AddTelemetry"/> checks).</summary>
    public static IServiceCollection AddMetricExport(this IServiceCollection services, TelemetryOptions options)
    {
        // Nowhere to send them: the instruments still exist (and cost a flag check), but nothing is collected.
        if (!options.Prometheus.Enabled && TelemetryOptionsValidation.Collector(options) is null) return services;

        services.AddOpenTelemetry().WithMetrics(metrics =>
        {
            metrics
                .ConfigureResource(resource => resource.AddService(options.ServiceName))
                .AddMeter(ChatFlowsTelemetry.Name)
                .AddMeter(PlatformMeters);
            if (options.Prometheus.Enabled) metrics.AddPrometheusExporter();
            if (TelemetryOptionsValidation.Collector(options) is { } endpoint)
            {
                metrics.AddOtlpExporter(otlp => TelemetryOptionsValidation.SendTo(otlp, options, endpoint, "v1/metrics"));
            }
        });
        return services;
    }
}
