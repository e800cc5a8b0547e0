using System.Text.Json;
using System.Text.Json.Nodes;
using ChatFlows.Bot.Chat;

namespace ChatFlows.Bot.Slack;

/// <summary>
/// The modal a click on Approve or Reject opens when the approval requires a comment for it (<c>requireComment</c>;
/// Slack's buttons carry no input): the question, the rule, and a required comment field. Its <c>callback_id</c> names
/// the decision, its <c>private_metadata</c> the run and node sealed as a button's value (<see cref="SlackApprovalToken"/>);
/// the <c>view_submission</c> decides with the comment, and a refusal is shown on the field (<c>response_action: errors</c>).
/// </summary>
public static class SlackCommentModal
{
    /// <summary>The <c>callback_id</c> of the modal that approves.</summary>
    public const string ApproveCallbackId = "approval.comment.approve";

    /// <summary>The <c>callback_id</c> of the modal that rejects.</summary>
    public const string RejectCallbackId = "approval.comment.reject";

    /// <summary>The <c>block_id</c> of the comment input, which errors name.</summary>
    public const string CommentBlockId = "comment";

    /// <summary>The <c>action_id</c> of the comment's text field.</summary>
    public const string CommentActionId = "comment";

    /// <summary>The longest comment the field takes.</summary>
    public const int MaxComment = 3000;

    /// <summary>The modal deciding <paramref name="view"/> (<paramref name="approve"/> or reject) with a comment.</summary>
    public static JsonElement Render(ApprovalView view, bool approve, SlackApprovalToken token)
    {
        var verb = approve ? "Approve" : "Reject";
        var rule = ApprovalText.CommentRule(view) ?? "A comment is required.";
        var blocks = new JsonArray
        {
            SlackBlock.Section($"*{SlackText.Escape(view.Request.Prompt)}*\n{SlackText.Escape(view.WorkflowName)}, run `{SlackText.Escape(view.RunId)}`"),
            SlackBlock.Context([rule]),
            new JsonObject
            {
                ["type"] = "input",
                ["block_id"] = CommentBlockId,
                ["label"] = Plain(approve ? "Why you approve" : "Why you reject"),
                ["element"] = new JsonObject
                {
                    ["type"] = "plain_text_input",
                    ["action_id"] = CommentActionId,
                    ["multiline"] = true,
                    ["max_length"] = MaxComment,
                    ["placeholder"] = Plain("Shown with your decision on every card"),
                },
                ["hint"] = Plain($"Your comment is required to {verb.ToLowerInvariant()}."),
            },
        };
        var modal = new JsonObject
        {
            ["type"] = "modal",
            ["callback_id"] = approve ? ApproveCallbackId : RejectCallbackId,
            ["private_metadata"] = token.Create(view.RunId, view.NodeId),
            ["title"] = Plain($"{verb} with a comment"),
            ["submit"] = Plain(verb),
            ["close"] = Plain("Cancel"),
            ["blocks"] = blocks,
        };
        return JsonSerializer.SerializeToElement<JsonNode>(modal);
    }

    /// <summary>True for approve, false for reject, null when <paramref name="callbackId"/> is not this modal's.</summary>
    public static bool? DecisionOf(string? callbackId) => callbackId switch
    {
        ApproveCallbackId => true,
        RejectCallbackId => false,
        _ => null,
    };

    /// <summary>The comment typed into a submitted modal (<c>view.state.values.comment.comment.value</c>), or null.</summary>
    public static string? CommentOf(JsonElement view) =>
        view.TryGetProperty("state", out var state) && state.TryGetProperty("values", out var values)
        && values.TryGetProperty(CommentBlockId, out var block) && block.TryGetProperty(CommentActionId, out var field)
        && field.TryGetProperty("value", out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static JsonObject Plain(string text) => new() { ["type"] = "plain_text", ["text"] = text, ["emoji"] = true };
}
