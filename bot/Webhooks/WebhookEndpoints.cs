using System.Text.Json;
using System.Text.RegularExpressions;
using ChatFlows.Canvas.Api;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Running;
using ChatFlows.Core.Secrets;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace ChatFlows.Bot.Webhooks;

/// <summary>
/// <c>POST /hooks/{workflowId}</c> (DESIGN §6): a signed request starts the workflow's webhook trigger with the JSON
/// body, as it is, as the run's <c>trigger</c>. A workflow with a <c>respond</c> output answers with what it
/// responded, if the run gets there within <see cref="WebhookOptions.ResponseTimeout"/>; any other answer is 202 with
/// the run id.
/// </summary>
public static partial class WebhookEndpoints
{
    private const string RespondKind = "respond";

    /// <summary>Maps the webhook trigger.</summary>
    public static IEndpointRouteBuilder MapWebhookEndpoints(this IEndpointRouteBuilder app)
    {
        var hooks = app.MapGroup("/hooks");
        hooks.MapPost("/{workflowId}", ReceiveAsync);
        return app;
    }

    private static async Task<Results<Accepted<RunAccepted>, JsonHttpResult<JsonElement>, StatusCodeHttpResult, ProblemHttpResult>> ReceiveAsync(
        string workflowId, HttpRequest request, WorkflowPlans plans, RunQueue queue, SecretVault vault, IOptions<WebhookOptions> options,
        TimeProvider time, CancellationToken ct)
    {
        var settings = options.Value;
        var plan = await plans.GetCurrentAsync(workflowId, ct);
        if (plan is null) return Problem(StatusCodes.Status404NotFound, "No such workflow.", $"There is no workflow '{workflowId}'.");
        var hooks = plan.Document.Nodes.Where(n => n.Type == NodeTypes.Trigger && n.Kind == "webhook").ToArray();
        if (hooks.Length == 0)
        {
            return Problem(StatusCodes.Status404NotFound, "The workflow has no webhook trigger.", $"Workflow '{workflowId}' cannot be started by a webhook; add a trigger of kind webhook to it.");
        }

        var secrets = new List<(WorkflowNode Trigger, string Secret)>();
        foreach (var hook in hooks)
        {
            var configured = hook.Config["secret"]?.GetValue<string>() ?? "";
            if (ResolveSecret(configured, vault, out var missing) is not { } secret)
            {
                return Problem(
                    StatusCodes.Status500InternalServerError, "The webhook secret is not configured.",
                    $"The secret of trigger '{hook.Id}' of workflow '{workflowId}' names the secret '{missing}', which is not set; set it with PUT /api/secrets/{missing} or the configuration key ChatFlows:Secrets:{missing} (environment variable ChatFlows__Secrets__{missing}).");
            }
            secrets.Add((hook, secret));
        }

        var body = await RequestBody.ReadAsync(request, settings.MaxBodyBytes, ct);
        if (body is null) return RequestBody.TooLarge(settings.MaxBodyBytes, "A webhook body");

        // Several webhook triggers tell themselves apart by their secrets.
        var signature = request.Headers[WebhookSignature.Header].ToString();
        var trigger = secrets.FirstOrDefault(s => WebhookSignature.IsValid(s.Secret, body, signature)).Trigger;
        if (trigger is null)
        {
            return Problem(
                StatusCodes.Status401Unauthorized, "The webhook signature is missing or wrong.",
                $"Sign the raw body with the trigger's secret and send it as {WebhookSignature.Header}: sha256=<hex HMAC-SHA256>.");
        }
        if (!RequestBody.TryParseJson(body, out var payload, out var error)) return Problem(StatusCodes.Status400BadRequest, "The webhook body could not be read.", error!);

        var responds = plan.Document.Nodes.Any(n => n.Type == NodeTypes.Output && n.Kind == RespondKind);
        var runRequest = new RunRequest { Trigger = payload, TriggerNodeId = trigger.Id, StartedBy = "webhook" };
        // Not the request's token: once the run is stored it runs, whether or not the caller waits for the answer.
        var queued = await queue.EnqueueAsync(plan, runRequest, observe: responds, CancellationToken.None);
        var accepted = TypedResults.Accepted($"/api/runs/{queued.RunId}", new RunAccepted(queued.RunId));
        if (queued.Settled is null) return accepted;

        RunState run;
        try
        {
            run = await queued.Settled.WaitAsync(settings.ResponseTimeout, time, ct);
        }
        catch (TimeoutException)
        {
            return accepted;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The run was interrupted; it continues from its journal, and the caller can follow it by its id.
            return accepted;
        }

        if (Responded(run) is { } response)
        {
            return response.Body is { ValueKind: not JsonValueKind.Null } answer ? TypedResults.Json(answer, statusCode: response.Status) : TypedResults.StatusCode(response.Status);
        }
        if (run.Status is RunStatus.Failed or RunStatus.Cancelled or RunStatus.Expired)
        {
            var where = run.Error?.NodeId is { } nodeId ? $" at '{nodeId}'" : "";
            return TypedResults.Problem(
                title: "The workflow did not respond.",
                detail: $"Run {run.Id} {run.Status.ToText()}{where} before responding: {run.Error?.Message ?? "no error was recorded."}",
                statusCode: StatusCodes.Status500InternalServerError,
                extensions: new Dictionary<string, object?> { ["runId"] = run.Id, ["nodeId"] = run.Error?.NodeId });
        }
        // Waiting (an approval) or done without reaching a respond node.
        return accepted;
    }

    // The respond node that answered last: its output is { status, body }.
    private static (int Status, JsonElement? Body)? Responded(RunState run)
    {
        var nodes = run.Plan.Document.Nodes;
        NodeRecord? answered = null;
        for (var i = 0; i < nodes.Count; i++)
        {
            var record = run.Nodes[i];
            if (nodes[i].Type == NodeTypes.Output && nodes[i].Kind == RespondKind && record.Status == NodeStatus.Succeeded
                && (answered is null || record.FinishedAt > answered.FinishedAt))
            {
                answered = record;
            }
        }
        if (answered?.Output is not { ValueKind: JsonValueKind.Object } output || !output.TryGetProperty("status", out var status) || !status.TryGetInt32(out var code))
        {
            return null;
        }
        return (code, output.TryGetProperty("body", out var body) ? body : null);
    }

    /// <summary>A plain secret as it is; <c>{{ secrets.NAME }}</c> from the secret vault.</summary>
    private static string? ResolveSecret(string configured, SecretVault vault, out string missing)
    {
        missing = "";
        var reference = SecretReference().Match(configured);
        if (!reference.Success) return configured;
        missing = reference.Groups[1].Value;
        return vault.TryGet(missing, out var value) && value.Length > 0 ? value : null;
    }

    private static ProblemHttpResult Problem(int status, string title, string detail) => TypedResults.Problem(title: title, detail: detail, statusCode: status);

    [GeneratedRegex(@"^\s*\{\{\s*secrets\.([A-Za-z0-9_]+)\s*\}\}\s*\z")]
    private static partial Regex SecretReference();
}
