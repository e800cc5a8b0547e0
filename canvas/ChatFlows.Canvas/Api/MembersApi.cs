using System.Text.Json;
using ChatFlows.Core.Audit;
using ChatFlows.Core.Workspaces;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using ValidationProblem = Microsoft.AspNetCore.Http.HttpResults.ValidationProblem;

namespace ChatFlows.Canvas.Api;

/// <summary>
/// <c>/api/w/{workspace}/members</c> (README §Workspaces and roles): who has which role in the workspace, for its
/// admins. PUT gives a principal a role (replacing the one it had), DELETE takes it away; the last admin cannot be
/// removed or lowered, so a workspace always has someone who can manage it. Each change is in the audit log.
/// </summary>
public static class MembersApi
{
    private const int MaxBodyBytes = 4 * 1024;

    /// <summary>Maps list, set and remove.</summary>
    public static RouteGroupBuilder MapMembersApi(this IEndpointRouteBuilder app)
    {
        var members = app.MapGroup("/api/members");
        members.MapGet("/", ListAsync).RequireRole(Role.Admin);
        members.MapPut("/{principal}", SetAsync).RequireRole(Role.Admin);
        members.MapDelete("/{principal}", RemoveAsync).RequireRole(Role.Admin);
        return members;
    }

    private static async Task<Ok<MemberList>> ListAsync(HttpContext http, IWorkspaceGrants grants, CancellationToken ct)
    {
        var workspace = WorkspaceRoute.Of(http);
        return TypedResults.Ok(new MemberList(workspace, (await grants.ListAsync(workspace, ct)).Select(MemberView.From).ToArray()));
    }

    private static async Task<Results<Ok<MemberView>, ProblemHttpResult, ValidationProblem>> SetAsync(
        string principal, HttpContext http, IWorkspaceGrants grants, IAuditLog audit, TimeProvider time, CancellationToken ct)
    {
        if (Principals.Problem(principal) is { } problem) return Invalid("principal", problem);
        var body = await RequestBody.ReadAsync(http.Request, MaxBodyBytes, ct);
        if (body is null) return RequestBody.TooLarge(MaxBodyBytes, "A member");
        if (!RequestBody.TryParseJson(body, out var json, out var error))
        {
            return TypedResults.Problem(title: "The member could not be read.", detail: error, statusCode: StatusCodes.Status400BadRequest);
        }
        if (json.ValueKind != JsonValueKind.Object || !json.TryGetProperty("role", out var value) || value.ValueKind != JsonValueKind.String
            || RoleNames.Parse(value.GetString()) is not { } role)
        {
            return Invalid("role", "Send the role as {\"role\": \"viewer\"}: viewer, runner, editor or admin.");
        }

        var workspace = WorkspaceRoute.Of(http);
        var current = await grants.ListAsync(workspace, ct);
        if (role != Role.Admin && IsLastAdmin(current, principal)) return LastAdmin(principal, workspace, "lowered");
        var by = Caller.Of(http)?.Id ?? "anonymous";
        var grant = new WorkspaceGrant(workspace, principal, role, by, time.GetUtcNow());
        await grants.SetAsync(grant, ct);
        var before = current.FirstOrDefault(g => g.Principal == principal)?.Role;
        await audit.RecordAsync(http, AuditActions.RoleGranted, principal, before is { } had && had != role ? $"{role.Name()} (was {had.Name()})" : role.Name());
        return TypedResults.Ok(MemberView.From(grant));
    }

    private static async Task<Results<NoContent, ProblemHttpResult, ValidationProblem>> RemoveAsync(
        string principal, HttpContext http, IWorkspaceGrants grants, IAuditLog audit, CancellationToken ct)
    {
        if (Principals.Problem(principal) is { } problem) return Invalid("principal", problem);
        var workspace = WorkspaceRoute.Of(http);
        var current = await grants.ListAsync(workspace, ct);
        if (current.FirstOrDefault(g => g.Principal == principal) is not { } grant)
        {
            return TypedResults.Problem(title: "No such member.", detail: $"'{principal}' has no role in workspace '{workspace}'.", statusCode: StatusCodes.Status404NotFound);
        }
        if (IsLastAdmin(current, principal)) return LastAdmin(principal, workspace, "removed");
        if (!await grants.RemoveAsync(workspace, principal, ct))
        {
            return TypedResults.Problem(title: "No such member.", detail: $"'{principal}' has no role in workspace '{workspace}'.", statusCode: StatusCodes.Status404NotFound);
        }
        await audit.RecordAsync(http, AuditActions.RoleRevoked, principal, grant.Role.Name());
        return TypedResults.NoContent();
    }

    private static bool IsLastAdmin(IReadOnlyList<WorkspaceGrant> grants, string principal) =>
        grants.Any(g => g.Principal == principal && g.Role == Role.Admin) && grants.Count(g => g.Role == Role.Admin) == 1;

    private static ProblemHttpResult LastAdmin(string principal, string workspace, string what) => TypedResults.Problem(
        title: "The last admin stays.",
        detail: $"'{principal}' is the only admin of workspace '{workspace}' and cannot be {what}; make someone else an admin first.",
        statusCode: StatusCodes.Status409Conflict);

    private static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: "The member is not valid.");
}
