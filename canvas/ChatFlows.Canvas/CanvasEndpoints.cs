using ChatFlows.Canvas.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace ChatFlows.Canvas;

/// <summary>Maps the canvas: its JSON API (workflows, runs) and pages.</summary>
public static class CanvasEndpoints
{
    /// <summary>Maps every canvas route.</summary>
    public static IEndpointRouteBuilder MapCanvas(this IEndpointRouteBuilder app)
    {
        app.MapWorkflowsApi();
        app.MapRunsApi();
        return app;
    }
}
