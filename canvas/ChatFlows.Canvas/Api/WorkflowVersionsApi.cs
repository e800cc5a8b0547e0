using System.Globalization;
using ChatFlows.Core.Audit;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Running;
using ChatFlows.Core.Storage;
using ChatFlows.Core.Workspaces;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using ValidationProblem = Microsoft.AspNetCore.Http.HttpResults.ValidationProblem;

namespace ChatFlows.Canvas.Api;

/// <summary>
/// <c>/api/workflows/{id}/versions</c> (README §Workflow history): every saved version of a workflow with who saved it,
/// any version's document, the diff between two versions, and restoring one as a new version. A version belongs to
/// the workspace it was saved in: asked through another workspace it does not exist. The history of a deleted
/// workflow stays readable, and restoring one of its versions creates the workflow again.
/// </summary>
public static class WorkflowVersionsApi
{
    /// <summary>Maps list, get, diff and restore.</summary>
    public static RouteGroupBuilder MapWorkflowVersionsApi(this IEndpointRouteBuilder app)
    {
        var versions = app.MapGroup("/api/workflows/{id}/versions");
        versions.MapGet("/", ListAsync).RequireRole(Role.Viewer);
        versions.MapGet("/{version}", GetAsync).RequireRole(Role.Viewer);
        versions.MapGet("/{version}/diff", DiffAsync).RequireRole(Role.Viewer);
        versions.MapPost("/{version}/restore", RestoreAsync).RequireRole(Role.Editor);
        return versions;
    }

    private static async Task<Results<Ok<WorkflowVersionList>, ProblemHttpResult>> ListAsync(string id, HttpContext http, IWorkflowStore store, CancellationToken ct)
    {
        var versions = await VersionsAsync(store, id, http, ct);
        if (versions.Count == 0) return NoSuchWorkflow(id);
        var current = await CurrentAsync(store, id, http, ct);
        var items = new List<WorkflowVersionSummary>(versions.Count);
        for (var i = 0; i < versions.Count; i++)
        {
            var version = versions[i];
            // Newest first: the version before this one is the next in the list.
            var summary = i + 1 < versions.Count ? WorkflowDiff.Between(versions[i + 1].Document, version.Document).Summary : Created(version.Document);
            items.Add(new WorkflowVersionSummary(version.Document.Version, version.SavedAt, version.SavedBy, summary, version.Document.Version == current?.Document.Version));
        }
        return TypedResults.Ok(new WorkflowVersionList(id, current?.Document.Version, items));
    }

    private static async Task<Results<Ok<WorkflowDocument>, ProblemHttpResult>> GetAsync(string id, string version, HttpContext http, IWorkflowStore store, CancellationToken ct)
    {
        var found = await VersionAsync(store, id, version, http, ct);
        return found is null ? NoSuchVersion(id, version) : TypedResults.Ok(found);
    }

    private static async Task<Results<Ok<WorkflowDiffView>, ProblemHttpResult, ValidationProblem>> DiffAsync(
        string id, string version, string? to, HttpContext http, IWorkflowStore store, CancellationToken ct)
    {
        int? target = null;
        if (to is not null)
        {
            if (!TryParseVersion(to, out var parsed))
            {
                return TypedResults.ValidationProblem(
                    new Dictionary<string, string[]> { ["to"] = [$"'to' must be a version number such as 3 (a version of workflow '{id}'); got '{to}'. Leave it out to compare with the current version."] },
                    title: "The diff cannot be made.");
            }
            target = parsed;
        }
        var from = await VersionAsync(store, id, version, http, ct);
        if (from is null) return NoSuchVersion(id, version);
        WorkflowDocument? other;
        if (target is { } t)
        {
            other = await VersionAsync(store, id, t.ToString(CultureInfo.InvariantCulture), http, ct);
            if (other is null) return NoSuchVersion(id, to!);
        }
        else
        {
            // The current version; of a deleted workflow, its last one.
            other = (await CurrentAsync(store, id, http, ct))?.Document ?? (await VersionsAsync(store, id, http, ct))[0].Document;
        }
        return TypedResults.Ok(WorkflowDiffView.Of(id, from.Version, other.Version, WorkflowDiff.Between(from, other)));
    }

    private static async Task<Results<Ok<WorkflowDocument>, Created<WorkflowDocument>, ProblemHttpResult, ValidationProblem>> RestoreAsync(
        string id, string version, HttpContext http, IWorkflowStore store, WorkflowEngine engine, WorkflowPlans plans, IAuditLog audit, CancellationToken ct)
    {
        if (!IfMatch.TryRead(http.Request, "workflow", out var expected, out var badIfMatch)) return badIfMatch;
        var restored = await VersionAsync(store, id, version, http, ct);
        if (restored is null) return NoSuchVersion(id, version);
        var current = await store.GetAsync(id, ct);
        if (current is not null && expected is null)
        {
            return TypedResults.Problem(
                title: "If-Match is required.",
                detail: $"Send If-Match with the version the workflow is at (the ETag of GET /api/workflows/{id}, e.g. If-Match: \"{current.Document.Version}\"), so that a save made by someone else in between is not overwritten.",
                statusCode: StatusCodes.Status428PreconditionRequired);
        }
        if (current is null && expected is not null)
        {
            return TypedResults.Problem(
                title: "The workflow was deleted.",
                detail: $"Workflow '{id}' was deleted after version {expected}. Restore version {restored.Version} without If-Match to create it again.",
                statusCode: StatusCodes.Status409Conflict);
        }

        // Validated as a save is: a version valid when saved may break a rule added since (a connection removed).
        var document = restored with { Workspace = WorkspaceRoute.Of(http) };
        if (WorkflowsApi.Invalid(engine, document) is { } invalid) return invalid;
        if (await WorkflowsApi.TakenAsync(store, document, ct) is { } taken) return taken;

        var savedBy = Caller.Of(http)?.Id;
        var saved = current is null ? await store.CreateAsync(document, savedBy, ct) : await store.UpdateAsync(document, expected!.Value, savedBy, ct);
        if (saved is null)
        {
            var now = await store.GetAsync(id, ct);
            return now is null || expected is null
                ? TypedResults.Problem(title: "The workflow was changed by someone else.", detail: $"Workflow '{id}' changed while version {restored.Version} was being restored; load its history again.", statusCode: StatusCodes.Status409Conflict)
                : WorkflowsApi.Stale(id, expected.Value, now.Document.Version, $"restore version {restored.Version}");
        }
        plans.Remember(engine.Compile(saved.Document));
        await audit.RecordAsync(http, AuditActions.WorkflowRestored, id, $"version {restored.Version} restored as version {saved.Document.Version}");
        http.Response.Headers.ETag = IfMatch.ETag(saved.Document.Version);
        return current is null
            ? TypedResults.Created($"/api/workflows/{Uri.EscapeDataString(id)}", saved.Document)
            : TypedResults.Ok(saved.Document);
    }

    // The versions saved in the addressed workspace, newest first.
    private static async Task<IReadOnlyList<WorkflowVersion>> VersionsAsync(IWorkflowStore store, string id, HttpContext http, CancellationToken ct)
    {
        var workspace = WorkspaceRoute.Of(http);
        return (await store.ListVersionsAsync(id, ct)).Where(v => v.Document.Workspace == workspace).ToArray();
    }

    private static async Task<StoredWorkflow?> CurrentAsync(IWorkflowStore store, string id, HttpContext http, CancellationToken ct) =>
        await store.GetAsync(id, ct) is { } current && current.Document.Workspace == WorkspaceRoute.Of(http) ? current : null;

    private static async Task<WorkflowDocument?> VersionAsync(IWorkflowStore store, string id, string version, HttpContext http, CancellationToken ct) =>
        TryParseVersion(version, out var number) && await store.GetVersionAsync(id, number, ct) is { } document && document.Workspace == WorkspaceRoute.Of(http)
            ? document
            : null;

    private static bool TryParseVersion(string text, out int version) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out version) && version > 0;

    private static string Created(WorkflowDocument document) =>
        $"created with {document.Nodes.Count} node{(document.Nodes.Count == 1 ? "" : "s")}";

    private static ProblemHttpResult NoSuchWorkflow(string id) =>
        TypedResults.Problem(title: "No such workflow.", detail: $"There is no workflow '{id}', and none was ever saved under that id.", statusCode: StatusCodes.Status404NotFound);

    private static ProblemHttpResult NoSuchVersion(string id, string version) => TypedResults.Problem(
        title: "No such version.",
        detail: $"Workflow '{id}' has no version '{version}'; GET /api/workflows/{id}/versions lists its versions.",
        statusCode: StatusCodes.Status404NotFound);
}
