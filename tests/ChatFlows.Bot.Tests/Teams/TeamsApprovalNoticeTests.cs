using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using ChatFlows.Core.Running;
using Microsoft.Extensions.DependencyInjection;

namespace ChatFlows.Bot.Tests.Teams;

/// <summary>
/// Approvals talking to people in Teams (README §Approvals): a reminder in the run's thread and in the approver's
/// personal chat, opened through the Connector, and a Teams channel's members as approvers, read page by page.
/// </summary>
public sealed partial class TeamsApprovalNoticeTests : IAsyncLifetime
{
    private TeamsHost _host = null!;

    public async Task InitializeAsync() => _host = await TeamsHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Reminder_InTeams_PostsInTheThreadAndSendsTheCardToThePersonalChatWhereAClickDecides()
    {
        var approver = $"teams:{TeamsUser.Approver.AadObjectId}";
        await _host.CreateWorkflowAsync($$$"""
            {"id": "ship", "name": "Ship", "version": 1, "nodes": [
              {"id": "cmd", "type": "trigger", "config": {"kind": "command", "command": "ship"}},
              {"id": "ask", "type": "approval", "config": {"prompt": "Ship api?", "approvers": ["{{{approver}}}"]}},
              {"id": "done", "type": "output", "config": {"kind": "end", "value": "shipped"}}
            ], "edges": [{"from": "cmd", "to": "ask"}, {"from": "ask", "port": "approved", "to": "done"}]}
            """);
        var connector = _host.Connector;
        connector.AddMember(TeamsUser.Approver.Id, TeamsUser.Approver.AadObjectId, "ada@contoso.com");
        using (var added = await _host.PostActivityAsync(_host.ConversationUpdate(Conversation.Channel))) Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        var message = _host.Message("run ship", TeamsUser.Developer, Conversation.Channel);
        using (var accepted = await _host.PostActivityAsync(message)) Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        var messageId = (string)((Dictionary<string, object?>)message)["id"]!;
        var thread = $"{Conversation.Channel.Id};messageid={messageId}";
        var answer = await connector.WaitForAsync(c => c.Kind == "reply" && c.ActivityId == messageId);
        var runId = RunId().Match(answer.Text!).Groups[1].Value;
        await connector.WaitForAsync(c => c.Kind == "send" && c.ConversationId == thread && c.CardJson.Contains("Ship api?", StringComparison.Ordinal));

        var approvals = _host.Services.GetRequiredService<ChatFlows.Core.Running.Approvals>();
        var state = await approvals.StateAsync(runId, "ask") ?? throw new InvalidOperationException("The run does not wait.");
        var reminder = new ApprovalEvent(runId, "ask", "reminder:1", ApprovalEventKinds.Reminder, ApprovalEventKinds.System, DateTimeOffset.UtcNow, JsonSerializer.SerializeToElement(new { }));
        await approvals.NotifyAsync(new ApprovalNotice(reminder, state, [approver]));

        var said = await connector.WaitForAsync(c => c.Kind == "send" && c.ConversationId == thread && c.Text?.StartsWith("Reminder:", StringComparison.Ordinal) == true);
        Assert.Contains(approver, said.Text, StringComparison.Ordinal);
        var opened = await connector.WaitForAsync(c => c.Kind == "create");
        Assert.Equal(TeamsUser.Approver.AadObjectId, opened.Body.GetProperty("members")[0].GetProperty("id").GetString());
        Assert.Equal(TeamsHost.BotId, opened.Body.GetProperty("bot").GetProperty("id").GetString());
        Assert.False(opened.Body.GetProperty("isGroup").GetBoolean());
        var personal = $"a:1{TeamsUser.Approver.AadObjectId}";
        var card = await connector.WaitForAsync(c => c.Kind == "send" && c.ConversationId == personal && c.CardJson.Contains("Ship api?", StringComparison.Ordinal));

        using var click = await _host.PostActivityAsync(_host.Invoke("approve", new { runId, nodeId = "ask" }, TeamsUser.Approver, new Conversation(personal, "personal"), card.ActivityId!));
        Assert.Equal(HttpStatusCode.OK, click.StatusCode);
        await connector.WaitForAsync(c => c.Kind == "update" && c.ConversationId == personal && c.CardJson.Contains("Approved by", StringComparison.Ordinal));
        await WaitForRunAsync(runId, "succeeded");
    }

    [Fact]
    public async Task TeamsChannel_Members_AreReadPageByPageAsEntraObjectIds()
    {
        var connector = _host.Connector;
        connector.AddMember(TeamsUser.Approver.Id, TeamsUser.Approver.AadObjectId, "ada@contoso.com");
        connector.AddMember(TeamsUser.Developer.Id, TeamsUser.Developer.AadObjectId, "dev@contoso.com");
        connector.AddMember(TeamsUser.Installer.Id, TeamsUser.Installer.AadObjectId, "ina@contoso.com");
        connector.MembersPerPage = 2;
        using (var added = await _host.PostActivityAsync(_host.ConversationUpdate(Conversation.Channel))) Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        var entry = $"teams-channel:{Conversation.Channel.Id}";
        var groups = _host.Services.GetServices<IApproverGroups>().Single(g => g.Owns(entry));

        var members = await groups.MembersAsync(entry);

        Assert.Equal(
            [$"teams:{TeamsUser.Approver.AadObjectId}", $"teams:{TeamsUser.Developer.AadObjectId}", $"teams:{TeamsUser.Installer.AadObjectId}"],
            members);
        Assert.Equal(2, connector.CallsOf("pagedmembers").Count);
    }

    [Fact]
    public async Task TeamsChannel_AsApprovers_LetsAMemberDecideAndRefusesSomeoneElse()
    {
        var connector = _host.Connector;
        connector.AddMember(TeamsUser.Approver.Id, TeamsUser.Approver.AadObjectId, "ada@contoso.com");
        var (runId, card) = await StartAsync($"teams-channel:{Conversation.Channel.Id}");

        using (var byDeveloper = await _host.PostActivityAsync(_host.Invoke("approve", new { runId, nodeId = "ask" }, TeamsUser.Developer, Conversation.Channel, card.ActivityId!)))
        {
            Assert.Contains("nothing changed", await byDeveloper.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.Equal("waiting", (await _host.RunAsync(runId)).GetProperty("status").GetString());

        using (var byApprover = await _host.PostActivityAsync(_host.Invoke("approve", new { runId, nodeId = "ask" }, TeamsUser.Approver, Conversation.Channel, card.ActivityId!)))
        {
            Assert.Contains("Approved by", await byApprover.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        await WaitForRunAsync(runId, "succeeded");
    }

    [Fact]
    public async Task RunApprovals_InATeamsChannel_SendsTheListAndCardsToThePersonalChat()
    {
        var connector = _host.Connector;
        connector.AddMember(TeamsUser.Approver.Id, TeamsUser.Approver.AadObjectId, "ada@contoso.com");
        var (runId, _) = await StartAsync($"teams:{TeamsUser.Approver.AadObjectId}");

        var asks = _host.Message("run approvals", TeamsUser.Approver, Conversation.Channel);
        using (var accepted = await _host.PostActivityAsync(asks)) Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);

        var askId = (string)((Dictionary<string, object?>)asks)["id"]!;
        var answer = await connector.WaitForAsync(c => c.Kind == "reply" && c.ActivityId == askId);
        Assert.Equal("Your waiting approvals are in your personal chat with ChatFlows.", answer.Text);
        var personal = $"a:1{TeamsUser.Approver.AadObjectId}";
        var list = await connector.WaitForAsync(c => c.Kind == "send" && c.ConversationId == personal && c.Text is not null);
        Assert.Contains("1 approval waits for you", list.Text, StringComparison.Ordinal);
        Assert.Contains(runId, list.Text, StringComparison.Ordinal);
        await connector.WaitForAsync(c => c.Kind == "send" && c.ConversationId == personal && c.CardJson.Contains("Ship api?", StringComparison.Ordinal));
    }

    // The run moves on after the decision is stored; polled until it has.
    private async Task WaitForRunAsync(string runId, string status)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while ((await _host.RunAsync(runId)).GetProperty("status").GetString() != status)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"Run {runId} did not become {status}.");
            await Task.Delay(50);
        }
    }

    // Adds the bot to the channel, starts the workflow there and waits for its approval card.
    private async Task<(string RunId, ConnectorCall Card)> StartAsync(string approver)
    {
        await _host.CreateWorkflowAsync($$$"""
            {"id": "ship", "name": "Ship", "version": 1, "nodes": [
              {"id": "cmd", "type": "trigger", "config": {"kind": "command", "command": "ship"}},
              {"id": "ask", "type": "approval", "config": {"prompt": "Ship api?", "approvers": ["{{{approver}}}"]}},
              {"id": "done", "type": "output", "config": {"kind": "end", "value": "shipped"}}
            ], "edges": [{"from": "cmd", "to": "ask"}, {"from": "ask", "port": "approved", "to": "done"}]}
            """);
        using (var added = await _host.PostActivityAsync(_host.ConversationUpdate(Conversation.Channel))) Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        var message = _host.Message("run ship", TeamsUser.Developer, Conversation.Channel);
        using (var accepted = await _host.PostActivityAsync(message)) Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        var messageId = (string)((Dictionary<string, object?>)message)["id"]!;
        var answer = await _host.Connector.WaitForAsync(c => c.Kind == "reply" && c.ActivityId == messageId);
        var runId = RunId().Match(answer.Text!).Groups[1].Value;
        var card = await _host.Connector.WaitForAsync(c => c.Kind == "send" && c.CardJson.Contains("Ship api?", StringComparison.Ordinal));
        return (runId, card);
    }

    [Fact]
    public async Task TeamsChannel_BotNotInTheTeam_SaysToAddTheApp()
    {
        var entry = "teams-channel:19:elsewhere@thread.tacv2";
        var groups = _host.Services.GetServices<IApproverGroups>().Single(g => g.Owns(entry));

        var problem = await Assert.ThrowsAsync<InvalidOperationException>(() => groups.MembersAsync(entry));

        Assert.Contains("the bot is not in its team. Add the ChatFlows app to the team", problem.Message, StringComparison.Ordinal);
    }

    [GeneratedRegex("run `([0-9a-f]+)`")]
    private static partial Regex RunId();
}
