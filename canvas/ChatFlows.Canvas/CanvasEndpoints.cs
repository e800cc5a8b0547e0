using ChatFlows.Canvas.Api;
using ChatFlows.Canvas.Pages;
using ChatFlows.Core.Workspaces;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace ChatFlows.Canvas;

/// <summary>Maps the canvas: its JSON API (workflows, runs, agents, models, secrets, connections, schedule previews, node kinds, templates, data paths and previews, widgets, approvals) and its pages (dashboard, editor, runs).</summary>
public static class CanvasEndpoints
{
    /// <summary>Maps every canvas route.</summary>
    public static IEndpointRouteBuilder MapCanvas(this IEndpointRouteBuilder app)
    {
        app.MapWorkflowsApi();
        app.MapWorkflowVersionsApi();
        app.MapWorkflowTestsApi();
        app.MapWorkflowSetupApi();
        app.MapRunsApi();
        app.MapApprovalsApi();
        app.MapNodeTestApi();
        app.MapAgentsApi();
        app.MapModelsApi();
        app.MapSecretsApi();
        app.MapConnectionsApi();
        app.MapKnowledgeApi();
        app.MapSchedulesApi();
        app.MapNodeKindsApi();
        app.MapTemplatesApi();
        app.MapDataPickerApi();
        app.MapWidgetsApi();
        app.MapWorkspacesApi();
        app.MapAuditApi();
        app.MapMembersApi();
        app.MapCanvasPages();
        return app;
    }
}
