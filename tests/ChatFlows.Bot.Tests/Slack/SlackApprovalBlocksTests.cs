using System.Text.Json;
using ChatFlows.Bot.Chat;
using ChatFlows.Bot.Slack;
using ChatFlows.Core.Nodes;
using Microsoft.AspNetCore.DataProtection;
using static ChatFlows.Bot.Tests.Slack.BlockQuery;

namespace ChatFlows.Bot.Tests.Slack;

public sealed class SlackApprovalBlocksTests
{
    private readonly SlackApprovalToken _token = new(new EphemeralDataProtectionProvider());

    private static ApprovalView Open(string? draft = "Rolling out api v2.4 to production.", string[]? approvers = null) => new()
    {
        RunId = "run-42",
        NodeId = "approve-rollout",
        WorkflowName = "Deploy check",
        Request = new ApprovalRequest
        {
            Prompt = "Roll out api to production?",
            Approvers = approvers ?? ["slack:U012ABC", "playground:ada"],
            Draft = draft,
            RequestedAt = new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero),
            ExpiresAt = new DateTimeOffset(2026, 11, 24, 11, 30, 0, TimeSpan.FromHours(1)),
        },
    };

    private static ApprovalView Decided(string decision) => Open() with
    {
        Decision = decision,
        DecidedBy = "slack:U012ABC",
        DecidedAt = new DateTimeOffset(2026, 11, 24, 10, 14, 30, TimeSpan.FromHours(1)),
        Comment = "ship it",
    };

    [Fact]
    public void Render_Open_ShowsPromptFactsAndDraft()
    {
        var blocks = Blocks(SlackApprovalBlocks.Render(Open(), _token).Blocks);

        Assert.Equal(["section", "section", "section", "actions"], blocks.Select(Type));
        Assert.Equal("*Approval needed*\nRoll out api to production?", Text(blocks[0]));
        Assert.Equal(
            ["*Workflow*\nDeploy check", "*Run*\n`run-42`", "*Approvers*\n<@U012ABC>, playground:ada", "*Expires*\n2026-11-24 10:30 UTC"],
            Texts(blocks[1].GetProperty("fields")));
        Assert.Equal("*Draft*\n> Rolling out api v2.4 to production.", Text(blocks[2]));
    }

    [Fact]
    public void Render_Open_HasApproveAndRejectWithActionIdsAndStyles()
    {
        var actions = OfType(SlackApprovalBlocks.Render(Open(), _token).Blocks, "actions").Single();

        var buttons = actions.GetProperty("elements").EnumerateArray().ToArray();
        Assert.Equal(["button", "button"], buttons.Select(Type));
        Assert.Equal(["Approve", "Reject"], buttons.Select(b => b.GetProperty("text").GetProperty("text").GetString()));
        Assert.Equal([SlackApprovalBlocks.ApproveActionId, SlackApprovalBlocks.RejectActionId], buttons.Select(b => b.GetProperty("action_id").GetString()));
        Assert.Equal(["approval.approve", "approval.reject"], buttons.Select(b => b.GetProperty("action_id").GetString()));
        Assert.Equal(["primary", "danger"], buttons.Select(b => b.GetProperty("style").GetString()));
    }

    [Fact]
    public void Render_Open_ButtonValuesReadBackToTheRunAndNode()
    {
        var actions = OfType(SlackApprovalBlocks.Render(Open(), _token).Blocks, "actions").Single();

        foreach (var button in actions.GetProperty("elements").EnumerateArray())
        {
            var value = button.GetProperty("value").GetString();
            Assert.True(value!.Length <= 2000);
            Assert.True(_token.TryRead(value, out var runId, out var nodeId));
            Assert.Equal(("run-42", "approve-rollout"), (runId, nodeId));
        }
    }

    [Fact]
    public void Render_Open_ButtonValuesAreNotReadableByAnotherHost()
    {
        var value = OfType(SlackApprovalBlocks.Render(Open(), _token).Blocks, "actions").Single()
            .GetProperty("elements")[0].GetProperty("value").GetString();

        Assert.False(new SlackApprovalToken(new EphemeralDataProtectionProvider()).TryRead(value, out _, out _));
    }

    [Fact]
    public void Render_Open_AnyoneAmongApprovers_ShowsAnyone()
    {
        var fields = Blocks(SlackApprovalBlocks.Render(Open(approvers: ["slack:U012ABC", "anyone"]), _token).Blocks)[1].GetProperty("fields");

        Assert.Contains("*Approvers*\nanyone", Texts(fields));
    }

    [Fact]
    public void Render_Open_FallbackTextSaysApprovalNeeded()
    {
        Assert.Equal("Approval needed: Roll out api to production? (Deploy check, run run-42)", SlackApprovalBlocks.Render(Open(), _token).Text);
    }

    [Fact]
    public void Render_Approved_HasNoButtonsAndSaysWhoAndWhen()
    {
        var message = SlackApprovalBlocks.Render(Decided("approved"), _token);

        var blocks = Blocks(message.Blocks);
        Assert.DoesNotContain(blocks, b => Type(b) == "actions");
        Assert.Equal("*Approved*\nRoll out api to production?", Text(blocks[0]));
        Assert.Equal("*Draft as approved*\n> Rolling out api v2.4 to production.", Text(blocks[2]));
        Assert.Equal("*✅ Approved by <@U012ABC> at 2026-11-24 09:14 UTC*\n“ship it”", Text(blocks[^1]));
        Assert.DoesNotContain(Texts(blocks[1].GetProperty("fields")), f => f.StartsWith("*Expires*", StringComparison.Ordinal));
        Assert.Equal("✅ Approved by <@U012ABC> at 2026-11-24 09:14 UTC: Roll out api to production?", message.Text);
    }

    [Fact]
    public void Render_Rejected_SaysRejected()
    {
        var blocks = Blocks(SlackApprovalBlocks.Render(Decided("rejected"), _token).Blocks);

        Assert.Equal("*Rejected*\nRoll out api to production?", Text(blocks[0]));
        Assert.StartsWith("*❌ Rejected by <@U012ABC>", Text(blocks[^1]), StringComparison.Ordinal);
    }

    [Fact]
    public void Render_Expired_SaysNobodyDecided()
    {
        var view = Open() with { Decision = "expired", DecidedAt = new DateTimeOffset(2026, 11, 24, 10, 30, 0, TimeSpan.Zero) };

        var blocks = Blocks(SlackApprovalBlocks.Render(view, _token).Blocks);

        Assert.DoesNotContain(blocks, b => Type(b) == "actions");
        Assert.Equal("*⌛ Expired at 2026-11-24 10:30 UTC, nobody decided*", Text(blocks[^1]));
    }

    [Fact]
    public void Render_Closed_ShowsWhyWithoutButtons()
    {
        var view = Open() with { Closed = "The run cancelled before anyone decided." };

        var blocks = Blocks(SlackApprovalBlocks.Render(view, _token).Blocks);

        Assert.DoesNotContain(blocks, b => Type(b) == "actions");
        Assert.Equal("*Closed*\nRoll out api to production?", Text(blocks[0]));
        Assert.Equal("The run cancelled before anyone decided.", Text(blocks[^1]));
    }

    [Fact]
    public void Render_MultiLineDraftWithControlCharacters_QuotesEveryLineEscaped()
    {
        var blocks = Blocks(SlackApprovalBlocks.Render(Open(draft: "line <1>\r\nline & 2"), _token).Blocks);

        Assert.Equal("*Draft*\n> line &lt;1&gt;\n> line &amp; 2", Text(blocks[2]));
    }

    [Fact]
    public void Render_NoDraft_LeavesTheDraftOut()
    {
        var blocks = Blocks(SlackApprovalBlocks.Render(Open(draft: null), _token).Blocks);

        Assert.Equal(["section", "section", "actions"], blocks.Select(Type));
    }

    [Fact]
    public void Render_PromptWithMention_IsEscaped()
    {
        var view = Open() with { Request = Open().Request with { Prompt = "Ping <!everyone>?" } };

        var first = Blocks(SlackApprovalBlocks.Render(view, _token).Blocks)[0];

        Assert.Equal("*Approval needed*\nPing &lt;!everyone&gt;?", Text(first));
        Assert.Equal(JsonValueKind.Object, first.GetProperty("text").ValueKind);
    }
}
