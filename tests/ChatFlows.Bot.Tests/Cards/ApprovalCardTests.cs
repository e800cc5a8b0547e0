using System.Text.Json;
using ChatFlows.Bot.Cards;
using ChatFlows.Bot.Chat;
using ChatFlows.Core.Nodes;

namespace ChatFlows.Bot.Tests.Cards;

public sealed class ApprovalCardTests
{
    private static readonly DateTimeOffset Requested = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);

    private static ApprovalView Open(string? draft = "Release 2.4 is out: faster runs.", string[]? approvers = null, DateTimeOffset? expires = null) => new()
    {
        RunId = "run-42",
        NodeId = "review",
        WorkflowName = "Release notes",
        Request = new ApprovalRequest
        {
            Prompt = "Post these release notes to #general?",
            Approvers = approvers ?? ["playground:ada", "slack:U012"],
            Draft = draft,
            RequestedAt = Requested,
            ExpiresAt = expires,
        },
    };

    private static ApprovalView Decided(string decision, string? comment = null) => Open() with
    {
        Decision = decision,
        DecidedBy = "playground:ada",
        DecidedAt = new DateTimeOffset(2026, 11, 24, 10, 14, 30, TimeSpan.FromHours(1)),
        Comment = comment,
    };

    private static JsonElement Input(JsonElement card, string id) =>
        CardQuery.OfType(card, "Input.Text").Single(i => i.GetProperty("id").GetString() == id);

    [Fact]
    public void Render_Open_ShowsTitlePromptAndFacts()
    {
        var card = ApprovalCard.Render(Open(expires: new DateTimeOffset(2026, 11, 25, 11, 30, 0, TimeSpan.FromHours(2)))).ToJson();

        Assert.Equal(["Approval needed", "Post these release notes to #general?"], CardQuery.Texts(card).Take(2));
        Assert.True(CardQuery.Text(card, "Post these release notes to #general?").Wraps);
        var facts = CardQuery.Facts(card);
        Assert.Equal("Release notes", facts["Workflow"]);
        Assert.Equal("run-42", facts["Run"]);
        Assert.Equal("playground:ada, slack:U012", facts["Approvers"]);
        Assert.Equal("2026-11-25 09:30 UTC", facts["Expires"]);
    }

    [Fact]
    public void Render_AnyoneAmongApprovers_ShowsAnyone()
    {
        var facts = CardQuery.Facts(ApprovalCard.Render(Open(approvers: ["slack:U012", "anyone"])).ToJson());

        Assert.Equal("anyone", facts["Approvers"]);
        Assert.False(facts.ContainsKey("Expires"));
    }

    [Fact]
    public void Render_OpenWithDraft_HasMultilineDraftInputHoldingTheDraft()
    {
        var draft = Input(ApprovalCard.Render(Open()).ToJson(), "draft");

        Assert.Equal("Release 2.4 is out: faster runs.", draft.GetProperty("value").GetString());
        Assert.True(draft.GetProperty("isMultiline").GetBoolean());
        Assert.Equal("Draft (you may edit it before approving)", draft.GetProperty("label").GetString());
    }

    [Fact]
    public void Render_OpenWithoutDraft_HasOnlyTheCommentInput()
    {
        var card = ApprovalCard.Render(Open(draft: null)).ToJson();

        Assert.Equal(["comment"], CardQuery.OfType(card, "Input.Text").Select(i => i.GetProperty("id").GetString()));
    }

    [Fact]
    public void Render_Open_HasOptionalCommentInput()
    {
        var comment = Input(ApprovalCard.Render(Open()).ToJson(), "comment");

        Assert.Equal("Comment (optional)", comment.GetProperty("label").GetString());
        Assert.False(comment.TryGetProperty("value", out _));
    }

    [Fact]
    public void Render_Open_HasApproveAndRejectExecuteActionsNamingRunAndNode()
    {
        var actions = CardQuery.Actions(ApprovalCard.Render(Open()).ToJson());

        Assert.Equal(2, actions.Length);
        Assert.All(actions, a => Assert.Equal("Action.Execute", a.GetProperty("type").GetString()));
        Assert.Equal(["Approve", "Reject"], actions.Select(a => a.GetProperty("title").GetString()));
        Assert.Equal(["approve", "reject"], actions.Select(a => a.GetProperty("verb").GetString()));
        Assert.Equal(["positive", "destructive"], actions.Select(a => a.GetProperty("style").GetString()));
        Assert.All(actions, a =>
        {
            var data = a.GetProperty("data");
            Assert.Equal(["runId", "nodeId"], data.EnumerateObject().Select(p => p.Name));
            Assert.Equal("run-42", data.GetProperty("runId").GetString());
            Assert.Equal("review", data.GetProperty("nodeId").GetString());
        });
    }

    [Fact]
    public void Render_Approved_ShowsWhoAndWhenInUtc()
    {
        var card = ApprovalCard.Render(Decided("approved")).ToJson();

        Assert.Equal("Approved", CardQuery.Texts(card).First());
        Assert.Equal("Good", CardQuery.Text(card, "Approved").Color);
        Assert.Contains("✅ Approved by playground:ada at 2026-11-24 09:14 UTC", CardQuery.Texts(card));
        Assert.StartsWith("✅ Approved by playground:ada", card.GetProperty("fallbackText").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Render_Approved_ShowsTheDraftAsTextWithoutInputsOrActions()
    {
        var card = ApprovalCard.Render(Decided("approved")).ToJson();

        Assert.Contains("Release 2.4 is out: faster runs.", CardQuery.Texts(card));
        Assert.Empty(CardQuery.OfType(card, "Input.Text"));
        Assert.Empty(CardQuery.Actions(card));
        Assert.False(card.TryGetProperty("actions", out _));
    }

    [Fact]
    public void Render_RejectedWithComment_ShowsWhoAndTheCommentQuotedAndSubtle()
    {
        var card = ApprovalCard.Render(Decided("rejected", comment: "Wait for the hotfix")).ToJson();

        Assert.Equal("Rejected", CardQuery.Texts(card).First());
        Assert.Contains("❌ Rejected by playground:ada at 2026-11-24 09:14 UTC", CardQuery.Texts(card));
        Assert.True(CardQuery.Text(card, "“Wait for the hotfix”").IsSubtle);
        Assert.Empty(CardQuery.Actions(card));
    }

    [Fact]
    public void Render_Expired_SaysNobodyDecided()
    {
        var expires = new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);
        var view = Open(expires: expires) with { Decision = "expired", DecidedAt = expires };

        var card = ApprovalCard.Render(view).ToJson();

        Assert.Equal("Expired", CardQuery.Texts(card).First());
        Assert.Contains("⌛ Expired at 2026-11-25 09:00 UTC, nobody decided", CardQuery.Texts(card));
        Assert.Empty(CardQuery.OfType(card, "Input.Text"));
        Assert.Empty(CardQuery.Actions(card));
    }

    [Fact]
    public void Render_Closed_ShowsWhyAndNoInputsOrActions()
    {
        var view = Open() with { Closed = "The run was cancelled before anyone decided." };

        var card = ApprovalCard.Render(view).ToJson();

        Assert.Equal("Closed", CardQuery.Texts(card).First());
        Assert.Contains("The run was cancelled before anyone decided.", CardQuery.Texts(card));
        Assert.Empty(CardQuery.OfType(card, "Input.Text"));
        Assert.Empty(CardQuery.Actions(card));
    }

    [Fact]
    public void Render_OpenAndDecided_WriteNoNullsOrEmptyLists()
    {
        Assert.Empty(CardQuery.NullsAndEmptyLists(ApprovalCard.Render(Open()).ToJson()));
        Assert.Empty(CardQuery.NullsAndEmptyLists(ApprovalCard.Render(Decided("rejected")).ToJson()));
    }
}
