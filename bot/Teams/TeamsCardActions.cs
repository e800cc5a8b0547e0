using System.Text.Json;
using ChatFlows.Bot.Cards;
using ChatFlows.Bot.Chat;
using ChatFlows.Core.Audit;
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
public sealed partial class TeamsCardActions(
    ChatApprovals approvals, ApprovalViews views, TeamsDeciders deciders, TeamsConnector connector, TimeProvider time,
    ILogger<TeamsCardActions> logger)
{
    /// <summary>The invoke name of Universal Actions.</summary>
    public const string InvokeName = "adaptiveCard/action";

    /// <summary>The <c>value.action.type</c> of an <c>adaptiveCard/action</c> invoke.</summary>
    public const string ExecuteType = "Action.Execute";

    /// <summary>
    /// Answers an <c>adaptiveCard/action</c> invoke, always with a response body of the Universal Action Model
    /// (https://learn.microsoft.com/adaptive-cards/authoring-cards/universal-action-model#response-format): the card
    /// the person should now see, or an error whose <c>statusCode</c> is one the model lists — 400 for a request that
    /// cannot be carried out (malformed, an unknown verb, an approval that does not exist), 500 for a failure here.
    /// </summary>
    public async Task<TeamsInvokeResponse> InvokeAsync(TeamsActivity activity, CancellationToken ct)
    {
        try
        {
            return await AnswerAsync(activity, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            LogInvokeFailed(e, activity.Id);
            return TeamsInvokeResponse.Error(StatusCodes.Status500InternalServerError, "InternalError", "ChatFlows could not carry out this action; try again.");
        }
    }

    private async Task<TeamsInvokeResponse> AnswerAsync(TeamsActivity activity, CancellationToken ct)
    {
        // The checks, codes and messages of the Bot Framework SDK's ActivityHandler for this invoke
        // (https://github.com/microsoft/botbuilder-dotnet/blob/main/libraries/Microsoft.Bot.Builder/ActivityHandler.cs).
        if (activity.Value is not { ValueKind: JsonValueKind.Object } value)
            return TeamsInvokeResponse.BadRequest("'value' is missing: an adaptiveCard/action invoke carries value.action.");
        if (!value.TryGetProperty("action", out var action) || action.ValueKind != JsonValueKind.Object)
            return TeamsInvokeResponse.BadRequest("'value.action' is missing.");
        if (Text(action, "type") is var type && type != ExecuteType)
            return TeamsInvokeResponse.NotSupported($"The action '{type}' in 'value.action.type' is not supported; ChatFlows cards use {ExecuteType}.");
        var verb = Text(action, "verb");
        if (verb is not (ApprovalCard.ApproveVerb or ApprovalCard.RejectVerb or TeamsApprovalCard.RefreshVerb))
            return TeamsInvokeResponse.NotSupported($"The verb '{verb}' in 'value.action.verb' is not supported; it is {ApprovalCard.ApproveVerb}, {ApprovalCard.RejectVerb} or {TeamsApprovalCard.RefreshVerb}.");
        var data = action.TryGetProperty("data", out var d) && d.ValueKind == JsonValueKind.Object ? d : default;
        if (Click.From(verb, data) is not { } click)
            return TeamsInvokeResponse.BadRequest("'value.action.data' must name the approval with runId and nodeId.");

        var decider = await deciders.ResolveAsync(activity, click.RunId, click.NodeId, ct);
        if (click.Approve is not { } approve) return await ViewForAsync(activity, decider, click, note: null, ct);

        var outcome = await approvals.DecideAsync(decider, AuditSurfaces.Teams, click.RunId, click.NodeId, approve, click.Comment, click.Draft, ct);
        if (outcome.Decision.Accepted && outcome.View is { } decided) return TeamsInvokeResponse.Card(TeamsApprovalCard.Render(decided));
        if (outcome.View is null) return TeamsInvokeResponse.BadRequest(outcome.Decision.Message);
        // The card stays as it is for everyone else; the person who clicked sees it with the reason.
        return await ViewForAsync(activity, decider, click, outcome.Decision.Message, ct);
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
        var outcome = await approvals.DecideAsync(decider, AuditSurfaces.Teams, click.RunId, click.NodeId, approve, click.Comment, click.Draft, ct);
        if (!outcome.Decision.Accepted)
        {
            var mention = activity.From?.Name is { Length: > 0 } name ? $"{name}: " : "";
            await connector.ReplyAsync(TeamsConversationReference.From(activity)!, activity.Conversation!.Id!, activity.ReplyToId ?? activity.Id!,
                TeamsOutgoingActivity.Markdown($"{mention}{outcome.Decision.Message}"), ct);
        }
        return true;
    }

    private async Task<TeamsInvokeResponse> ViewForAsync(TeamsActivity activity, Decider decider, Click click, string? note, CancellationToken ct)
    {
        var view = await views.ForAsync(click.RunId, click.NodeId, ct);
        if (view is null)
            return TeamsInvokeResponse.BadRequest(note ?? $"There is no approval {click.NodeId} in run {click.RunId} ('value.action.data').");
        // The approvers now (escalation, delegations): who may decide, and whom the card refreshes for.
        var current = view.Request with { Approvers = view.Approvers };
        var mayDecide = view.IsOpen && current.Allows(decider) && !view.Request.HasExpired(time.GetUtcNow());
        // The person's card keeps the refresh of the shared one, for the same people.
        var refreshFor = view.IsOpen
            ? await deciders.RefreshUserIdsAsync(current, activity.ServiceUrl!, TeamsAddress.FromConversationId(activity.Conversation!.Id!).ConversationId, ct)
            : null;
        return TeamsInvokeResponse.Card(TeamsApprovalCard.RenderFor(view, mayDecide, note, refreshFor));
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

    [LoggerMessage(Level = LogLevel.Error, Message = "Teams: the adaptiveCard/action invoke {ActivityId} failed")]
    private partial void LogInvokeFailed(Exception exception, string? activityId);
}
