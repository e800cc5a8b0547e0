using System.Text.Json;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Running;
using ChatFlows.Core.Storage;
using ChatFlows.Core.Testing;
using ChatFlows.Core.Workspaces;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using ValidationProblem = Microsoft.AspNetCore.Http.HttpResults.ValidationProblem;

namespace ChatFlows.Canvas.Api;

/// <summary>
/// <c>POST /api/workflows/{id}/tests</c> (README §Workflow tests): runs a workflow's own tests offline, with their
/// mocks, and answers each test's result. The body may bring <c>{"document": …}</c>, the editor's unsaved version;
/// without it the saved version is tested. Nothing is posted, sent or stored: the runs live in memory only.
/// </summary>
public static class WorkflowTestsApi
{
    private const string InvalidTitle = "The workflow or its tests are not valid.";

    /// <summary>Maps the tests endpoint.</summary>
    public static RouteHandlerBuilder MapWorkflowTestsApi(this IEndpointRouteBuilder app) =>
        app.MapPost("/api/workflows/{id}/tests", RunAsync).RequireRole(Role.Editor);

    private static async Task<Results<Ok<TestRun>, ProblemHttpResult, ValidationProblem>> RunAsync(
        string id, HttpRequest request, IWorkflowStore store, WorkflowEngine engine, CancellationToken ct)
    {
        var body = await RequestBody.ReadAsync(request, WorkflowsApi.MaxDocumentBytes, ct);
        if (body is null) return RequestBody.TooLarge(WorkflowsApi.MaxDocumentBytes, "A workflow document");
        if (!RequestBody.TryParseJson(body, out var json, out var error)) return Field("body", error);
        if (json.ValueKind != JsonValueKind.Object) return Field("body", "The body must be a JSON object: {} to test the saved workflow, or {\"document\": …} to test an unsaved one.");
        foreach (var property in json.EnumerateObject())
        {
            if (property.Name != "document") return Field(property.Name, $"'{property.Name}' is not known here; the body has only \"document\", the workflow to test.");
        }

        WorkflowDocument document;
        if (json.TryGetProperty("document", out var given))
        {
            if (!RequestBody.TryReadDocument(given, out var read, out var documentError)) return Field("document", documentError);
            document = read;
            if (!string.IsNullOrEmpty(document.Id) && document.Id != id)
            {
                return Field("document/id", $"The document's id '{document.Id}' differs from '{id}' in the URL; leave id out or make it '{id}'.");
            }
            document = document with { Id = id, Workspace = WorkspaceRoute.Of(request.HttpContext) };
        }
        else
        {
            var stored = await store.GetAsync(id, ct);
            if (stored is null)
            {
                return TypedResults.Problem(
                    title: "No such workflow.",
                    detail: $"There is no workflow '{id}'; save it first, or send the unsaved document as {{\"document\": …}}.",
                    statusCode: StatusCodes.Status404NotFound);
            }
            document = stored.Document;
        }

        // The same problems a save reports, keyed by path, so the editor marks the test or node they belong to.
        if (ValidationProblems.From(engine.Validate(document), InvalidTitle) is { } invalid) return invalid;
        var tests = WorkflowTests.Read(document.Tests, document, engine.Registry, []);
        var results = await new WorkflowTestRunner(engine.Registry.Sandbox).RunAsync(document, tests, ct);
        var passed = results.Count(r => r.Passed);
        return TypedResults.Ok(new TestRun(id, passed, results.Count - passed, results));
    }

    private static ValidationProblem Field(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: "The request could not be read.");
}
