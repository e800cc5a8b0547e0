using System.Text.Json.Nodes;
using ChatFlows.Bot.Chat;
using ChatFlows.Core.Nodes;

namespace ChatFlows.Bot.Slack;

/// <summary>
/// Renders an approval as Block Kit: the question, its facts (workflow, run, approvers, expiry), its state in a
/// context block (<see cref="ApprovalText"/>: votes so far, who is still needed, delegations, escalation, next
/// reminder, deadline, comment rule) and the draft in a quote; while it waits, Approve and Reject buttons whose values
/// are sealed with <see cref="SlackApprovalToken"/>; once decided, expired or closed, who decided and when, without buttons.
/// </summary>
public static class SlackApprovalBlocks
{
    /// <summary>The <c>action_id</c> of the Approve button.</summary>
    public const string ApproveActionId = "approval.approve";

    /// <summary>The <c>action_id</c> of the Reject button.</summary>
    public const string RejectActionId = "approval.reject";

    public static SlackMessage Render(ApprovalView view, SlackApprovalToken token)
    {
        var blocks = new List<JsonObject>
        {
            SlackBlock.Section($"*{Title(view)}*\n{SlackText.Escape(view.Request.Prompt)}"),
            SlackBlock.Fields(Facts(view)),
        };
        var state = ApprovalText.StateLines(view, Who, SlackText.Escape);
        if (view.IsOpen && state.Count > 0) blocks.Add(SlackBlock.Context([string.Join('\n', state)]));
        if (view.Request.Draft is { } draft)
        {
            var label = view.Decision == "approved" ? "Draft as approved" : "Draft";
            blocks.Add(SlackBlock.Section($"*{label}*\n{Quote(draft)}"));
        }

        if (view.IsOpen)
        {
            var value = token.Create(view.RunId, view.NodeId);
            blocks.Add(SlackBlock.Actions(
                SlackBlock.Button("Approve", ApproveActionId, value, "primary"),
                SlackBlock.Button("Reject", RejectActionId, value, "danger")));
        }
        else
        {
            blocks.Add(SlackBlock.Divider());
            blocks.Add(SlackBlock.Section(Outcome(view)));
            if (state.Count > 0) blocks.Add(SlackBlock.Context([string.Join('\n', state)]));
        }

        return new SlackMessage(SlackText.Truncate(FallbackText(view), SlackText.MaxBlockText), SlackBlock.ToJson(blocks));
    }

    /// <summary>E.g. "✅ Approved by &lt;@U012&gt; at 2026-11-24 09:14 UTC"; null while nobody decided.</summary>
    public static string? DecisionLine(ApprovalView view)
    {
        var by = view.DecidedBy is { } who ? $" by {SlackText.Who(who)}" : "";
        return view.Decision switch
        {
            null => null,
            "approved" => $"✅ Approved{by}{At(view.DecidedAt)}",
            "rejected" => $"❌ Rejected{by}{At(view.DecidedAt)}",
            "expired" => $"⌛ Expired{At(view.DecidedAt ?? view.Request.ExpiresAt)}, nobody decided",
            var other => $"{SlackText.Escape(other)}{by}{At(view.DecidedAt)}",
        };
    }

    private static string Title(ApprovalView view) => view.Decision switch
    {
        null when view.Closed is null => "Approval needed",
        "approved" => "Approved",
        "rejected" => "Rejected",
        "expired" => "Expired",
        _ => "Closed",
    };

    private static IEnumerable<string> Facts(ApprovalView view)
    {
        yield return $"*Workflow*\n{SlackText.Escape(view.WorkflowName)}";
        yield return $"*Run*\n`{SlackText.Escape(view.RunId)}`";
        // A decision read back from the journal keeps the answer, not the list of who could have given it.
        var approvers = view.Approvers;
        if (approvers.Count > 0) yield return $"*Approvers*\n{ApprovalText.Join(approvers, Who)}";
        if (view.IsOpen && view.Request.ExpiresAt is { } expires) yield return $"*Expires*\n{ChatText.Utc(expires)}";
    }

    private static string Outcome(ApprovalView view)
    {
        var lines = new List<string>(3);
        if (DecisionLine(view) is { } line) lines.Add($"*{line}*");
        if (view.Closed is { } closed) lines.Add(SlackText.Escape(closed));
        if (view.Comment is { Length: > 0 } comment) lines.Add($"“{SlackText.Escape(comment)}”");
        return string.Join('\n', lines);
    }

    /// <summary>
    /// An approver or voter as Slack shows them: a person's mention (<c>&lt;@U012&gt;</c>), a user group's mention
    /// (<c>&lt;!subteam^S012&gt;</c> for <c>slack-group:S012</c>), anyone else as written.
    /// </summary>
    public static string Who(string who) =>
        who.StartsWith(SlackGroupPrefix, StringComparison.Ordinal) && who.Length > SlackGroupPrefix.Length && who[SlackGroupPrefix.Length..].All(char.IsAsciiLetterOrDigit)
            ? $"<!subteam^{who[SlackGroupPrefix.Length..]}>"
            : SlackText.Who(who);

    private const string SlackGroupPrefix = "slack-group:";

    // Every line quoted, so a multi-line draft stays one quote; the quote's ">" is markup, so it is not escaped.
    private static string Quote(string text) =>
        string.Join('\n', SlackText.Escape(text).Split('\n').Select(line => "> " + line.TrimEnd('\r')));

    private static string At(DateTimeOffset? at) => at is { } value ? $" at {ChatText.Utc(value)}" : "";

    private static string FallbackText(ApprovalView view) =>
        view.IsOpen
            ? $"Approval needed: {SlackText.Escape(view.Request.Prompt)} ({SlackText.Escape(view.WorkflowName)}, run {SlackText.Escape(view.RunId)})"
              + (ApprovalText.Summary(view, Who) is { } progress ? $" — {progress}" : "")
            : $"{DecisionLine(view) ?? SlackText.Escape(view.Closed ?? Title(view))}: {SlackText.Escape(view.Request.Prompt)}";
}
