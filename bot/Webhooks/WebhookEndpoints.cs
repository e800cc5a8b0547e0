using System.Text.Json;
using ChatFlows.Canvas.Api;
using ChatFlows.Core.Audit;
using ChatFlows.Core.Running;
using ChatFlows.Core.Secrets;
using ChatFlows.Core.Storage;
using ChatFlows.Core.Workspaces;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace ChatFlows.Bot.Webhooks;

/// <summary>
/// <c>POST /hooks/{workflowId}</c> (README §Webhooks): a signed request starts the workflow's webhook trigger with the JSON
/// body, as it is, as the run's <c>trigger</c>. A workflow with a <c>respond</c> output answers with what it
/// responded, if the run gets there within <see cref="WebhookOptions.ResponseTimeout"/>; any other answer is 202 with
/// the run id. Whatever keeps a request from being verified gets the same 401, so the endpoint does not tell which
/// workflows exist.
/// </summary>
public static partial class WebhookEndpoints
{
    /// <summary>Maps the webhook trigger.</summary>
    public static IEndpointRouteBuilder MapWebhookEndpoints(this IEndpointRouteBuilder app)
    {
        var hooks = app.MapGroup("/hooks").RequireRole(Role.None);
        hooks.MapPost("/{workflowId}", ReceiveAsync);
        // One address for a repository's or organisation's webhook: every workflow whose GitHub trigger it is for.
        hooks.MapPost("/github", ReceiveGithubAsync);
        return app;
    }

    private static async Task<Results<Accepted<RunAccepted>, JsonHttpResult<JsonElement>, StatusCodeHttpResult, ProblemHttpResult, Ok<GithubDeliveryAnswer>, ContentHttpResult>> ReceiveAsync(
        string workflowId, HttpRequest request, RunStarter starter, RunQueue queue, IRunStore runs, SecretVault vault, WebhookReplays replays, IOptions<WebhookOptions> options,
        TimeProvider time, ILoggerFactory loggers, CancellationToken ct)
    {
        var settings = options.Value;
        var logger = loggers.CreateLogger(typeof(WebhookEndpoints));
        var body = await RequestBody.ReadAsync(request, settings.MaxBodyBytes, ct);
        if (body is null) return RequestBody.TooLarge(settings.MaxBodyBytes, "A webhook body");

        // Looked up even when the workflow no longer validates: a caller who signs correctly is told what to fix.
        var target = await starter.FindAsync(workflowId, ct);
        var signature = request.Headers[WebhookSignature.Header].ToString();
        var timestampText = request.Headers[WebhookSignature.TimestampHeader].ToString();
        DateTimeOffset? timestamp = null;
        if (timestampText.Length > 0)
        {
            if (!WebhookSignature.TryParseTimestamp(timestampText, out var at) || (time.GetUtcNow() - at).Duration() > settings.SignatureWindow) return Unauthorized(settings);
            timestamp = at;
        }

        // Several webhook triggers tell themselves apart by their secrets.
        WebhookTrigger? trigger = null;
        foreach (var hook in WebhookTriggers.Of(target.Document))
        {
            if (hook.Timestamped && timestamp is null && !hook.IsGithub) continue;
            if (hook.ResolveSecret(vault, out var missing) is not { } secret)
            {
                LogSecretNotSet(logger, hook.NodeId, workflowId, missing.Length > 0 ? missing : "(an empty secret)");
                continue;
            }
            var valid = hook.IsGithub ? GithubDeliveries.IsSigned(request, secret, body)
                : timestamp is null ? WebhookSignature.IsValid(secret, body, signature) : WebhookSignature.IsValid(secret, timestampText, body, signature);
            if (valid)
            {
                trigger = hook;
                break;
            }
        }
        if (trigger is null) return Unauthorized(settings);
        if (!trigger.IsGithub && timestamp is { } signedAt && !replays.TryRecord(workflowId, signature, signedAt))
        {
            LogReplay(logger, workflowId, signedAt);
            return Unauthorized(settings);
        }

        GithubDeliveries.Delivery? delivery = null;
        if (trigger.IsGithub)
        {
            if (!GithubDeliveries.TryRead(request, body, out delivery, out var unreadable)) return Problem(StatusCodes.Status400BadRequest, "The GitHub delivery could not be read.", unreadable);
            if (delivery.Event == GithubDeliveries.Ping) return TypedResults.Text("pong");
            if (!trigger.Takes(delivery.Event))
            {
                return TypedResults.Ok(new GithubDeliveryAnswer(null, false, $"Trigger '{trigger.NodeId}' does not take {delivery.Event} events ({string.Join(", ", trigger.Events)}); nothing was started."));
            }
        }

        if (!target.CanStart)
        {
            return TypedResults.Problem(
                title: "The workflow cannot run.",
                detail: $"Workflow '{workflowId}' no longer validates; fix it in the canvas and save it again: {new StartOutcome.Refused(target.Problems).Describe()}",
                statusCode: StatusCodes.Status409Conflict,
                extensions: new Dictionary<string, object?> { ["problems"] = target.Problems.Select(p => new { path = p.Path, message = p.Message }).ToArray() });
        }
        if (delivery is not null)
        {
            var started = await GithubDeliveries.StartAsync(target, trigger, delivery, starter, runs, CancellationToken.None);
            if (started.Problem is { } problem) return Problem(StatusCodes.Status400BadRequest, "The run cannot start.", problem);
            if (!started.Duplicate) return Accepted(started.RunId!);
            return TypedResults.Ok(new GithubDeliveryAnswer(started.RunId, true, $"Delivery {delivery.Id} already started run {started.RunId}; nothing was started again."));
        }
        if (!RequestBody.TryParseJson(body, out var payload, out var error)) return Problem(StatusCodes.Status400BadRequest, "The webhook body could not be read.", error!);

        var runRequest = new RunRequest { Trigger = payload, TriggerNodeId = trigger.NodeId, StartedBy = "webhook" };
        // Not the request's token: once the run is stored it runs, whether or not the caller waits for the answer.
        var outcome = await starter.StartAsync(target, runRequest, new StartOptions
        {
            AwaitResponse = WebhookTriggers.Responds(target.Document!),
            Origin = new AuditOrigin("webhook", AuditSurfaces.Webhook, request.HttpContext.Connection.RemoteIpAddress?.ToString()),
        }, CancellationToken.None);
        switch (outcome)
        {
            case StartOutcome.Refused refused:
                return Problem(StatusCodes.Status400BadRequest, "The run cannot start.", refused.Describe());
            case StartOutcome.Started started:
                return Accepted(started.RunId);
        }
        var awaiting = (StartOutcome.AwaitingResponse)outcome;

        RunState run;
        try
        {
            run = await awaiting.Settled.WaitAsync(settings.ResponseTimeout, time, ct);
        }
        catch (TimeoutException)
        {
            // A run stored only at its end (README §Webhooks) is stored now, before the caller is given its id.
            await queue.StoreAsync(awaiting.RunId, CancellationToken.None);
            return Accepted(awaiting.RunId);
        }
        catch (RunNotStoredException notStored)
        {
            return Problem(StatusCodes.Status503ServiceUnavailable, "The run was not stored.", $"{notStored.Message} Send the request again.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The run was interrupted; it continues from its journal, and the caller can follow it by its id.
            return Accepted(awaiting.RunId);
        }

        if (WebhookTriggers.Responded(run) is { } response)
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
        return Accepted(awaiting.RunId);
    }

    private static async Task<Results<Accepted<GithubFanOutAnswer>, Ok<GithubFanOutAnswer>, ContentHttpResult, ProblemHttpResult>> ReceiveGithubAsync(
        HttpRequest request, IWorkflowStore workflows, RunStarter starter, IRunStore runs, SecretVault vault, IOptions<WebhookOptions> options,
        ILoggerFactory loggers, CancellationToken ct)
    {
        var settings = options.Value;
        var logger = loggers.CreateLogger(typeof(WebhookEndpoints));
        var body = await RequestBody.ReadAsync(request, settings.MaxBodyBytes, ct);
        if (body is null) return RequestBody.TooLarge(settings.MaxBodyBytes, "A webhook body");

        // Every workflow with a GitHub trigger whose secret signs this body; the first such trigger of each.
        var verified = new List<(string WorkflowId, WebhookTrigger Trigger)>();
        foreach (var stored in await workflows.ListAsync(ct))
        {
            foreach (var hook in WebhookTriggers.Of(stored.Document).Where(h => h.IsGithub))
            {
                if (hook.ResolveSecret(vault, out var missing) is not { } secret)
                {
                    LogSecretNotSet(logger, hook.NodeId, stored.Document.Id, missing.Length > 0 ? missing : "(an empty secret)");
                    continue;
                }
                if (!GithubDeliveries.IsSigned(request, secret, body)) continue;
                verified.Add((stored.Document.Id, hook));
                break;
            }
        }
        if (verified.Count == 0) return Unauthorized(settings);
        if (!GithubDeliveries.TryRead(request, body, out var delivery, out var unreadable)) return Problem(StatusCodes.Status400BadRequest, "The GitHub delivery could not be read.", unreadable);
        if (delivery.Event == GithubDeliveries.Ping) return TypedResults.Text("pong");

        var started = new List<GithubDeliveries.Started>();
        foreach (var (workflowId, trigger) in verified.Where(v => v.Trigger.Takes(delivery.Event)))
        {
            var target = await starter.FindAsync(workflowId, ct);
            // Not the request's token: once a run is stored it runs, whether or not GitHub waits for the answer.
            started.Add(target.CanStart
                ? await GithubDeliveries.StartAsync(target, trigger, delivery, starter, runs, CancellationToken.None)
                : new GithubDeliveries.Started(workflowId, null, false, new StartOutcome.Refused(target.Problems).Describe()));
        }
        var answer = new GithubFanOutAnswer(started.Where(s => s.RunId is not null).Select(s => s.RunId!).ToArray(), started);
        return started.Any(s => s.RunId is not null && !s.Duplicate) ? TypedResults.Accepted((string?)null, answer) : TypedResults.Ok(answer);
    }

    private static Accepted<RunAccepted> Accepted(string runId) => TypedResults.Accepted($"/api/runs/{runId}", new RunAccepted(runId));

    // One answer for an unknown workflow, one without a webhook trigger, a secret not set, and a bad, missing, stale
    // or replayed signature: nothing in it tells them apart.
    private static ProblemHttpResult Unauthorized(WebhookOptions settings) => Problem(
        StatusCodes.Status401Unauthorized, "The webhook request is not authorized.",
        $"Sign the raw body with the trigger's secret and send it as {WebhookSignature.Header}: sha256=<hex HMAC-SHA256>; or sign \"<timestamp>.<body>\" "
        + $"and send the timestamp (Unix seconds, within {settings.SignatureWindow.TotalMinutes:0.##} minutes of now) as {WebhookSignature.TimestampHeader}. "
        + $"GitHub signs its deliveries as {GithubDeliveries.SignatureHeader} with the webhook's secret, which must be the trigger's.");

    private static ProblemHttpResult Problem(int status, string title, string detail) => TypedResults.Problem(title: title, detail: detail, statusCode: status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook trigger {TriggerId} of workflow {WorkflowId} names the secret {Secret}, which is not set; set it with PUT /api/secrets/{Secret} or the configuration key ChatFlows:Secrets:{Secret}. Its requests are refused with 401")]
    private static partial void LogSecretNotSet(ILogger logger, string triggerId, string workflowId, string secret);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook request for workflow {WorkflowId} refused: its timestamped signature of {SignedAt:O} was already used")]
    private static partial void LogReplay(ILogger logger, string workflowId, DateTimeOffset signedAt);
}
