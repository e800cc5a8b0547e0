using ChatFlows.Core.Running;
using ChatFlows.Core.Storage;
using ChatFlows.Core.Workspaces;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace ChatFlows.Canvas.Api;

/// <summary>
/// <c>GET /api/workflows/{id}/setup</c> (README §Workflows that need set-up): what one workflow needs before it can
/// run, as the list gives it in <c>setup</c>: <c>{ "items": [{ "path", "message" }] }</c>, empty when it is ready.
/// </summary>
public static class WorkflowSetupApi
{
    /// <summary>Maps the set-up endpoint.</summary>
    public static IEndpointRouteBuilder MapWorkflowSetupApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/workflows/{id}/setup", GetAsync).RequireRole(Role.Viewer);
        return app;
    }

    private static async Task<Results<Ok<WorkflowSetupList>, ProblemHttpResult>> GetAsync(string id, IWorkflowStore store, WorkflowSetup setup, CancellationToken ct)
    {
        var stored = await store.GetAsync(id, ct);
        if (stored is null)
        {
            return TypedResults.Problem(
                title: "No such workflow.", detail: $"There is no workflow '{id}'; GET /api/workflows lists them.", statusCode: StatusCodes.Status404NotFound);
        }
        return TypedResults.Ok(new WorkflowSetupList(await setup.NeedsAsync(stored.Document, ct)));
    }
}

/// <summary>The answer to <c>GET /api/workflows/{id}/setup</c>.</summary>
internal sealed record WorkflowSetupList(IReadOnlyList<Core.Documents.ValidationProblem> Items);
