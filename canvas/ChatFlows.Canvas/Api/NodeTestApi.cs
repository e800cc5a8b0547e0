using System.Text.Json;
using System.Text.Json.Nodes;
using ChatFlows.Core.Documents;
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
/// <c>POST /api/workflows/{id}/nodes/{nodeId}/test</c> (README §Test a node): runs one node on its own with the last run's
/// inputs, the sample data pinned in the workflow, or inputs the caller gives, without starting a run. A node that does
/// something outside the run is a 409 naming it until the request says <c>confirm: true</c>; a node that fails is a 200
/// with its error, since that is the test's result.
/// </summary>
public static class NodeTestApi
{
    /// <summary>Largest request accepted (a document and its inputs), in bytes.</summary>
    public const int MaxRequestBytes = 2 * 1024 * 1024;

    private const string InvalidTitle = "The node test request is not valid.";

    /// <summary>Maps the node test.</summary>
    public static IEndpointRouteBuilder MapNodeTestApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/workflows/{id}/nodes/{nodeId}/test", TestAsync).RequireRole(Role.Editor);
        return app;
    }

    private static async Task<Results<Ok<NodeTestView>, ProblemHttpResult, ValidationProblem>> TestAsync(
        string id, string nodeId, HttpRequest request, IWorkflowStore workflows, IRunStore runs, NodeTester tester, CancellationToken ct)
    {
        var body = await RequestBody.ReadAsync(request, MaxRequestBytes, ct);
        if (body is null) return RequestBody.TooLarge(MaxRequestBytes, "A node test request");
        if (!RequestBody.TryParseJson(body, out var json, out var error))
        {
            return TypedResults.Problem(title: "The node test request could not be read.", detail: error, statusCode: StatusCodes.Status400BadRequest);
        }
        if (json.ValueKind != JsonValueKind.Object) return Invalid("body", "The request must be a JSON object: { source, document?, trigger?, data?, confirm? }.");

        var source = "lastRun";
        if (json.TryGetProperty("source", out var sourceValue))
        {
            source = sourceValue.ValueKind == JsonValueKind.String ? sourceValue.GetString()! : "";
            if (source is not ("lastRun" or "pinned" or "custom")) return Invalid("source", "source must be \"lastRun\", \"pinned\" or \"custom\".");
        }
        var confirm = false;
        if (json.TryGetProperty("confirm", out var confirmValue))
        {
            if (confirmValue.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) return Invalid("confirm", "confirm must be true or false.");
            confirm = confirmValue.GetBoolean();
        }

        // An unsaved edit (or a workflow not saved yet) is tested as sent; otherwise the saved version.
        WorkflowDocument document;
        if (json.TryGetProperty("document", out var sent) && sent.ValueKind != JsonValueKind.Null)
        {
            if (sent.ValueKind != JsonValueKind.Object) return Invalid("document", "document must be a workflow document (a JSON object).");
            if (!RequestBody.TryReadDocument(sent, out var read, out var documentError)) return Invalid("document", documentError);
            // Tested in the addressed workspace, with its secrets and connections, whatever the document says.
            document = read with { Workspace = WorkspaceRoute.Of(request.HttpContext) };
            if (string.IsNullOrEmpty(document.Id)) document = document with { Id = id };
        }
        else if (await workflows.GetAsync(id, ct) is { } stored)
        {
            document = stored.Document;
        }
        else
        {
            return TypedResults.Problem(title: "No such workflow.", detail: $"There is no workflow '{id}'; send the document to test a node of an unsaved workflow.", statusCode: StatusCodes.Status404NotFound);
        }

        if (document.Nodes.All(n => n.Id != nodeId))
        {
            return TypedResults.Problem(title: "No such node.", detail: $"Workflow '{document.Id}' has no node '{nodeId}'.", statusCode: StatusCodes.Status404NotFound);
        }
        if (tester.KindOf(document, nodeId) is { SideEffect: { } effect } && !confirm)
        {
            return TypedResults.Problem(
                title: "This node acts outside the run.",
                detail: $"This node {effect}. Test it for real? Send confirm: true to run it.",
                statusCode: StatusCodes.Status409Conflict,
                extensions: new Dictionary<string, object?> { ["sideEffect"] = effect });
        }

        string? fromRun = null;
        NodeTestInputs inputs;
        switch (source)
        {
            case "lastRun":
                var last = (await runs.ListAsync(new RunQuery(id, Limit: 1, Workspace: WorkspaceRoute.Of(request.HttpContext)), ct)).Items.FirstOrDefault();
                var run = last is null ? null : await runs.GetAsync(last.Id, ct);
                if (run is null) return Invalid("source", $"Workflow '{id}' has no run yet; run it once, pin sample data, or give the inputs (source \"custom\").");
                fromRun = run.Id;
                inputs = new NodeTestInputs(run.Trigger, run.Nodes
                    .Where(n => n is { Status: Core.Running.NodeStatus.Succeeded or Core.Running.NodeStatus.Failed, Output: not null })
                    .ToDictionary(n => n.NodeId, n => n.Output!.Value, StringComparer.Ordinal));
                break;
            case "pinned":
                if (document.Pinned is not { } pinned) return Invalid("source", $"Workflow '{document.Id}' has no pinned sample data; pin a node's output first, or choose another source.");
                inputs = new NodeTestInputs(Element(pinned["trigger"]) ?? EmptyObject(), Nodes(pinned["nodes"] as JsonObject));
                break;
            default:
                var trigger = EmptyObject();
                if (json.TryGetProperty("trigger", out var given) && given.ValueKind != JsonValueKind.Null) trigger = given;
                var data = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
                if (json.TryGetProperty("data", out var dataValue) && dataValue.ValueKind != JsonValueKind.Null)
                {
                    if (dataValue.ValueKind != JsonValueKind.Object) return Invalid("data", "data must be an object of node ids to their outputs, like {\"fetch\": {\"status\": 200}}.");
                    foreach (var property in dataValue.EnumerateObject()) data[property.Name] = property.Value;
                }
                inputs = new NodeTestInputs(trigger, data);
                break;
        }

        NodeTestResult result;
        try
        {
            result = await tester.TestAsync(document, nodeId, inputs, confirm, Caller.Of(request.HttpContext)?.Id ?? "api", ct);
        }
        catch (WorkflowValidationException ex)
        {
            return ValidationProblems.From(ex.Problems, "The node cannot be tested.") ?? Invalid($"nodes/{nodeId}", "The node's config is not valid.");
        }
        return TypedResults.Ok(new NodeTestView(
            result.NodeId, result.Kind, result.Status, result.Output, result.Port, result.Error, result.DurationMs, result.WaitsOn, source, fromRun, inputs.Trigger));
    }

    private static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: InvalidTitle);

    private static JsonElement EmptyObject() => JsonSerializer.SerializeToElement(new { });

    private static JsonElement? Element(JsonNode? node) => node is null ? null : JsonSerializer.SerializeToElement(node);

    private static Dictionary<string, JsonElement> Nodes(JsonObject? nodes)
    {
        var data = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (nodes is null) return data;
        foreach (var (id, output) in nodes)
        {
            if (Element(output) is { } value) data[id] = value;
        }
        return data;
    }
}
