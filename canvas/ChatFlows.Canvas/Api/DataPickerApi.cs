using System.Text.Json;
using System.Text.Json.Nodes;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Expressions;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;
using ChatFlows.Core.Secrets;
using ChatFlows.Core.Storage;
using ChatFlows.Core.Workspaces;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using ValidationProblem = Microsoft.AspNetCore.Http.HttpResults.ValidationProblem;

namespace ChatFlows.Canvas.Api;

/// <summary>
/// The editor's data picker and live preview (README §Data picker). Both take the document as the editor holds it,
/// saved or not, and the node being edited: <c>POST /api/workflows/paths</c> lists what the node's templates and
/// conditions can read, with example values from the last run (or pinned sample data); <c>POST
/// /api/workflows/preview</c> renders one template or condition against the same data in the sandbox runs use.
/// Secrets are names only: the preview shows <see cref="SecretMask"/> where a credential field reads one.
/// </summary>
public static class DataPickerApi
{
    /// <summary>What the preview shows for <c>{{ secrets.NAME }}</c>.</summary>
    public const string SecretMask = "••••";

    /// <summary>Most characters of a previewed value returned (the rest is cut, and <c>truncated</c> set).</summary>
    public const int MaxPreviewChars = 2_000;

    private const int MaxFieldLength = 200;

    private const string SandboxLimitKey = "(" + SandboxOptions.SectionName + ":";

    private const string InvalidTitle = "The preview request is not valid.";

    // How many recent runs to look through for one that got as far as running a node.
    private const int RecentRuns = 10;

    /// <summary>Maps the paths and the preview.</summary>
    public static IEndpointRouteBuilder MapDataPickerApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/workflows/paths", PathsAsync).RequireRole(Role.Editor);
        app.MapPost("/api/workflows/preview", PreviewAsync).RequireRole(Role.Editor);
        return app;
    }

    private static async Task<Results<Ok<DataPathList>, ValidationProblem, ProblemHttpResult>> PathsAsync(
        HttpRequest request, IRunStore runs, NodeRegistry registry, SecretVault secrets, CancellationToken ct)
    {
        var (input, invalid, refused) = await ReadAsync(request, registry, preview: false, ct);
        if (invalid is not null) return invalid;
        if (refused is not null) return refused;
        var sample = DataSample.For(input!.Document, input.Node.Id, await LastRunAsync(runs, WorkspaceRoute.Of(request.HttpContext), input.Document.Id, ct));
        var names = input.Credential ? (await secrets.ListAsync(WorkspaceRoute.Of(request.HttpContext), ct)).Select(s => s.Name) : null;
        var paths = DataPaths.List(sample, input.Expression, names);
        return TypedResults.Ok(new DataPathList(sample.RunId, sample.TriggerSource, paths));
    }

    private static async Task<Results<Ok<DataPreview>, ValidationProblem, ProblemHttpResult>> PreviewAsync(
        HttpRequest request, IRunStore runs, NodeRegistry registry, IOptions<SandboxOptions> sandbox, CancellationToken ct)
    {
        var (input, invalid, refused) = await ReadAsync(request, registry, preview: true, ct);
        if (invalid is not null) return invalid;
        if (refused is not null) return refused;
        var label = $"nodes/{input!.Node.Id}/config/{input.Field}";
        var text = input.Text!;
        if (input.Expression ? SecretReferences.IsMentionedInExpression(text) : SecretReferences.IsMentioned(text) && !(input.Credential && SecretReferences.IsPlainOnly(text)))
        {
            return Invalid(label, $"{label}: {SecretReferences.WhereAllowed}.");
        }
        // Parsing first: a template or expression that does not parse is wrong whatever the data.
        Condition? condition = null;
        Template? template = null;
        JsonTemplate? jsonTemplate = null;
        try
        {
            if (input.Expression)
            {
                condition = Condition.Parse(text, label, sandbox.Value);
            }
            else if (input.Json)
            {
                // A JSON field whose strings are templates (a transform's value, a request body), rendered string by string as runs do.
                if (!StrictJson.TryParse(text, out var json, out var notJson)) return Invalid(label, $"{label}: the value is {notJson}");
                jsonTemplate = JsonTemplate.Parse(JsonNode.Parse(json.GetRawText()), label, null, sandbox.Value);
            }
            else
            {
                template = Template.Parse(SecretReferences.Mask(text, SecretMask), label, sandbox.Value);
            }
        }
        catch (ExpressionException ex)
        {
            return Invalid(label, ex.Message);
        }

        var sample = DataSample.For(input.Document, input.Node.Id, await LastRunAsync(runs, WorkspaceRoute.Of(request.HttpContext), input.Document.Id, ct));
        JsonElement value;
        try
        {
            value = condition is not null ? condition.EvaluateToJson(sample.Scope, ct)
                : jsonTemplate is not null ? await jsonTemplate.EvaluateAsync(sample.Scope)
                : await template!.EvaluateAsync(sample.Scope);
        }
        catch (ExpressionException ex) when (sample.Missing.Count > 0 && !ex.Message.Contains(SandboxLimitKey, StringComparison.Ordinal))
        {
            // Upstream nodes that never ran have no value to preview with; that is not the text's fault. A sandbox
            // limit (its message names its ChatFlows:Sandbox key) is, whatever the data.
            var keys = string.Join(", ", sample.Missing.Select(k => $"data.{k}"));
            return TypedResults.Ok(new DataPreview("", "null", null, false, sample.RunId, sample.TriggerSource,
                $"No value yet: {keys} {(sample.Missing.Count == 1 ? "has" : "have")} no output to preview with. Run the workflow (Play) or pin sample data. ({ex.Message})"));
        }
        catch (ExpressionException ex)
        {
            return Invalid(label, ex.Message);
        }
        var shown = value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
        var truncated = shown.Length > MaxPreviewChars;
        return TypedResults.Ok(new DataPreview(
            truncated ? shown[..MaxPreviewChars] : shown,
            TypeOf(value),
            input.Expression ? Truthy(value) : null,
            truncated,
            sample.RunId,
            sample.TriggerSource,
            null));
    }

    // Only runs of the addressed workspace: a document naming another workspace's workflow id samples nothing of it.
    private static async Task<StoredRun?> LastRunAsync(IRunStore runs, string workspace, string workflowId, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(workflowId)) return null;
        var recent = await runs.ListAsync(new RunQuery(workflowId, Limit: RecentRuns, Workspace: workspace), ct);
        foreach (var run in recent.Items)
        {
            if (run.Status == RunStatus.Queued) continue;
            if (await runs.GetAsync(run.Id, ct) is { } stored) return stored;
        }
        return null;
    }

    private static async Task<PickerRead> ReadAsync(HttpRequest request, NodeRegistry registry, bool preview, CancellationToken ct)
    {
        var body = await RequestBody.ReadAsync(request, WorkflowsApi.MaxDocumentBytes + MaxFieldLength + (64 * 1024), ct);
        if (body is null) return new(null, null, RequestBody.TooLarge(WorkflowsApi.MaxDocumentBytes, "A workflow document with the text to preview"));
        if (!RequestBody.TryParseJson(body, out var root, out var error)) return Refuse("body", error);
        if (root.ValueKind != JsonValueKind.Object) return Refuse("body", "The body must be a JSON object: {\"document\": …, \"nodeId\": …, \"field\": …}.");

        if (!root.TryGetProperty("document", out var documentJson) || documentJson.ValueKind != JsonValueKind.Object)
        {
            return Refuse("document", "Send the workflow document (as the editor holds it, saved or not) as document.");
        }
        if (!RequestBody.TryReadDocument(documentJson, out var document, out var documentError)) return Refuse("document", documentError);

        var nodeId = StringOf(root, "nodeId");
        if (string.IsNullOrEmpty(nodeId)) return Refuse("nodeId", "Name the node being edited as nodeId.");
        var node = document.Nodes.FirstOrDefault(n => n.Id == nodeId);
        if (node is null) return Refuse("nodeId", $"The document has no node '{nodeId}'.");

        var field = StringOf(root, "field") ?? "";
        if (preview && field.Length == 0) return Refuse("field", "Name the config field being previewed as field, like url or headers/Authorization.");
        if (field.Length > MaxFieldLength || field.Any(char.IsControl)) return Refuse("field", $"field is a config field's name, like url or headers/Authorization: one line of at most {MaxFieldLength} characters.");

        var syntax = StringOf(root, "syntax");
        if (syntax is not (null or "template" or "expression" or "json")) return Refuse("syntax", $"'{syntax}' is not a syntax; use template (Liquid, {{{{ … }}}}), json (JSON whose strings are templates) or expression (a condition's JavaScript).");
        var expression = syntax == "expression" || (syntax is null && node.Type == NodeTypes.Condition && field == "expression");

        string? text = null;
        if (preview)
        {
            if (!root.TryGetProperty("text", out var textJson) || textJson.ValueKind != JsonValueKind.String) return Refuse("text", "Send the template or expression to preview as text (a string).");
            text = textJson.GetString()!;
        }

        // A credential field may read secrets.NAME (headers/* covers every header); no other field may.
        var credentials = registry.Find(node)?.CredentialFields ?? [];
        var credential = field.Length > 0 && credentials.Any(c => c == field || (c.EndsWith("/*", StringComparison.Ordinal) && field.StartsWith(c[..^1], StringComparison.Ordinal) && field.Length > c.Length - 1));
        return new(new PickerInput(document, node, field, expression, syntax == "json", credential && syntax != "json", text), null, null);
    }

    private static string? StringOf(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static PickerRead Refuse(string key, string message) => new(null, Invalid(key, message), null);

    private static string TypeOf(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => "null",
    };

    // JavaScript's truthiness, as a condition takes its branch.
    private static bool Truthy(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.Number => value.GetDouble() is not 0 and not double.NaN,
        JsonValueKind.String => value.GetString()!.Length > 0,
        JsonValueKind.Object or JsonValueKind.Array => true,
        _ => false,
    };

    private static ValidationProblem Invalid(string key, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [key] = [message] }, title: InvalidTitle);

    private sealed record PickerRead(PickerInput? Input, ValidationProblem? Invalid, ProblemHttpResult? Refused);

    private sealed record PickerInput(WorkflowDocument Document, WorkflowNode Node, string Field, bool Expression, bool Json, bool Credential, string? Text);
}
