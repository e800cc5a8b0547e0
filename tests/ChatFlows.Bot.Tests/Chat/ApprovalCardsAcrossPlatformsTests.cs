using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using ChatFlows.Bot.Chat;
using ChatFlows.Bot.Slack;
using ChatFlows.Bot.Tests.Cards;
using ChatFlows.Bot.Tests.Slack;
using ChatFlows.Bot.Tests.Teams;
using Microsoft.Extensions.DependencyInjection;

namespace ChatFlows.Bot.Tests.Chat;

/// <summary>
/// One approval shown in several places (README, Chat cards): its card in the run's Slack thread and a copy in a Teams
/// channel (<see cref="ApprovalCardCopies"/>). A vote or a decision made on one platform shows on every card within
/// <c>ChatFlows:Chat:UpdateInterval</c> and on the run's page; a required comment is asked for (a Slack modal) or
/// refused with the reason (Teams) before anything changes.
/// </summary>
public sealed partial class ApprovalCardsAcrossPlatformsTests : IAsyncLifetime
{
    private const string Channel = "C0DEPLOY1";
    private const string Ana = "UANA00001";
    private const string Bo = "UBO000001";

    private const string DeployWorkflow = """
        {"id": "deploy", "name": "Deploy", "version": 1, "nodes": [
          {"id": "cmd", "type": "trigger", "config": {"kind": "command", "command": "deploy"}},
          {"id": "ask", "type": "approval", "config": {"prompt": "Deploy api to production?", "approvers": APPROVERS POLICY}},
          {"id": "done", "type": "output", "config": {"kind": "end", "value": "deployed"}},
          {"id": "held", "type": "output", "config": {"kind": "end", "value": "held"}}
        ], "edges": [
          {"from": "cmd", "to": "ask"}, {"from": "ask", "port": "approved", "to": "done"}, {"from": "ask", "port": "rejected", "to": "held"}
        ]}
        """;

    private FakeSlackApi _slack = null!;
    private TeamsHost _host = null!;

    public async Task InitializeAsync()
    {
        _slack = await FakeSlackApi.StartAsync();
        _host = await TeamsHost.StartAsync(slack: _slack);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _slack.DisposeAsync();
    }

    [Fact]
    public async Task SlackVotes_WithACopyInTeams_UpdateBothCardsToOneOfTwoThenTheDecisionAndTheRunPage()
    {
        await CreateAsync($"""["slack:{Ana}", "slack:{Bo}"]""", """, "quorum": 2""");
        var teams = await AddToTeamsChannelAsync();
        var (runId, slackCard) = await StartFromSlackAsync("cmd-1");
        Assert.Contains("0 of 2 approvals — waiting for <@UANA00001>, <@UBO000001>", Blocks(slackCard), StringComparison.Ordinal);

        // The copy goes to the Teams channel through the outbox, with the same state.
        var copies = _host.Services.GetRequiredService<ApprovalCardCopies>();
        Assert.True(await copies.PostAsync(runId, "ask", $"teams:{teams}", CancellationToken.None));
        Assert.False(await copies.PostAsync(runId, "ask", $"teams:{teams}", CancellationToken.None));
        var copy = await _host.Connector.WaitForAsync(c => c.Kind == "send" && c.ConversationId == teams && Shows(c).Contains("Deploy api to production?", StringComparison.Ordinal));
        Assert.Contains("0 of 2 approvals — waiting for slack:UANA00001, slack:UBO000001", Shows(copy), StringComparison.Ordinal);

        // Ana approves in Slack: a vote short of the quorum, shown on both cards.
        var clock = Stopwatch.StartNew();
        using (var click = await ClickAsync(Ana, slackCard, SlackApprovalBlocks.ApproveActionId, "click-ana")) Assert.Equal(HttpStatusCode.OK, click.StatusCode);
        var teamsCounted = await _host.Connector.WaitForAsync(c => c.Kind == "update" && c.ActivityId == copy.ActivityId && Shows(c).Contains("1 of 2 approvals", StringComparison.Ordinal));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"The Teams copy showed the vote after {clock.Elapsed}.");
        Assert.Contains("1 of 2 approvals — waiting for slack:UBO000001", Shows(teamsCounted), StringComparison.Ordinal);
        Assert.Contains("✅ Approved by slack:UANA00001 at", Shows(teamsCounted), StringComparison.Ordinal);
        Assert.Contains("\"verb\":\"approve\"", teamsCounted.CardJson, StringComparison.Ordinal);
        var slackCounted = await _slack.WaitForAsync(c => c.Method == "chat.update" && Blocks(c).Contains("1 of 2 approvals", StringComparison.Ordinal));
        Assert.Contains("1 of 2 approvals — waiting for <@UBO000001>", Blocks(slackCounted), StringComparison.Ordinal);
        Assert.Single(slackCounted.Blocks, b => b.GetProperty("type").GetString() == "actions");
        Assert.Equal("waiting", (await _host.RunAsync(runId)).GetProperty("status").GetString());

        // Bo approves in Slack: the quorum is reached; the Teams copy shows the decision without buttons, and so does the run page.
        using (var click = await ClickAsync(Bo, slackCard, SlackApprovalBlocks.ApproveActionId, "click-bo")) Assert.Equal(HttpStatusCode.OK, click.StatusCode);
        var teamsDecided = await _host.Connector.WaitForAsync(c => c.Kind == "update" && c.ActivityId == copy.ActivityId && Shows(c).Contains("Approved by slack:UBO000001", StringComparison.Ordinal));
        Assert.DoesNotContain("Action.Execute", teamsDecided.CardJson, StringComparison.Ordinal);
        Assert.StartsWith("✅ Approved by slack:UBO000001", teamsDecided.Fallback, StringComparison.Ordinal);
        var run = await WaitForRunAsync(runId, "succeeded");
        var ask = run.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("nodeId").GetString() == "ask");
        Assert.Equal("approved", ask.GetProperty("output").GetProperty("decision").GetString());
        Assert.Equal("slack:UBO000001", ask.GetProperty("output").GetProperty("by").GetString());
        await _slack.WaitForAsync(c => c.Method == "chat.update" && Blocks(c).Contains("Approved by <@UBO000001>", StringComparison.Ordinal));
        // The run page lists the copy beside the thread's card, under the approval node it shows.
        Assert.Contains(run.GetProperty("chat").EnumerateArray(), c => c.GetProperty("kind").GetString() == "approval-copy"
            && c.GetProperty("target").GetString() == $"teams:{teams}" && c.GetProperty("nodeId").GetString() == "ask");
    }

    [Fact]
    public async Task SlackReject_WhenACommentIsRequired_OpensAModalWhoseSubmissionDecidesWithTheComment()
    {
        await CreateAsync($"""["slack:{Ana}"]""", """, "requireComment": "reject" """);
        var (runId, slackCard) = await StartFromSlackAsync("cmd-2");

        using (var click = await ClickAsync(Ana, slackCard, SlackApprovalBlocks.RejectActionId, "click-reject")) Assert.Equal(HttpStatusCode.OK, click.StatusCode);
        var opened = await _slack.WaitForAsync(c => c.Method == "views.open");
        Assert.Equal("1700000000.1.triggerabc", opened.Text("trigger_id"));
        var modal = opened.Body.GetProperty("view");
        Assert.Equal(SlackCommentModal.RejectCallbackId, modal.GetProperty("callback_id").GetString());
        Assert.Contains("A comment is required to reject.", modal.GetRawText(), StringComparison.Ordinal);
        Assert.Equal("waiting", (await _host.RunAsync(runId)).GetProperty("status").GetString());
        var metadata = modal.GetProperty("private_metadata").GetString()!;

        // An empty comment keeps the modal open with the reason under the field; nothing is decided.
        using (var empty = await SubmitAsync(Ana, metadata, "  "))
        {
            var errors = JsonElement.Parse(await empty.Content.ReadAsStringAsync());
            Assert.Equal("errors", errors.GetProperty("response_action").GetString());
            Assert.StartsWith("A comment is required to reject", errors.GetProperty("errors").GetProperty("comment").GetString(), StringComparison.Ordinal);
        }
        // Somebody else's submission is refused on the field as well.
        using (var other = await SubmitAsync("UOTHER001", metadata, "no"))
        {
            var errors = JsonElement.Parse(await other.Content.ReadAsStringAsync());
            Assert.Contains("may decide this", errors.GetProperty("errors").GetProperty("comment").GetString(), StringComparison.Ordinal);
        }
        Assert.Equal("waiting", (await _host.RunAsync(runId)).GetProperty("status").GetString());

        using (var submitted = await SubmitAsync(Ana, metadata, "Not during the freeze"))
        {
            Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);
            Assert.Equal("", await submitted.Content.ReadAsStringAsync());
        }
        var decided = await _slack.WaitForAsync(c => c.Method == "chat.update" && Blocks(c).Contains("Rejected by <@UANA00001>", StringComparison.Ordinal));
        Assert.Contains("“Not during the freeze”", Blocks(decided), StringComparison.Ordinal);
        var run = await WaitForRunAsync(runId, "succeeded");
        var ask = run.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("nodeId").GetString() == "ask");
        Assert.Equal("rejected", ask.GetProperty("output").GetProperty("decision").GetString());
        Assert.Equal("Not during the freeze", ask.GetProperty("output").GetProperty("comment").GetString());
    }

    [Fact]
    public async Task TeamsReject_WithoutTheRequiredComment_IsAnsweredWithTheReasonAndChangesNothing()
    {
        await CreateAsync($"""["teams:{TeamsUser.Approver.AadObjectId}"]""", """, "requireComment": "reject" """);
        _host.Connector.AddMember(TeamsUser.Approver.Id, TeamsUser.Approver.AadObjectId, "ada@contoso.com");
        var teams = await AddToTeamsChannelAsync();
        var (runId, _) = await StartFromSlackAsync("cmd-3");
        await _host.Services.GetRequiredService<ApprovalCardCopies>().PostAsync(runId, "ask", $"teams:{teams}", CancellationToken.None);
        var copy = await _host.Connector.WaitForAsync(c => c.Kind == "send" && c.ConversationId == teams && Shows(c).Contains("Deploy api to production?", StringComparison.Ordinal));
        Assert.Contains("Comment (required to reject)", copy.CardJson, StringComparison.Ordinal);

        var refused = await InvokeAsync("reject", new { runId, nodeId = "ask", comment = " " }, copy.ActivityId!);
        Assert.Contains("needs a comment", refused.GetRawText(), StringComparison.Ordinal);
        Assert.Contains("\"verb\":\"reject\"", refused.GetRawText(), StringComparison.Ordinal);
        Assert.Equal("waiting", (await _host.RunAsync(runId)).GetProperty("status").GetString());
        Assert.DoesNotContain(_host.Connector.CallsOf("update"), c => c.ActivityId == copy.ActivityId);

        var rejected = await InvokeAsync("reject", new { runId, nodeId = "ask", comment = "Wait for the hotfix" }, copy.ActivityId!);
        Assert.Contains($"Rejected by teams:{TeamsUser.Approver.AadObjectId}", rejected.GetRawText(), StringComparison.Ordinal);
        await _host.Connector.WaitForAsync(c => c.Kind == "update" && c.ActivityId == copy.ActivityId && Shows(c).Contains("“Wait for the hotfix”", StringComparison.Ordinal));
        await WaitForRunAsync(runId, "succeeded");
    }

    private Task CreateAsync(string approvers, string policy) =>
        _host.CreateWorkflowAsync(DeployWorkflow.Replace("APPROVERS", approvers, StringComparison.Ordinal).Replace(" POLICY", policy, StringComparison.Ordinal));

    // The bot added to the Teams channel, so its conversation reference is stored: the copy can go there.
    private async Task<string> AddToTeamsChannelAsync()
    {
        var channel = Conversation.Channel;
        using var added = await _host.PostActivityAsync(_host.ConversationUpdate(channel));
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        await _host.Connector.WaitForAsync(c => c.Kind == "send" && c.ConversationId == channel.Id && c.Status == 200);
        return channel.Id;
    }

    // `/run deploy` in the Slack channel: the run's id and its approval card in the thread.
    private async Task<(string RunId, SlackCall Card)> StartFromSlackAsync(string responseId)
    {
        using var request = SlackRequests.Signed("/slack/commands", SlackRequests.SlashCommand("deploy", "UDEV00001", Channel, _slack.ResponseUrl(responseId)));
        using var ack = await _host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
        var started = await _slack.WaitForAsync(c => c.Method == FakeSlackApi.ResponseUrlMethod && c.Path.EndsWith($"/{responseId}", StringComparison.Ordinal));
        var runId = RunId().Match(started.Text()!).Groups[1].Value;
        var card = await _slack.WaitForAsync(c => c.Method == "chat.postMessage" && c.ThreadTs is not null && c.Text()!.Contains("Approval needed", StringComparison.Ordinal));
        return (runId, card);
    }

    private async Task<HttpResponseMessage> ClickAsync(string user, SlackCall card, string actionId, string responseId)
    {
        var value = card.Blocks.Single(b => b.GetProperty("type").GetString() == "actions").GetProperty("elements").EnumerateArray()
            .Single(e => e.GetProperty("action_id").GetString() == actionId).GetProperty("value").GetString()!;
        using var request = SlackRequests.Signed("/slack/interactions", SlackRequests.Click(user, Channel, "approval-ts", actionId, value, _slack.ResponseUrl(responseId)));
        return await _host.Client.SendAsync(request);
    }

    private async Task<HttpResponseMessage> SubmitAsync(string user, string metadata, string? comment)
    {
        using var request = SlackRequests.Signed("/slack/interactions", SlackRequests.ViewSubmission(user, SlackCommentModal.RejectCallbackId, metadata, comment));
        return await _host.Client.SendAsync(request);
    }

    private async Task<JsonElement> InvokeAsync(string verb, object data, string cardId)
    {
        using var response = await _host.PostActivityAsync(_host.Invoke(verb, data, TeamsUser.Approver, Conversation.Channel, cardId));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        var body = JsonElement.Parse(text);
        Assert.Equal("application/vnd.microsoft.card.adaptive", body.GetProperty("type").GetString());
        return body.GetProperty("value");
    }

    private async Task<JsonElement> WaitForRunAsync(string runId, string status)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var run = await _host.RunAsync(runId);
            if (run.GetProperty("status").GetString() == status) return run;
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"Run {runId} did not become {status}: {run}");
            await Task.Delay(50);
        }
    }

    // What a Slack message shows: the texts of its blocks.
    private static string Blocks(SlackCall call) => string.Join('\n', call.Blocks.SelectMany(BlockQuery.Texts));

    // What a Teams card shows: the texts of its blocks.
    private static string Shows(ConnectorCall call) => call.Card.ValueKind == JsonValueKind.Object ? string.Join('\n', CardQuery.Texts(call.Card)) : "";

    [GeneratedRegex("run `([0-9a-f]+)`")]
    private static partial Regex RunId();
}
