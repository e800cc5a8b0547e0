using System.Globalization;
using System.Text.Json;
using ChatFlows.Core.Audit;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Messaging;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;
using ChatFlows.Core.Storage;
using ChatFlows.Core.Workspaces;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;
using ValidationProblem = Microsoft.AspNetCore.Http.HttpResults.ValidationProblem;

namespace ChatFlows.Canvas.Api;

/// <summary>
/// Runs (README §HTTP API): start one with Play (<c>POST /api/workflows/{id}/runs</c>), list the history, read a run with
/// every node, cancel it, and watch it as server-sent events.
/// </summary>
public static class RunsApi
{
    /// <summary>Largest trigger payload accepted, in bytes.</summary>
    public const int MaxPayloadBytes = 1024 * 1024;

    /// <summary>Largest page of run history.</summary>
    public const int MaxPageSize = 500;

    private static readonly string StatusNames = string.Join(", ", Enum.GetValues<RunStatus>().Select(s => s.ToText()));

    /// <summary>Maps starting, listing, reading, cancelling and watching runs.</summary>
    public static RouteGroupBuilder MapRunsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/workflows/{id}/runs", StartAsync).RequireRole(Role.Runner);
        var runs = app.MapGroup("/api/runs");
        runs.MapGet("/", ListAsync).RequireRole(Role.Viewer);
        runs.MapGet("/{id}", GetAsync).RequireRole(Role.Viewer);
        runs.MapPost("/{id}/cancel", CancelAsync).RequireRole(Role.Runner);
        runs.MapPost("/{id}/decisions", DecideAsync).RequireRole(Role.Runner);
        runs.MapGet("/{id}/events", WatchAsync).RequireRole(Role.Viewer);
        runs.MapPost("/{id}/replay", ReplayAsync).RequireRole(Role.Runner);
        return runs;
    }

    private static async Task<Results<Accepted<RunAccepted>, ProblemHttpResult, ValidationProblem>> StartAsync(
        string id, string? trigger, HttpRequest request, RunStarter starter, CancellationToken ct)
    {
        var target = await starter.FindAsync(id, ct);
        if (!target.CanStart) return Refused(id, new StartOutcome.Refused(target.Problems));

        var body = await RequestBody.ReadAsync(request, MaxPayloadBytes, ct);
        if (body is null) return RequestBody.TooLarge(MaxPayloadBytes, "A trigger payload");
        if (!RequestBody.TryParseJson(body, out var payload, out var error)) return BadPayload(error!);

        // Started by whoever the host says is calling (the signed-in person, the API key's identity, the local user).
        var startedBy = Caller.Of(request.HttpContext)?.Id ?? "api";
        // Not the request's token: once the run is stored it runs, whether or not the caller waits for the answer.
        var outcome = await starter.StartAsync(target, new RunRequest { Trigger = payload, TriggerNodeId = trigger, StartedBy = startedBy }, new StartOptions { Origin = AuditTrail.OriginOf(request.HttpContext) }, CancellationToken.None);
        return outcome switch
        {
            StartOutcome.Refused refused => Refused(id, refused),
            _ => TypedResults.Accepted(RunLocation(request.HttpContext, outcome.StartedRunId!), new RunAccepted(outcome.StartedRunId!)),
        };
    }

    /// <summary>
    /// A start that was refused, as problem details: 404 for an unknown workflow, 409 with every problem and its path
    /// for a stored workflow that no longer validates (fix it and save it again), 400 naming the field otherwise.
    /// </summary>
    private static Results<Accepted<RunAccepted>, ProblemHttpResult, ValidationProblem> Refused(string workflowId, StartOutcome.Refused refused) => refused.Kind switch
    {
        StartProblemKind.UnknownWorkflow => TypedResults.Problem(title: "No such workflow.", detail: refused.Problems[0].Message, statusCode: StatusCodes.Status404NotFound),
        StartProblemKind.InvalidWorkflow => TypedResults.Problem(
            title: "The workflow cannot run.",
            detail: $"Workflow '{workflowId}' no longer validates; fix it in the canvas and save it again: {refused.Describe()}",
            statusCode: StatusCodes.Status409Conflict,
            extensions: new Dictionary<string, object?> { ["problems"] = refused.Problems.Select(p => new { path = p.Path, message = p.Message }).ToArray() }),
        StartProblemKind.InvalidPayload => BadPayload(refused.Problems[0].Message),
        _ => TypedResults.ValidationProblem(
            refused.Problems.GroupBy(p => p.Path).ToDictionary(g => g.Key, g => g.Select(p => p.Message).ToArray()),
            title: "The run cannot start."),
    };

    private static async Task<Results<Ok<RunList>, ValidationProblem>> ListAsync(
        string? workflow, string? status, string? limit, string? before, HttpContext http, IRunStore runs, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        RunStatus? wanted = null;
        if (!string.IsNullOrEmpty(status))
        {
            wanted = Enum.GetValues<RunStatus>().Select(s => (RunStatus?)s).FirstOrDefault(s => s!.Value.ToText() == status);
            if (wanted is null) errors["status"] = [$"'{status}' is not a run status; use one of {StatusNames}."];
        }
        var size = 50;
        if (!string.IsNullOrEmpty(limit) && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size < 1 || size > MaxPageSize))
        {
            errors["limit"] = [$"'{limit}' is not a page size; use a whole number from 1 to {MaxPageSize}."];
        }
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "The run query is not valid.");

        // Only the addressed workspace's runs (README §Workspaces and roles).
        var page = await runs.ListAsync(new RunQuery(NullIfEmpty(workflow), wanted, NullIfEmpty(before), size, WorkspaceRoute.Of(http)), ct);
        return TypedResults.Ok(new RunList(page.Items.Select(RunSummary.From).ToArray(), page.Next));
    }

    private static async Task<Results<Ok<RunDetail>, ProblemHttpResult>> GetAsync(
        string id, IRunStore runs, WorkflowPlans plans, IWorkflowStore workflows, IChatCardStore cards, [FromServices] Approvals approvals, CancellationToken ct)
    {
        var stored = await runs.GetAsync(id, ct);
        if (stored is null) return NoSuchRun(id);
        var detail = RunDetail.From(
            stored, await PinnedDocumentAsync(stored, plans, workflows, ct), await cards.ListAsync(id, ct), await runs.ListReplaysAsync(id, ct));
        return TypedResults.Ok(detail with { Approvals = await WaitingApprovalsAsync(stored, approvals, ct) });
    }

    // Each approval the run waits on, with its votes, reminders, escalation and journal (README §Approvals).
    private static async Task<IReadOnlyList<ApprovalStateView>> WaitingApprovalsAsync(StoredRun run, Approvals approvals, CancellationToken ct)
    {
        var views = new List<ApprovalStateView>();
        foreach (var node in run.Nodes.Where(n => n.Status == NodeStatus.Waiting && n.Bookmark == ApprovalNode.Bookmark))
        {
            if (await approvals.StateAsync(run.Id, node.NodeId, ct) is { } state) views.Add(ApprovalStateView.From(state));
        }
        return views;
    }

    // README §Replay a run: a new run of the workflow that reuses what the nodes before fromNode recorded.
    private static async Task<Results<Accepted<RunAccepted>, ProblemHttpResult, ValidationProblem>> ReplayAsync(
        string id, HttpRequest request, RunReplays replays, CancellationToken ct)
    {
        var body = await RequestBody.ReadAsync(request, 64 * 1024, ct);
        if (body is null) return RequestBody.TooLarge(64 * 1024, "A replay request");
        if (!RequestBody.TryParseJson(body, out var json, out var error))
        {
            return TypedResults.Problem(title: "The replay request could not be read.", detail: error, statusCode: StatusCodes.Status400BadRequest);
        }
        if (json.ValueKind != JsonValueKind.Object || !json.TryGetProperty("fromNode", out var from) || from.ValueKind != JsonValueKind.String || from.GetString() is not { Length: > 0 } fromNode)
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["fromNode"] = ["fromNode must name the node to replay from, like {\"fromNode\": \"summarize\"}."] },
                title: "The replay request is not valid.");
        }
        // Not the request's token: once the replay is stored it runs.
        var outcome = await replays.StartAsync(id, fromNode, Caller.Of(request.HttpContext)?.Id ?? "api", CancellationToken.None);
        return outcome.Kind switch
        {
            ReplayOutcomeKind.Started => TypedResults.Accepted(RunLocation(request.HttpContext, outcome.RunId!), new RunAccepted(outcome.RunId!)),
            ReplayOutcomeKind.RunNotFound => NoSuchRun(id),
            ReplayOutcomeKind.BadNode => TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["fromNode"] = [outcome.Message!] }, title: "The run cannot be replayed from that node."),
            ReplayOutcomeKind.NotFinished => TypedResults.Problem(title: "The run has not finished.", detail: outcome.Message, statusCode: StatusCodes.Status409Conflict),
            _ => TypedResults.Problem(title: "The run cannot be replayed.", detail: outcome.Message, statusCode: StatusCodes.Status409Conflict),
        };
    }

    private static async Task<Results<Accepted<RunAccepted>, ProblemHttpResult>> CancelAsync(
        string id, HttpContext http, RunQueue queue, IRunStore runs, IAuditLog audit, CancellationToken ct)
    {
        // A runner cancels only the runs they started; an editor or admin cancels any (README §Workspaces and roles).
        if (CallerRole.Of(http) < Role.Editor)
        {
            var run = await runs.GetAsync(id, ct);
            if (run is null) return NoSuchRun(id);
            var caller = Caller.Of(http)?.Id;
            if (!run.Status.IsTerminal() && run.StartedBy != caller)
            {
                var workspace = WorkspaceRoute.Of(http);
                return TypedResults.Problem(
                    title: "This needs the editor role.",
                    detail: $"Cancelling a run someone else started needs the editor role in workspace '{workspace}'; you are {CallerRole.Of(http).WithArticle()} and run {id} was started by {run.StartedBy ?? "someone else"}. Ask an admin of '{workspace}' (Members page).",
                    statusCode: StatusCodes.Status403Forbidden);
            }
        }
        if (await queue.CancelAsync(id, ct))
        {
            await audit.RecordAsync(http, AuditActions.RunCancelled, id);
            return TypedResults.Accepted(RunLocation(http, id), new RunAccepted(id));
        }
        var stored = await runs.GetAsync(id, ct);
        if (stored is null) return NoSuchRun(id);
        return TypedResults.Problem(
            title: "The run has already ended.",
            detail: $"Run {id} has already {stored.Status.ToText()}; only queued, running and waiting runs can be cancelled.",
            statusCode: StatusCodes.Status409Conflict);
    }

    // Decided as the caller the host established (README §Sharing the host); a "by" in the body is not believed and
    // is ignored, so old clients still work but can only ever decide as themselves.
    private static async Task<Results<Accepted<ApprovalDecisionView>, ProblemHttpResult, ValidationProblem>> DecideAsync(
        string id, HttpContext http, Approvals approvals, CancellationToken ct)
    {
        if (Caller.Of(http) is not { } caller) return NoCaller();
        var body = await RequestBody.ReadAsync(http.Request, 64 * 1024, ct);
        if (body is null) return RequestBody.TooLarge(64 * 1024, "A decision");
        if (!RequestBody.TryParseJson(body, out var json, out var error))
        {
            return TypedResults.Problem(title: "The decision could not be read.", detail: error, statusCode: StatusCodes.Status400BadRequest);
        }
        var errors = new Dictionary<string, string[]>();
        var decision = Text(json, "decision");
        if (decision is not ("approve" or "reject")) errors["decision"] = ["decision must be \"approve\" or \"reject\"."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "The decision is not valid.");

        var outcome = await approvals.DecideAsync(id, Text(json, "nodeId"), caller, decision == "approve", Text(json, "comment"), Text(json, "draft"), AuditTrail.OriginOf(http), ct);
        return outcome.Outcome switch
        {
            // Counted: the vote is in, the approval waits for more (README §Approvals); the state says how many.
            ApprovalOutcome.Accepted or ApprovalOutcome.Counted => TypedResults.Accepted(RunLocation(http, id), ApprovalDecisionView.From(outcome)),
            ApprovalOutcome.CommentRequired => TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["comment"] = [outcome.Message] }, title: "A comment is required."),
            ApprovalOutcome.RunNotFound => NoSuchRun(id),
            ApprovalOutcome.NotAllowed => TypedResults.Problem(title: "Not an approver.", detail: outcome.Message, statusCode: StatusCodes.Status403Forbidden),
            _ => TypedResults.Problem(title: "Nothing to decide.", detail: outcome.Message, statusCode: StatusCodes.Status409Conflict),
        };

        static string? Text(JsonElement value, string name) =>
            value.ValueKind == JsonValueKind.Object && value.TryGetProperty(name, out var found) && found.ValueKind == JsonValueKind.String ? found.GetString() : null;
    }

    private static async Task<Results<RunEventsResult, ProblemHttpResult>> WatchAsync(
        string id, WorkflowEngine engine, IRunStore runs, WorkflowPlans plans, IWorkflowStore workflows, TimeProvider time,
        IHostApplicationLifetime lifetime, CancellationToken ct)
    {
        // Subscribe first, then flush the journal and read it: every event published before the subscription is
        // then in what is read, and every later one arrives on the subscription — from whichever instance executes
        // the run (README §Running several instances).
        var subscription = engine.Events.Subscribe(id, everyInstance: true);
        try
        {
            await runs.FlushAsync(ct);
            var stored = await runs.GetAsync(id, ct);
            if (stored is null)
            {
                subscription.Dispose();
                return NoSuchRun(id);
            }
            var document = await PinnedDocumentAsync(stored, plans, workflows, ct);
            return new RunEventsResult(subscription, stored, document, runs, time, lifetime.ApplicationStopping);
        }
        catch
        {
            subscription.Dispose();
            throw;
        }
    }

    // The version the run is pinned to (its plan is usually cached); a version that no longer validates is still
    // shown from its stored document.
    private static async Task<WorkflowDocument?> PinnedDocumentAsync(StoredRun run, WorkflowPlans plans, IWorkflowStore workflows, CancellationToken ct)
    {
        try
        {
            return (await plans.GetAsync(run.WorkflowId, run.WorkflowVersion, ct))?.Document;
        }
        catch (WorkflowValidationException)
        {
            return await workflows.GetVersionAsync(run.WorkflowId, run.WorkflowVersion, ct);
        }
    }

    // The host's access gate establishes a caller for every request that reaches the API; this is a host without it.
    private static ProblemHttpResult NoCaller() => TypedResults.Problem(
        title: "Sign-in needed.", detail: "Decisions are made as the signed-in person, and this request has none.", statusCode: StatusCodes.Status401Unauthorized);

    private static ProblemHttpResult BadPayload(string detail) =>
        TypedResults.Problem(title: "The trigger payload could not be read.", detail: detail, statusCode: StatusCodes.Status400BadRequest);

    private static ProblemHttpResult NoSuchRun(string id) =>
        TypedResults.Problem(title: "No such run.", detail: $"There is no run '{id}'.", statusCode: StatusCodes.Status404NotFound);

    private static string RunLocation(HttpContext http, string id) => $"{WorkspaceRoute.ApiPrefix(WorkspaceRoute.Of(http))}/runs/{Uri.EscapeDataString(id)}";

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
