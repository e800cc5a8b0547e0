using ChatFlows.Canvas.Templates;
using ChatFlows.Core.Audit;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Running;
using ChatFlows.Core.Storage;
using ChatFlows.Core.Workspaces;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using ValidationProblem = Microsoft.AspNetCore.Http.HttpResults.ValidationProblem;

namespace ChatFlows.Canvas.Api;

/// <summary>
/// <c>/api/workflows</c> (README §HTTP API): workflow documents. Saving is optimistic: an update names the version it was
/// based on in <c>If-Match</c> and loses to any save in between, so two people editing the same workflow never
/// silently overwrite each other. A document that fails validation is never saved.
/// </summary>
public static class WorkflowsApi
{
    /// <summary>Largest workflow document accepted, in bytes.</summary>
    public const int MaxDocumentBytes = 1024 * 1024;

    private const string InvalidTitle = "The workflow is not valid.";

    /// <summary>Maps list, get, create, update and delete.</summary>
    public static RouteGroupBuilder MapWorkflowsApi(this IEndpointRouteBuilder app)
    {
        var workflows = app.MapGroup("/api/workflows");
        workflows.MapGet("/", ListAsync).RequireRole(Role.Viewer);
        workflows.MapGet("/{id}", GetAsync).RequireRole(Role.Viewer);
        workflows.MapPost("/", CreateAsync).RequireRole(Role.Editor);
        workflows.MapPut("/{id}", UpdateAsync).RequireRole(Role.Editor);
        workflows.MapDelete("/{id}", DeleteAsync).RequireRole(Role.Editor);
        return workflows;
    }

    private static async Task<Ok<WorkflowList>> ListAsync(HttpContext http, IWorkflowStore store, IRunStore runs, WorkflowSetup setup, TimeProvider time, CancellationToken ct)
    {
        // Only the addressed workspace's workflows (README §Workspaces and roles).
        var stored = (await store.ListAsync(ct)).Where(w => WorkspaceScope.Holds(http, w)).ToArray();
        var now = time.GetUtcNow();
        var items = new List<WorkflowSummary>(stored.Length);
        foreach (var workflow in stored)
        {
            // One indexed lookup per workflow (runs_by_workflow): the newest run is the first of its history.
            var last = await runs.ListAsync(new RunQuery(workflow.Document.Id, Limit: 1), ct);
            items.Add(WorkflowSummary.From(workflow, last.Items.FirstOrDefault(), now, await setup.NeedsAsync(workflow.Document, ct)));
        }
        return TypedResults.Ok(new WorkflowList(items));
    }

    private static async Task<Results<Ok<WorkflowDocument>, ProblemHttpResult>> GetAsync(string id, HttpResponse response, IWorkflowStore store, CancellationToken ct)
    {
        var stored = await store.GetAsync(id, ct);
        if (stored is null) return NoSuchWorkflow(id);
        response.Headers.ETag = IfMatch.ETag(stored.Document.Version);
        return TypedResults.Ok(stored.Document);
    }

    private static async Task<Results<Created<WorkflowDocument>, ProblemHttpResult, ValidationProblem>> CreateAsync(
        string? template, HttpRequest request, HttpResponse response, IWorkflowStore store, WorkflowEngine engine, WorkflowPlans plans, TemplateLibrary templates, IAuditLog audit,
        CancellationToken ct)
    {
        // ?template=<id>: the workflow is a template installed from the gallery (README §Templates), recorded as imported.
        if (!string.IsNullOrEmpty(template) && templates.Find(template) is null)
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["template"] = [$"There is no template '{template}'; GET /api/templates lists them, or leave template out."] },
                title: InvalidTitle);
        }
        var (read, unreadable) = await ReadDocumentAsync(request, ct);
        if (unreadable is not null) return unreadable;
        // A workflow belongs to the workspace it is created in, whatever the body says.
        var document = read! with { Workspace = WorkspaceRoute.Of(request.HttpContext) };
        if (await InvalidAsync(engine, request, document, ct) is { } invalid) return invalid;
        if (await TakenAsync(store, document, ct) is { } taken) return taken;

        var saved = await store.CreateAsync(document, Caller.Of(request.HttpContext)?.Id, ct);
        if (saved is null)
        {
            // Ids are unique across the install (they address /hooks/{id} and /run <id>); which workspace holds the
            // id is not said, so a team learns nothing of another's workflows.
            var holder = await store.GetAsync(document.Id, ct);
            if (holder is null || !WorkspaceScope.Holds(request.HttpContext, holder))
            {
                return TypedResults.Problem(
                    title: "The id is taken.",
                    detail: $"The id '{document.Id}' is taken; pick another id.",
                    statusCode: StatusCodes.Status409Conflict);
            }
            return TypedResults.Problem(
                title: "The workflow already exists.",
                detail: $"A workflow with the id '{document.Id}' already exists; change it with PUT /api/workflows/{document.Id} and If-Match, or pick another id.",
                statusCode: StatusCodes.Status409Conflict);
        }
        Remember(saved.Document, engine, plans);
        response.Headers.ETag = IfMatch.ETag(saved.Document.Version);
        await (string.IsNullOrEmpty(template)
            ? audit.RecordAsync(request.HttpContext, AuditActions.WorkflowSaved, saved.Document.Id, $"created version {saved.Document.Version}")
            : audit.RecordAsync(request.HttpContext, AuditActions.WorkflowImported, saved.Document.Id, $"from template {template}"));
        return TypedResults.Created(Location(saved.Document), saved.Document);
    }

    private static async Task<Results<Ok<WorkflowDocument>, ProblemHttpResult, ValidationProblem>> UpdateAsync(
        string id, HttpRequest request, HttpResponse response, IWorkflowStore store, WorkflowEngine engine, WorkflowPlans plans, IAuditLog audit, CancellationToken ct)
    {
        if (!IfMatch.TryRead(request, "workflow", out var expected, out var badIfMatch)) return badIfMatch;
        if (expected is null)
        {
            return TypedResults.Problem(
                title: "If-Match is required.",
                detail: $"Send If-Match with the version you edited (the ETag of GET /api/workflows/{id}, e.g. If-Match: \"3\"), so that a save made by someone else in between is not overwritten.",
                statusCode: StatusCodes.Status428PreconditionRequired);
        }

        var (document, unreadable) = await ReadDocumentAsync(request, ct);
        if (unreadable is not null) return unreadable;
        if (!string.IsNullOrEmpty(document!.Id) && document.Id != id)
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["id"] = [$"The document's id '{document.Id}' differs from '{id}' in the URL; a workflow cannot be renamed by saving it. Leave id out or make it '{id}'."] },
                title: InvalidTitle);
        }
        // A workflow stays in its workspace: the path's, which the workflow is in (else the request never got here).
        document = document with { Id = id, Workspace = WorkspaceRoute.Of(request.HttpContext) };
        if (await InvalidAsync(engine, request, document, ct) is { } invalid) return invalid;
        if (await TakenAsync(store, document, ct) is { } taken) return taken;

        var saved = await store.UpdateAsync(document, expected.Value, Caller.Of(request.HttpContext)?.Id, ct);
        if (saved is null)
        {
            var current = await store.GetAsync(id, ct);
            return current is null ? NoSuchWorkflow(id) : Stale(id, expected.Value, current.Document.Version, "save your change");
        }
        Remember(saved.Document, engine, plans);
        response.Headers.ETag = IfMatch.ETag(saved.Document.Version);
        await audit.RecordAsync(request.HttpContext, AuditActions.WorkflowSaved, saved.Document.Id, $"saved version {saved.Document.Version}");
        return TypedResults.Ok(saved.Document);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string id, HttpRequest request, IWorkflowStore store, IAuditLog audit, CancellationToken ct)
    {
        if (!IfMatch.TryRead(request, "workflow", out var expected, out var badIfMatch)) return badIfMatch;
        if (await store.DeleteAsync(id, expected, ct))
        {
            await audit.RecordAsync(request.HttpContext, AuditActions.WorkflowDeleted, id);
            return TypedResults.NoContent();
        }
        var current = await store.GetAsync(id, ct);
        // Without If-Match only a missing workflow refuses deletion (or one re-created in between, which is new to the caller).
        return current is null || expected is null ? NoSuchWorkflow(id) : Stale(id, expected.Value, current.Document.Version, "delete it");
    }

    private static async Task<(WorkflowDocument? Document, ProblemHttpResult? Problem)> ReadDocumentAsync(HttpRequest request, CancellationToken ct)
    {
        var body = await RequestBody.ReadAsync(request, MaxDocumentBytes, ct);
        if (body is null) return (null, RequestBody.TooLarge(MaxDocumentBytes, "A workflow document"));
        try
        {
            return (WorkflowJson.Parse(body), null);
        }
        catch (WorkflowFormatException ex)
        {
            return (null, TypedResults.Problem(title: "The workflow document could not be read.", detail: ex.Message, statusCode: StatusCodes.Status400BadRequest));
        }
    }

    // Every problem at once, keyed by its path (nodes/fetch/config/url), so an editor can mark each field; with what
    // the workspace's tool permissions refuse (README §Workspaces and roles).
    private static async Task<ValidationProblem?> InvalidAsync(WorkflowEngine engine, HttpRequest request, WorkflowDocument document, CancellationToken ct)
    {
        var policies = request.HttpContext.RequestServices.GetRequiredService<WorkspacePolicies>();
        var problems = engine.Validate(document).Concat(await policies.CheckWorkflowAsync(document, WorkspaceRoute.Of(request.HttpContext), ct)).ToList();
        return ValidationProblems.From(problems, InvalidTitle);
    }

    // Every problem at once, keyed by its path (nodes/fetch/config/url), so an editor can mark each field.
    internal static ValidationProblem? Invalid(WorkflowEngine engine, WorkflowDocument document) =>
        ValidationProblems.From(engine.Validate(document), InvalidTitle);

    // A chat command name starts one workflow only. A 400 keyed by nodes/<id>/config/command, like any other problem,
    // so that the editor marks the field; the message names the workflow that has the name.
    internal static async Task<ValidationProblem?> TakenAsync(IWorkflowStore store, WorkflowDocument document, CancellationToken ct) =>
        ValidationProblems.From(CommandNames.Conflicts(document, (await store.ListAsync(ct)).Select(s => s.Document)), "The command name is already taken.");

    // The first run of a version just saved need not load and compile it again.
    private static void Remember(WorkflowDocument saved, WorkflowEngine engine, WorkflowPlans plans) => plans.Remember(engine.Compile(saved));

    internal static ProblemHttpResult Stale(string id, int expected, int current, string action) => TypedResults.Problem(
        title: "The workflow was changed by someone else.",
        detail: current > expected
            ? $"Someone else saved version {current} of workflow '{id}' after version {expected} that you edited. Load it again, check their change, and {action} with If-Match: \"{current}\"."
            : $"Workflow '{id}' is at version {current}, not {expected}. Load it again and {action} with If-Match: \"{current}\".",
        statusCode: StatusCodes.Status409Conflict);

    private static ProblemHttpResult NoSuchWorkflow(string id) =>
        TypedResults.Problem(title: "No such workflow.", detail: $"There is no workflow '{id}'.", statusCode: StatusCodes.Status404NotFound);


    private static string Location(WorkflowDocument saved) => $"{WorkspaceRoute.ApiPrefix(saved.Workspace)}/workflows/{Uri.EscapeDataString(saved.Id)}";
}
