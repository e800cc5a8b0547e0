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
    /// <summary>The activity sources of Semantic Kernel's GenAI diagnostics: the <c>chat {model}</c> spans of agent calls.</summary>
    public const string SemanticKernelSources = "Microsoft.SemanticKernel*";

    /// <summary>Semantic Kernel's meters: the OpenAI connector's prompt, completion and total token counters.</summary>
    public const string SemanticKernelMeters = "Microsoft.SemanticKernel*";

    /// <summary>
    /// With <c>ChatFlows:Telemetry:Otlp:Endpoint</c> set, collects the ChatFlows spans, incoming requests (whose
    /// <c>traceparent</c> a webhook's run continues), outgoing HTTP calls and agent model calls, and exports them.
    /// Without it nothing listens, so runs open no spans and store no trace context.
    /// </summary>
    public static IServiceCollection AddTraceExport(this IServiceCollection services, TelemetryOptions options)
    {
        services.AddSingleton<IValidateOptions<TelemetryOptions>, OtlpOptionsValidation>();
        services.AddOptions<TelemetryOptions>().ValidateOnStart();
        // Agent calls' token counters go wherever the metrics go (Prometheus, OTLP), whether or not traces are exported.
        services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(SemanticKernelMeters));
        if (options.Otlp.Endpoint is not { } endpoint || !OtlpOptionsValidation.IsValid(options.Otlp)) return services;
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(options.ServiceName))
            .WithTracing(tracing => tracing
                .AddSource(ChatFlowsTelemetry.Name, SemanticKernelSources)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddOtlpExporter(otlp =>
                {
                    otlp.Protocol = OtlpOptionsValidation.ProtocolOf(options.Otlp.Protocol);
                    // Set in code, an HTTP endpoint is used as is; the setting names the collector, so add the signal's path.
                    otlp.Endpoint = otlp.Protocol == OtlpExportProtocol.HttpProtobuf && endpoint.AbsolutePath == "/" ? new Uri(endpoint, "v1/traces") : endpoint;
                    if (!string.IsNullOrWhiteSpace(options.Otlp.Headers)) otlp.Headers = options.Otlp.Headers;
                }));
        return services;
    }
}
