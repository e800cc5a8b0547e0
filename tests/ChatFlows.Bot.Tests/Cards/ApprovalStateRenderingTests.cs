using System.Text.Json;
using ChatFlows.Bot.Cards;
using ChatFlows.Bot.Chat;
using ChatFlows.Bot.Slack;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;
using Microsoft.AspNetCore.DataProtection;
using static ChatFlows.Bot.Tests.Slack.BlockQuery;

namespace ChatFlows.Bot.Tests.Cards;

/// <summary>
/// What every approval card shows of the approval's state (README §Approvals), on Slack (Block Kit) and on Teams and the
/// Playground (the Adaptive Card): votes so far, who is still needed, delegations, escalation, next reminder, deadline,
/// and when a comment is required.
/// </summary>
public sealed class ApprovalStateRenderingTests
{
    private const string Run = "run-7";
    private const string Node = "ask";
    private static readonly DateTimeOffset Requested = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);
    private readonly SlackApprovalToken _token = new(new EphemeralDataProtectionProvider());

    private static ApprovalView Waiting(ApprovalPolicy policy, string[] approvers, DateTimeOffset? expires = null, params ApprovalEvent[] journal)
    {
        var request = new ApprovalRequest { Prompt = "Deploy api to production?", Approvers = approvers, RequestedAt = Requested, ExpiresAt = expires, Policy = policy };
        var node = new NodeRecord(Node) { Status = NodeStatus.Waiting, Bookmark = ApprovalNode.Bookmark, Output = request.ToJson() };
        return ApprovalView.From(Run, "Deploy", node, journal)!;
    }

    private static ApprovalEvent Vote(string by, bool approve, int minutes, string? comment = null) =>
        new(Run, Node, $"vote:{by}", ApprovalEventKinds.Vote, by, Requested.AddMinutes(minutes),
            JsonSerializer.SerializeToElement(new { decision = approve ? "approved" : "rejected", comment }));

    private static ApprovalEvent Escalation(int minutes) =>
        new(Run, Node, "escalation", ApprovalEventKinds.Escalation, ApprovalEventKinds.System, Requested.AddMinutes(minutes), JsonSerializer.SerializeToElement(new { }));

    private static ApprovalEvent Delegation(string from, string to, int minutes) =>
        new(Run, Node, "delegation:1", ApprovalEventKinds.Delegation, from, Requested.AddMinutes(minutes), JsonSerializer.SerializeToElement(new { from, to }));

    private static readonly ApprovalPolicy QuorumTwo = new() { Quorum = "2" };

    private static ApprovalPolicy Escalating => new()
    {
        Quorum = "2",
        Remind = TimeSpan.FromMinutes(15),
        Escalate = new ApprovalEscalation { After = TimeSpan.FromMinutes(30), To = ["slack-group:S0ONCALL"], Notify = "slack:C0ONCALL" },
        OnTimeout = ApprovalPolicy.TimeoutReject,
        RequireComment = ApprovalPolicy.CommentOnReject,
    };

    private string SlackText(ApprovalView view)
    {
        var message = SlackApprovalBlocks.Render(view, _token);
        ConformanceRecorder.Record("slack", "chat.postMessage", "POST /api/chat.postMessage (rendered)", JsonSerializer.SerializeToElement(new { channel = "C0DEPLOY1", text = message.Text, blocks = message.Blocks }));
        return string.Join('\n', Blocks(message.Blocks).SelectMany(Texts));
    }

    private static JsonElement Card(ApprovalView view)
    {
        var card = ApprovalCard.Render(view).ToJson();
        ConformanceRecorder.Record("card", "approval-state", "bot/Cards/ApprovalCard", card);
        return card;
    }

    [Fact]
    public void Render_OneOfTwoApprovals_ShowsWhoApprovedAndWhoIsStillNeeded()
    {
        var view = Waiting(QuorumTwo, ["slack:UANA00001", "slack:UBO000001", "slack:UCY000001"], journal: Vote("slack:UANA00001", true, 14));

        var slack = SlackText(view);
        Assert.Contains("1 of 2 approvals — waiting for <@UBO000001>, <@UCY000001>", slack, StringComparison.Ordinal);
        Assert.Contains("✅ Approved by <@UANA00001> at 2026-11-24 09:14 UTC", slack, StringComparison.Ordinal);
        var card = Card(view);
        Assert.Contains("1 of 2 approvals — waiting for slack:UBO000001, slack:UCY000001", CardQuery.Texts(card));
        Assert.Contains("✅ Approved by slack:UANA00001 at 2026-11-24 09:14 UTC", CardQuery.Texts(card));
        Assert.EndsWith("— 1 of 2 approvals — waiting for slack:UBO000001, slack:UCY000001", card.GetProperty("fallbackText").GetString(), StringComparison.Ordinal);
        // Still open: the buttons stay.
        Assert.Equal(2, CardQuery.Actions(card).Length);
    }

    [Fact]
    public void Render_EscalationAhead_ShowsWhenItEscalatesTheNextReminderAndWhatTheDeadlineDoes()
    {
        var view = Waiting(Escalating, ["slack:UANA00001", "slack:UBO000001"], expires: Requested.AddHours(2));

        var slack = SlackText(view);
        Assert.Contains("⤴ Escalates to <!subteam^S0ONCALL> at 2026-11-24 09:30 UTC (slack:C0ONCALL is told)", slack, StringComparison.Ordinal);
        Assert.Contains("🔔 Next reminder at 2026-11-24 09:15 UTC", slack, StringComparison.Ordinal);
        Assert.Contains("⏰ Deadline 2026-11-24 11:00 UTC: then it is rejected automatically", slack, StringComparison.Ordinal);
        Assert.Contains("💬 A comment is required to reject.", slack, StringComparison.Ordinal);
        var texts = CardQuery.Texts(Card(view)).ToArray();
        Assert.Contains("⤴ Escalates to slack-group:S0ONCALL at 2026-11-24 09:30 UTC (slack:C0ONCALL is told)", texts);
        Assert.Contains("🔔 Next reminder at 2026-11-24 09:15 UTC", texts);
        Assert.Contains("⏰ Deadline 2026-11-24 11:00 UTC: then it is rejected automatically", texts);
    }

    [Fact]
    public void Render_Escalated_ShowsTheGroupAmongApproversAndWhenItEscalated()
    {
        var reminder = new ApprovalEvent(Run, Node, "reminder:1", ApprovalEventKinds.Reminder, ApprovalEventKinds.System, Requested.AddMinutes(15), JsonSerializer.SerializeToElement(new { }));
        var view = Waiting(Escalating, ["slack:UANA00001", "slack:UBO000001"], Requested.AddHours(2), reminder, reminder with { Key = "reminder:2", At = Requested.AddMinutes(30) }, Escalation(30));

        var slack = SlackText(view);
        Assert.Contains("⤴ Escalated to <!subteam^S0ONCALL> at 2026-11-24 09:30 UTC", slack, StringComparison.Ordinal);
        Assert.Contains("*Approvers*\n<@UANA00001>, <@UBO000001>, <!subteam^S0ONCALL>", slack, StringComparison.Ordinal);
        Assert.Contains("0 of 2 approvals — waiting for <@UANA00001>, <@UBO000001>, <!subteam^S0ONCALL>", slack, StringComparison.Ordinal);
        Assert.Contains("🔔 Next reminder at 2026-11-24 09:45 UTC (2 reminders sent)", slack, StringComparison.Ordinal);
        Assert.DoesNotContain("Escalates to", slack, StringComparison.Ordinal);
        var card = Card(view);
        Assert.Equal("slack:UANA00001, slack:UBO000001, slack-group:S0ONCALL", CardQuery.Facts(card)["Approvers"]);
    }

    [Fact]
    public void Render_Delegated_ShowsWhoHandedItToWhomAndTheDelegateAsApprover()
    {
        var view = Waiting(new ApprovalPolicy(), ["slack:UANA00001"], journal: Delegation("slack:UANA00001", "slack:UCY000001", 5));

        var slack = SlackText(view);
        Assert.Contains("↪ <@UANA00001> handed this to <@UCY000001> at 2026-11-24 09:05 UTC", slack, StringComparison.Ordinal);
        Assert.Contains("*Approvers*\n<@UCY000001>", slack, StringComparison.Ordinal);
        var card = Card(view);
        Assert.Contains("↪ slack:UANA00001 handed this to slack:UCY000001 at 2026-11-24 09:05 UTC", CardQuery.Texts(card));
        Assert.Equal("slack:UCY000001", CardQuery.Facts(card)["Approvers"]);
    }

    [Fact]
    public void Render_CommentRequired_LabelsTheCommentFieldWithTheRule()
    {
        var onReject = CardQuery.OfType(Card(Waiting(new ApprovalPolicy { RequireComment = ApprovalPolicy.CommentOnReject }, ["anyone"])), "Input.Text")
            .Single(i => i.GetProperty("id").GetString() == ApprovalCard.CommentInput);
        Assert.Equal("Comment (required to reject)", onReject.GetProperty("label").GetString());
        var always = Card(Waiting(new ApprovalPolicy { RequireComment = ApprovalPolicy.CommentAlways }, ["anyone"]));
        Assert.Equal("Comment (required)", CardQuery.OfType(always, "Input.Text").Single().GetProperty("label").GetString());
        Assert.Contains("💬 A comment is required to approve or reject.", CardQuery.Texts(always));
    }

    [Fact]
    public void Render_PlainApproval_AddsNoStateLines()
    {
        var view = Waiting(new ApprovalPolicy(), ["slack:UANA00001"]);

        Assert.Equal(["section", "section", "actions"], Blocks(SlackApprovalBlocks.Render(view, _token).Blocks).Select(Type));
        Assert.Equal(["Approval needed", "Deploy api to production?"], CardQuery.Texts(Card(view)));
    }

    [Fact]
    public void Render_DecidedByQuorum_ListsEveryVoteWithoutButtons()
    {
        var output = JsonSerializer.SerializeToElement(new
        {
            decision = "approved",
            by = "slack:UBO000001",
            at = Requested.AddMinutes(20),
            prompt = "Deploy api to production?",
            votes = new[]
            {
                new { by = "slack:UANA00001", decision = "approved", at = Requested.AddMinutes(14), comment = (string?)null },
                new { by = "slack:UBO000001", decision = "approved", at = Requested.AddMinutes(20), comment = (string?)"after the freeze" },
            },
        });
        var node = new NodeRecord(Node) { Status = NodeStatus.Succeeded, Output = output, StartedAt = Requested, FinishedAt = Requested.AddMinutes(20) };
        var view = ApprovalView.From(Run, "Deploy", node, [])!;

        var slack = SlackText(view);
        Assert.Contains("✅ Approved by <@UBO000001> at 2026-11-24 09:20 UTC", slack, StringComparison.Ordinal);
        Assert.Contains("✅ Approved by <@UANA00001> at 2026-11-24 09:14 UTC", slack, StringComparison.Ordinal);
        Assert.Contains("✅ Approved by <@UBO000001> at 2026-11-24 09:20 UTC — “after the freeze”", slack, StringComparison.Ordinal);
        Assert.Empty(OfType(SlackApprovalBlocks.Render(view, _token).Blocks, "actions"));
        var card = Card(view);
        Assert.Contains("✅ Approved by slack:UANA00001 at 2026-11-24 09:14 UTC", CardQuery.Texts(card));
        Assert.Empty(CardQuery.Actions(card));
    }

    [Fact]
    public void RenderFor_NotAnApprover_SaysWhoIsStillNeeded()
    {
        var view = Waiting(QuorumTwo, ["teams:ana@corp.example", "teams:bo@corp.example"], journal: Vote("teams:ana@corp.example", true, 3));

        var card = ChatFlows.Bot.Teams.TeamsApprovalCard.RenderFor(view, mayDecide: false).ToJson();
        ConformanceRecorder.Record("card", "approval-state-teams", "bot/Teams/TeamsApprovalCard", card);

        Assert.Contains("Waiting for a decision by teams:bo@corp.example.", CardQuery.Texts(card));
        Assert.Contains("1 of 2 approvals — waiting for teams:bo@corp.example", CardQuery.Texts(card));
        Assert.Empty(CardQuery.Actions(card));
    }
}
