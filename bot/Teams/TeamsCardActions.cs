using System.Text.Json;
using ChatFlows.Bot.Cards;
using ChatFlows.Bot.Chat;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;
using ChatFlows.Core.Storage;

namespace ChatFlows.Bot.Teams;

/// <summary>
/// Clicks on approval cards. An <c>Action.Execute</c> arrives as an <c>adaptiveCard/action</c> invoke whose
/// <c>value.action</c> holds the verb and the data with the card's inputs merged in; it is answered at once with the
/// card the person should now see. <c>approve</c> and <c>reject</c> decide through <see cref="ChatApprovals"/> (the one
/// approver rule); <c>refresh</c> (the card's user-specific view) shows approvers the buttons and others the status.
/// A refused click changes nothing, and only the person who clicked sees why. An <c>Action.Submit</c> (a message
/// whose <c>value</c> holds the data) is decided the same way, and a refusal is answered in the thread.
/// </summary>
public sealed class TeamsCardActions(
    ChatApprovals approvals, TeamsDeciders deciders, IRunStore runs, IWorkflowStore workflows, TeamsConnector connector, TimeProvider time)
{
    /// <summary>The invoke name of Universal Actions.</summary>
    public const string InvokeName = "adaptiveCard/action";

    /// <summary>Answers an <c>adaptiveCard/action</c> invoke.</summary>
    public async Task<TeamsInvokeResponse> InvokeAsync(TeamsActivity activity, CancellationToken ct)
    {
        if (activity.Value is not { ValueKind: JsonValueKind.Object } value || !value.TryGetProperty("action", out var action) || action.ValueKind != JsonValueKind.Object)
            return TeamsInvokeResponse.Error(StatusCodes.Status400BadRequest, "BadRequest", "The invoke has no value.action.");
        var verb = Text(action, "verb");
        var data = action.TryGetProperty("data", out var d) && d.ValueKind == JsonValueKind.Object ? d : default;
        if (Click.From(verb, data) is not { } click)
            return TeamsInvokeResponse.Error(StatusCodes.Status400BadRequest, "BadRequest", $"value.action must have verb approve, reject or {TeamsApprovalCard.RefreshVerb} and data with runId and nodeId.");

        var decider = await deciders.ResolveAsync(activity, click.RunId, click.NodeId, ct);
        if (click.Approve is not { } approve) return await ViewForAsync(decider, click, note: null, ct);

        var outcome = await approvals.DecideAsync(decider, click.RunId, click.NodeId, approve, click.Comment, click.Draft, ct);
        if (outcome.Decision.Accepted && outcome.View is { } decided) return TeamsInvokeResponse.Card(TeamsApprovalCard.Render(decided));
        if (outcome.View is null) return TeamsInvokeResponse.Error(StatusCodes.Status404NotFound, "NotFound", outcome.Decision.Message);
        // The card stays as it is for everyone else; the person who clicked sees it with the reason.
        return await ViewForAsync(decider, click, outcome.Decision.Message, ct);
    }

    /// <summary>
    /// Decides an <c>Action.Submit</c> click (a message whose <c>value</c> has <c>verb</c>, <c>runId</c> and
    /// <c>nodeId</c>); returns false when the value is not one. A refusal is answered in the card's thread.
    /// </summary>
    public async Task<bool> SubmitAsync(TeamsActivity activity, CancellationToken ct)
    {
        if (activity.Value is not { ValueKind: JsonValueKind.Object } value) return false;
        // Clients that send Action.Submit merge the inputs into the data; the verb travels in the data too.
        var data = value.TryGetProperty("action", out var action) && action.ValueKind == JsonValueKind.Object && action.TryGetProperty("data", out var inner) ? inner : value;
        var verb = Text(value, "verb") ?? (action.ValueKind == JsonValueKind.Object ? Text(action, "verb") : null) ?? Text(data, "verb");
        if (Click.From(verb, data) is not { Approve: { } approve } click) return false;

        var decider = await deciders.ResolveAsync(activity, click.RunId, click.NodeId, ct);
        var outcome = await approvals.DecideAsync(decider, click.RunId, click.NodeId, approve, click.Comment, click.Draft, ct);
        if (!outcome.Decision.Accepted)
        {
            var mention = activity.From?.Name is { Length: > 0 } name ? $"{name}: " : "";
            await connector.ReplyAsync(activity.ServiceUrl!, activity.Conversation!.Id!, activity.ReplyToId ?? activity.Id!,
                TeamsOutgoingActivity.Markdown($"{mention}{outcome.Decision.Message}"), ct);
        }
        return true;
    }

    private async Task<TeamsInvokeResponse> ViewForAsync(Decider decider, Click click, string? note, CancellationToken ct)
    {
        var run = await runs.GetAsync(click.RunId, ct);
        var node = run?.Nodes.FirstOrDefault(n => n.NodeId == click.NodeId);
        if (run is null || node is null)
            return TeamsInvokeResponse.Error(StatusCodes.Status404NotFound, "NotFound", note ?? $"There is no approval {click.NodeId} in run {click.RunId}.");
        var name = (await workflows.GetVersionAsync(run.WorkflowId, run.WorkflowVersion, ct))?.DisplayName ?? run.WorkflowId;
        if (ApprovalView.From(run.Id, name, node) is not { } view)
            return TeamsInvokeResponse.Error(StatusCodes.Status404NotFound, "NotFound", note ?? $"Step {click.NodeId} of run {click.RunId} is not an approval.");
        if (view.IsOpen && run.Status.IsTerminal()) view = view with { Closed = $"The run {run.Status.ToText()} before anyone decided." };
        var mayDecide = view.IsOpen && view.Request.Allows(decider) && !view.Request.HasExpired(time.GetUtcNow());
        return TeamsInvokeResponse.Card(TeamsApprovalCard.RenderFor(view, mayDecide, note));
    }

    private static string? Text(JsonElement value, string property) =>
        value.ValueKind == JsonValueKind.Object && value.TryGetProperty(property, out var found) && found.ValueKind == JsonValueKind.String ? found.GetString() : null;

    /// <summary>What a click asks: decide (approve or reject) or see the card; which approval; the inputs.</summary>
    private sealed record Click(bool? Approve, string RunId, string NodeId, string? Comment, string? Draft)
    {
        public static Click? From(string? verb, JsonElement data)
        {
            if (verb is not (ApprovalCard.ApproveVerb or ApprovalCard.RejectVerb or TeamsApprovalCard.RefreshVerb)) return null;
            bool? approve = verb == TeamsApprovalCard.RefreshVerb ? null : verb == ApprovalCard.ApproveVerb;
            if (Text(data, "runId") is not { Length: > 0 } runId || Text(data, "nodeId") is not { Length: > 0 } nodeId) return null;
            return new Click(approve, runId, nodeId, Text(data, ApprovalCard.CommentInput), Text(data, ApprovalCard.DraftInput));
        }
    }
}
