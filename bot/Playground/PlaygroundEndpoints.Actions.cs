using ChatFlows.Bot.Chat;
using ChatFlows.Core.Audit;
using ChatFlows.Core.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using ValidationProblem = Microsoft.AspNetCore.Http.HttpResults.ValidationProblem;

namespace ChatFlows.Bot.Playground;

public static partial class PlaygroundEndpoints
{
    // Approve / Reject on an approval card. The engine checks the approvers; this only checks the click is well formed.
    private static async Task<Results<Ok<PlaygroundActionResult>, ProblemHttpResult, ValidationProblem>> ActAsync(HttpContext context, CancellationToken ct)
    {
        var (json, unreadable) = await ReadObjectAsync(context.Request, ct);
        if (unreadable is not null) return unreadable;

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var signedIn = SignedInPerson(context);
        var user = Text(json, "user", errors);
        if (signedIn is not null) errors.Remove("user");
        else if (!errors.ContainsKey("user") && CheckUser(user) is { } badUser) errors["user"] = [badUser];
        var runId = Text(json, "runId", errors);
        if (!errors.ContainsKey("runId") && string.IsNullOrWhiteSpace(runId)) errors["runId"] = ["runId must name the run the card belongs to."];
        var nodeId = Text(json, "nodeId", errors);
        if (!errors.ContainsKey("nodeId") && string.IsNullOrWhiteSpace(nodeId)) errors["nodeId"] = ["nodeId must name the approval node the card belongs to."];
        var verb = Text(json, "verb", errors);
        if (!errors.ContainsKey("verb") && verb is not ("approve" or "reject")) errors["verb"] = ["verb must be \"approve\" or \"reject\"."];
        var comment = Text(json, "comment", errors);
        if (comment?.Length > MaxTextLength) errors["comment"] = [$"comment may be at most {MaxTextLength} characters."];
        var draft = Text(json, "draft", errors);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "The action cannot be carried out.");

        if (context.RequestServices.GetService<ChatApprovals>() is not { } approvals)
        {
            return TypedResults.Problem(title: "Approvals are not available.", detail: "This host cannot decide approvals from chat.", statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        // Signed in, a person decides as themselves; otherwise (one local user trying things) as the display name picked.
        var decided = await approvals.DecideAsync(
            signedIn?.Decider ?? new Decider(PlaygroundChannel.PlatformName + ":" + user), AuditSurfaces.Playground, runId!, nodeId!, verb == "approve", NullIfBlank(comment), draft, ct);
        return TypedResults.Ok(new PlaygroundActionResult(decided.Decision.Accepted, decided.Decision.Message));
    }

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
