using System.Text.Json;
using ChatFlows.Bot.Cards;
using ChatFlows.Bot.Chat;
using ChatFlows.Bot.Teams;
using ChatFlows.Core.Nodes;

namespace ChatFlows.Bot.Tests.Teams;

/// <summary>The approval card as Teams gets it: its <c>refresh</c> written as Universal Actions define it.</summary>
public sealed class TeamsApprovalCardTests
{
    private static readonly ApprovalView Open = new()
    {
        RunId = "run-42",
        NodeId = "review",
        WorkflowName = "Release notes",
        Request = new ApprovalRequest
        {
            Prompt = "Ship?",
            Approvers = ["teams:6f1c2a9e-1111-4c4c-9d9d-0123456789ab"],
            RequestedAt = new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero),
        },
    };

    [Fact]
    public void Render_Open_RefreshActionIsTypedActionExecute()
    {
        var refresh = TeamsApprovalCard.Render(Open).ToJson().GetProperty("refresh");

        var action = refresh.GetProperty("action");
        Assert.Equal("Action.Execute", action.GetProperty("type").GetString());
        Assert.Equal("refresh", action.GetProperty("verb").GetString());
        Assert.Equal("run-42", action.GetProperty("data").GetProperty("runId").GetString());
        Assert.False(refresh.TryGetProperty("userIds", out _));
    }

    [Fact]
    public void Render_WithApproversTeamsIds_RefreshNamesThemAtMostSixty()
    {
        var ids = Enumerable.Range(1, 70).Select(i => $"29:user{i}").ToArray();

        var userIds = TeamsApprovalCard.Render(Open, ids).ToJson().GetProperty("refresh").GetProperty("userIds");

        Assert.Equal(ids.Take(60), userIds.EnumerateArray().Select(u => u.GetString()));
    }

    [Fact]
    public void RenderFor_SomeoneWhoMayNotDecide_KeepsTheTypedRefreshForTheApprovers()
    {
        var card = TeamsApprovalCard.RenderFor(Open, mayDecide: false, refreshFor: ["29:approver"]).ToJson();

        var refresh = card.GetProperty("refresh");
        Assert.Equal("Action.Execute", refresh.GetProperty("action").GetProperty("type").GetString());
        Assert.Equal(["29:approver"], refresh.GetProperty("userIds").EnumerateArray().Select(u => u.GetString()));
        Assert.False(card.TryGetProperty("actions", out _));
    }

    [Fact]
    public void CardJson_PropertyTypedAsADerivedElementOrAction_WritesItsSchemaType()
    {
        var json = JsonSerializer.SerializeToElement(
            new Holder { Header = new TextBlock { Text = "hi" }, Button = new SubmitAction { Title = "Go" } }, CardJson.Options);

        Assert.Equal("TextBlock", json.GetProperty("header").GetProperty("type").GetString());
        Assert.Equal("Action.Submit", json.GetProperty("button").GetProperty("type").GetString());
        Assert.Equal("Go", json.GetProperty("button").GetProperty("title").GetString());
    }

    // A card part holding derived types by their own type, as CardRefresh holds its ExecuteAction.
    private sealed class Holder
    {
        public required TextBlock Header { get; init; }

        public required SubmitAction Button { get; init; }
    }
}
