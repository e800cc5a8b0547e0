using ChatFlows.Canvas.Api;
using ChatFlows.Core.Workspaces;

namespace ChatFlows.Bot.Hosting;

/// <summary>The Prometheus scrape endpoint (README §Telemetry).</summary>
public static class TelemetryEndpoints
{
    /// <summary>
    /// Maps <c>ChatFlows:Telemetry:Prometheus:Path</c> (<c>/metrics</c>) when it is enabled, for viewers of the default
    /// workspace. Like the API it answers this machine, and other machines that send the API key as a bearer token
    /// (Prometheus's <c>authorization</c> setting).
    /// </summary>
    public static IEndpointRouteBuilder MapTelemetryEndpoints(this IEndpointRouteBuilder app)
    {
        var options = app.ServiceProvider.GetRequiredService<IConfiguration>().GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        if (!options.Prometheus.Enabled || !TelemetryOptionsValidation.IsUsable(options)) return app;
        app.MapPrometheusScrapingEndpoint(options.Prometheus.Path, meterProvider: null, configureBranchedPipeline: OnlyTheDefaultWorkspace, optionsName: null)
            .RequireRole(Role.Viewer);
        return app;
    }

    // The metrics name workflows of every workspace, so a viewer of one workspace (/w/{workspace}/metrics) may not read them.
    private static void OnlyTheDefaultWorkspace(IApplicationBuilder branch) => branch.Use(async (http, next) =>
    {
        if (WorkspaceRoute.Of(http) == WorkspaceIds.Default)
        {
            await next(http);
            return;
        }
        await Results.Problem(
            title: "Metrics are not served per workspace.",
            detail: $"The metrics of every workspace are at {http.Request.Path} without a /w/{{workspace}} prefix, for viewers of the default workspace.",
            statusCode: StatusCodes.Status404NotFound).ExecuteAsync(http);
    });
}
