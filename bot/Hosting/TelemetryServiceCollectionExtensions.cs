using Microsoft.Extensions.Options;

namespace ChatFlows.Bot.Hosting;

/// <summary>Registers OpenTelemetry (README §Telemetry): traces, metrics and their exporters from <see cref="TelemetryOptions"/>.</summary>
public static class TelemetryServiceCollectionExtensions
{
    /// <summary>Adds traces and metrics as <c>ChatFlows:Telemetry</c> configures them.</summary>
    public static IServiceCollection AddTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        services.AddOptions<TelemetryOptions>().BindConfiguration(TelemetryOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TelemetryOptions>, TelemetryOptionsValidation>();
        if (!TelemetryOptionsValidation.IsUsable(options)) return services;
        services.AddTraceExport(options);
        services.AddMetricExport(options);
        return services;
    }
}
