using ChatFlows.Core.Telemetry;
using Microsoft.Extensions.Options;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace ChatFlows.Bot.Hosting;

/// <summary>Run, node and model-call spans, exported over OTLP when an endpoint is configured (README §Telemetry).</summary>
internal static class TracingSetup
{
    /// <summary>The activity sources of Semantic Kernel: the spans of the functions it invokes, an agent's tool calls.</summary>
    public const string SemanticKernelSources = "Microsoft.SemanticKernel*";

    /// <summary>
    /// With <c>ChatFlows:Telemetry:Otlp:Endpoint</c> set, collects the ChatFlows spans, incoming requests (whose
    /// <c>traceparent</c> a webhook's run continues), outgoing HTTP calls, agent model calls (the <c>chat {model}</c> spans
    /// of <see cref="ChatFlowsTelemetry.ModelCalls"/>) and tool calls, and exports them.
    /// Without it nothing listens, so runs open no spans and store no trace context. <paramref name="options"/> are
    /// usable ones (<see cref="TelemetryServiceCollectionExtensions.AddTelemetry"/> checks).
    /// </summary>
    public static IServiceCollection AddTraceExport(this IServiceCollection services, TelemetryOptions options)
    {
        if (TelemetryOptionsValidation.Collector(options) is not { } endpoint) return services;
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(options.ServiceName))
            .WithTracing(tracing => tracing
                .AddSource(ChatFlowsTelemetry.Name, ChatFlowsTelemetry.ModelCalls, SemanticKernelSources)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddOtlpExporter(otlp => TelemetryOptionsValidation.SendTo(otlp, options, endpoint, "v1/traces")));
        return services;
    }
}
