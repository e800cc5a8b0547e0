using System.Text.Json;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;
using ChatFlows.Core.Workspaces;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using ValidationProblem = Microsoft.AspNetCore.Http.HttpResults.ValidationProblem;

namespace ChatFlows.Canvas.Api;

/// <summary>
/// Approvals across workflows (README §Approvals): the caller's inbox (<c>GET /api/approvals</c>, every waiting approval
/// with <c>?all=true</c> for <c>ChatFlows:Approvals:Admins</c>), handing a request to someone else, and an admin's
/// reassignment. Decisions stay at <c>POST /api/runs/{id}/decisions</c>. Everything is done as the caller the host
/// established, never as a name in the body.
/// </summary>
public static class ApprovalsApi
{
    private const int MaxBodyBytes = 64 * 1024;

    /// <summary>Maps the inbox, delegation and reassignment.</summary>
    public static IEndpointRouteBuilder MapApprovalsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/approvals", ListAsync).RequireRole(Role.Viewer);
        var approval = app.MapGroup("/api/runs/{id}/approvals/{node}");
        approval.MapPost("/delegate", DelegateAsync).RequireRole(Role.Runner);
        approval.MapPost("/reassign", ReassignAsync).RequireRole(Role.Admin);
        return app;
    }

    private static async Task<Results<Ok<ApprovalInboxList>, ProblemHttpResult, ValidationProblem>> ListAsync(
        string? all, HttpContext http, [FromServices] ApprovalInbox inbox, [FromServices] Approvals approvals, CancellationToken ct)
    {
        if (Caller.Of(http) is not { } caller) return NoCaller();
        if (all is not (null or "" or "true" or "false"))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["all"] = ["all must be true or false."] }, title: "The approvals query is not valid.");
        }
        var admin = approvals.IsAdmin(caller);
        if (all == "true")
        {
            if (!admin)
            {
                return TypedResults.Problem(
                    title: "Admins only.", detail: $"Only ChatFlows:Approvals:Admins may list every approval; {caller.Id} is not one of them.", statusCode: StatusCodes.Status403Forbidden);
            }
            return TypedResults.Ok(new ApprovalInboxList(View(InWorkspace(await inbox.ListAllAsync(ct))), true, admin));
        }
        return TypedResults.Ok(new ApprovalInboxList(View(InWorkspace(await inbox.ListAsync(caller, ct))), false, admin));

        // Only the addressed workspace's approvals (README §Workspaces and roles).
        IEnumerable<ApprovalInboxItem> InWorkspace(IReadOnlyList<ApprovalInboxItem> items) => items.Where(i => i.Workspace == WorkspaceRoute.Of(http));

        static ApprovalStateView[] View(IEnumerable<ApprovalInboxItem> items) =>
            items.Select(i => ApprovalStateView.From(i.State, i.WorkflowId, i.WorkflowName)).ToArray();
    }

    private static async Task<Results<Ok<ApprovalDecisionView>, ProblemHttpResult, ValidationProblem>> DelegateAsync(
        string id, string node, HttpContext http, [FromServices] Approvals approvals, CancellationToken ct)
    {
        if (Caller.Of(http) is not { } caller) return NoCaller();
        var (json, unreadable) = await ReadAsync(http.Request, "delegation", ct);
        if (unreadable is not null) return unreadable;

        if (json.ValueKind != JsonValueKind.Object || !json.TryGetProperty("to", out var value) || value.ValueKind != JsonValueKind.String || value.GetString()!.Trim() is not { Length: > 0 } to)
        {
            return Invalid("to", "to must name the approver to hand this to, like {\"to\": \"slack:U012AB3CD\"}.", "The delegation is not valid.");
        }
        if (ApprovalNode.CheckApprover(to) is { } problem) return Invalid("to", problem, "The delegation is not valid.");

        return Answer(id, await approvals.DelegateAsync(id, node, caller, to, ct));
    }

    private static async Task<Results<Ok<ApprovalDecisionView>, ProblemHttpResult, ValidationProblem>> ReassignAsync(
        string id, string node, HttpContext http, [FromServices] Approvals approvals, CancellationToken ct)
    {
        if (Caller.Of(http) is not { } caller) return NoCaller();
        var (json, unreadable) = await ReadAsync(http.Request, "reassignment", ct);
        if (unreadable is not null) return unreadable;

        if (json.ValueKind != JsonValueKind.Object || !json.TryGetProperty("approvers", out var list) || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
        {
            return Invalid("approvers", "approvers must list at least one approver, like {\"approvers\": [\"slack:U012AB3CD\"]}.", "The reassignment is not valid.");
        }
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var approvers = new List<string>();
        var i = 0;
        foreach (var item in list.EnumerateArray())
        {
            var field = $"approvers/{i++}";
            if (item.ValueKind != JsonValueKind.String || item.GetString()!.Trim() is not { Length: > 0 } entry) errors[field] = [$"{field} must be an approver entry, like slack:U012AB3CD."];
            else if (ApprovalNode.CheckApprover(entry) is { } problem) errors[field] = [problem];
            else approvers.Add(entry);
        }
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "The reassignment is not valid.");
        // Checked here as well as by the rule, so a caller who may not reassign learns nothing about the run.
        if (!approvals.IsAdmin(caller))
        {
            return TypedResults.Problem(
                title: "Admins only.", detail: $"Only ChatFlows:Approvals:Admins may reassign an approval; {caller.Id} is not one of them.", statusCode: StatusCodes.Status403Forbidden);
        }

        return Answer(id, await approvals.ReassignAsync(id, node, caller, approvers, ct));
    }

    /// <summary>The HTTP answer to an approval rule's outcome: 200 with the approval after it, or the problem.</summary>
    private static Results<Ok<ApprovalDecisionView>, ProblemHttpResult, ValidationProblem> Answer(string runId, ApprovalDecision outcome) => outcome.Outcome switch
    {
        ApprovalOutcome.Accepted or ApprovalOutcome.Counted => TypedResults.Ok(ApprovalDecisionView.From(outcome)),
        ApprovalOutcome.RunNotFound => TypedResults.Problem(title: "No such run.", detail: $"There is no run '{runId}'.", statusCode: StatusCodes.Status404NotFound),
        ApprovalOutcome.NotAllowed => TypedResults.Problem(title: "Not allowed.", detail: outcome.Message, statusCode: StatusCodes.Status403Forbidden),
        // The rule's message starts with the field it refuses ("to: …", "approvers/1: …").
        ApprovalOutcome.Invalid => InvalidFromRule(outcome.Message),
        _ => TypedResults.Problem(title: "Nothing waits there.", detail: outcome.Message, statusCode: StatusCodes.Status409Conflict),
    };

    private static async Task<(JsonElement Json, ProblemHttpResult? Problem)> ReadAsync(HttpRequest request, string what, CancellationToken ct)
    {
        var body = await RequestBody.ReadAsync(request, MaxBodyBytes, ct);
        if (body is null) return (default, RequestBody.TooLarge(MaxBodyBytes, $"A {what}"));
        if (!RequestBody.TryParseJson(body, out var json, out var error))
        {
            return (default, TypedResults.Problem(title: $"The {what} could not be read.", detail: error, statusCode: StatusCodes.Status400BadRequest));
        }
        return (json, null);
    }

    private static ValidationProblem InvalidFromRule(string message)
    {
        var colon = message.IndexOf(": ", StringComparison.Ordinal);
        return colon > 0 ? Invalid(message[..colon], message[(colon + 2)..], "The request is not valid.") : Invalid("request", message, "The request is not valid.");
    }

    private static ValidationProblem Invalid(string field, string message, string title) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: title);

    private static ProblemHttpResult NoCaller() => TypedResults.Problem(
        title: "Sign-in needed.", detail: "Approvals are listed and handed on as the signed-in person, and this request has none.", statusCode: StatusCodes.Status401Unauthorized);
}
