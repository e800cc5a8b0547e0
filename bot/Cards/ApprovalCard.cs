using System.Text.Json;
using ChatFlows.Bot.Chat;
using ChatFlows.Core.Nodes;

namespace ChatFlows.Bot.Cards;

/// <summary>
/// Renders an approval request as an Adaptive Card with Approve / Reject (and the draft to edit) while it waits, with
/// its state (<see cref="ApprovalText"/>: votes so far, who is still needed, delegations, escalation, next reminder,
/// deadline, whether a comment is required); and as a record of who decided and when, with the votes that led there,
/// once it is decided, expired or closed.
/// </summary>
public static class ApprovalCard
{
    /// <summary>The <c>Action.Execute</c> verb of the Approve button.</summary>
    public const string ApproveVerb = "approve";

    /// <summary>The <c>Action.Execute</c> verb of the Reject button.</summary>
    public const string RejectVerb = "reject";

    /// <summary>The input id the (edited) draft comes back under.</summary>
    public const string DraftInput = "draft";

    /// <summary>The input id the approver's comment comes back under.</summary>
    public const string CommentInput = "comment";

    public static AdaptiveCard Render(ApprovalView view)
    {
        var (title, color) = Title(view);
        var body = new List<CardElement>
        {
            new TextBlock { Text = title, Weight = TextWeight.Bolder, Size = TextSize.Medium, Color = color, Wrap = true },
            new TextBlock { Text = view.Request.Prompt, Wrap = true },
            Facts(view),
        };
        var state = ApprovalText.StateLines(view, Same, Same);
        if (view.IsOpen) body.AddRange(StateBlocks(state));
        var actions = new List<CardAction>();

        if (view.IsOpen)
        {
            if (view.Request.Draft is { } draft)
                body.Add(new TextInput { Id = DraftInput, Label = "Draft (you may edit it before approving)", IsMultiline = true, Value = draft });
            body.Add(new TextInput { Id = CommentInput, Label = ApprovalText.CommentLabel(view), Placeholder = "Shown with your decision" });

            // Teams and the Playground both read runId and nodeId from the click's data to know what it decides.
            var data = JsonSerializer.SerializeToElement(new { runId = view.RunId, nodeId = view.NodeId });
            actions.Add(new ExecuteAction { Title = "Approve", Verb = ApproveVerb, Style = ActionStyle.Positive, Data = data, AssociatedInputs = AssociatedInputs.Auto });
            actions.Add(new ExecuteAction { Title = "Reject", Verb = RejectVerb, Style = ActionStyle.Destructive, Data = data, AssociatedInputs = AssociatedInputs.Auto });
        }
        else
        {
            body.AddRange(Outcome(view));
            body.AddRange(StateBlocks(state));
        }

        return new AdaptiveCard { Body = body, Actions = actions, FallbackText = FallbackText(view) };
    }

    private static (string Title, TextColor? Color) Title(ApprovalView view) => view.Decision switch
    {
        null when view.Closed is null => ("Approval needed", null),
        "approved" => ("Approved", TextColor.Good),
        "rejected" => ("Rejected", TextColor.Attention),
        "expired" => ("Expired", TextColor.Warning),
        _ => ("Closed", null),
    };

    private static FactSet Facts(ApprovalView view)
    {
        var approvers = ApprovalText.Join(view.Approvers, Same);
        var facts = new List<Fact> { new("Workflow", view.WorkflowName), new("Run", view.RunId) };
        // A decision read back from the journal keeps the answer, not the list of who could have given it.
        if (approvers.Length > 0) facts.Add(new("Approvers", approvers));
        if (view.Request.ExpiresAt is { } expires) facts.Add(new("Expires", ChatText.Utc(expires)));
        return new FactSet { Facts = facts };
    }

    private static IEnumerable<CardElement> Outcome(ApprovalView view)
    {
        if (DecisionLine(view) is { } line)
            yield return new TextBlock { Text = line, Wrap = true, Weight = TextWeight.Bolder, Separator = true };
        if (view.Closed is { } closed)
            yield return new TextBlock { Text = closed, Wrap = true, Separator = view.Decision is null ? true : null };
        if (view.Comment is { Length: > 0 } comment)
            yield return new TextBlock { Text = $"“{comment}”", Wrap = true, IsSubtle = true };
        if (view.Request.Draft is { } draft)
        {
            yield return new TextBlock { Text = view.Decision == "approved" ? "Draft as approved" : "Draft", IsSubtle = true, Size = TextSize.Small };
            yield return new TextBlock { Text = draft, Wrap = true, Spacing = Spacing.None };
        }
    }

    /// <summary>E.g. "✅ Approved by playground:ada at 2026-11-24 09:14 UTC"; null while nobody decided.</summary>
    private static string? DecisionLine(ApprovalView view)
    {
        var by = view.DecidedBy is { } who ? $" by {who}" : "";
        return view.Decision switch
        {
            null => null,
            "approved" => $"✅ Approved{by}{At(view.DecidedAt)}",
            "rejected" => $"❌ Rejected{by}{At(view.DecidedAt)}",
            "expired" => $"⌛ Expired{At(view.DecidedAt ?? view.Request.ExpiresAt)}, nobody decided",
            var other => $"{other}{by}{At(view.DecidedAt)}",
        };
    }

    // The state's lines, small, the first set apart from the facts.
    private static IEnumerable<CardElement> StateBlocks(IReadOnlyList<string> lines) =>
        lines.Select((line, i) => new TextBlock { Text = line, Wrap = true, Size = TextSize.Small, Spacing = i == 0 ? Spacing.Medium : Spacing.None });

    private static string Same(string text) => text;

    private static string At(DateTimeOffset? at) => at is { } value ? $" at {ChatText.Utc(value)}" : "";

    private static string FallbackText(ApprovalView view) =>
        view.IsOpen
            ? $"Approval needed: {view.Request.Prompt} ({view.WorkflowName}, run {view.RunId})" + (ApprovalText.Summary(view, Same) is { } progress ? $" — {progress}" : "")
            : $"{DecisionLine(view) ?? view.Closed}: {view.Request.Prompt}";
}
