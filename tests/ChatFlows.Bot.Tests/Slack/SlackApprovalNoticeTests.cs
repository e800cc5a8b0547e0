using System.Text.Json;
using System.Text.RegularExpressions;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ChatFlows.Bot.Tests.Slack;

/// <summary>
/// Approvals talking to people in Slack (README §Approvals): reminders and escalations in the run's thread and by
/// direct message, the escalation's notify channel, <c>/run approvals</c>, <c>/run delegate</c> and Slack user groups,
/// through the real host and a fake Slack Web API that records each call.
/// </summary>
public sealed partial class SlackApprovalNoticeTests : IAsyncLifetime
{
    private const string Channel = "C0DEPLOY1";
    private const string Ana = "UANA00001";
    private const string Ben = "UBEN00001";

    private SlackHost _host = null!;

    public async Task InitializeAsync() => _host = await SlackHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private static string Workflow(string id, params string[] approvers) => $$$"""
        {"id": "{{{id}}}", "name": "Deploy {{{id}}}", "version": 1, "nodes": [
          {"id": "cmd", "type": "trigger", "config": {"kind": "command", "command": "{{{id}}}"}},
          {"id": "ask", "type": "approval", "config": {"prompt": "Deploy api?", "approvers": {{{JsonSerializer.Serialize(approvers)}}}}},
          {"id": "done", "type": "output", "config": {"kind": "end", "value": "deployed"}},
          {"id": "held", "type": "output", "config": {"kind": "end", "value": "held"}}
        ], "edges": [
          {"from": "cmd", "to": "ask"}, {"from": "ask", "port": "approved", "to": "done"}, {"from": "ask", "port": "rejected", "to": "held"}
        ]}
        """;

    [Fact]
    public async Task Reminder_InSlack_MentionsWhoIsStillNeededInTheThreadAndSendsEachTheCardByDirectMessageOnce()
    {
        var (runId, threadTs) = await StartAsync("remind", $"slack:{Ana}", $"slack:{Ben}");
        var slack = _host.Slack;

        await NotifyAsync(runId, ApprovalEventKinds.Reminder, "reminder:1", state => state with { Required = 2 }, $"slack:{Ana}", $"slack:{Ben}");

        var said = await slack.WaitForAsync(c => c.Method == "chat.postMessage" && c.ThreadTs == threadTs && c.Text()!.StartsWith("Reminder:", StringComparison.Ordinal));
        Assert.Equal(Channel, said.Channel);
        Assert.Equal($"Reminder: this approval still needs 2 of 2 — waiting for <@{Ana}>, <@{Ben}>.", said.Text());
        var card = await slack.WaitForAsync(c => c.Method == "chat.postMessage" && c.Channel == Ana && c.Blocks.Any(b => b.GetProperty("type").GetString() == "actions"));
        Assert.Contains("Deploy api?", BlockQuery.Text(card.Blocks[0]), StringComparison.Ordinal);
        await slack.WaitForAsync(c => c.Method == "chat.postMessage" && c.Channel == Ben && c.Blocks.Count > 0);

        // The second reminder says it in a line: each person has the card already.
        await NotifyAsync(runId, ApprovalEventKinds.Reminder, "reminder:2", state => state, $"slack:{Ana}");
        var again = await slack.WaitForAsync(c => c.Method == "chat.postMessage" && c.Channel == Ana && c.Blocks.Count == 0);
        Assert.Contains("Reminder: “Deploy api?” (Deploy remind, run", again.Text(), StringComparison.Ordinal);
        Assert.Contains("still waits for you", again.Text(), StringComparison.Ordinal);
        Assert.Single(slack.CallsTo("chat.postMessage"), c => c.Channel == Ana && c.Blocks.Count > 0);

        // Approve in the direct message decides the run.
        using var click = await _host.ClickAsync(Ana, "DANA00001", card.Ts ?? "dm-ts", "approval.approve", ButtonValue(card, "approval.approve"), "dm-click");
        Assert.Equal("succeeded", (await WaitForRunAsync(runId, "succeeded")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Escalation_InSlack_SaysWhoItWentToInTheThreadAndPostsTheCardInTheNotifyChannel()
    {
        var (runId, threadTs) = await StartAsync("escalate", $"slack:{Ana}");
        var slack = _host.Slack;
        var policy = new ApprovalPolicy { Escalate = new ApprovalEscalation { After = TimeSpan.FromMinutes(30), To = ["slack:UONCALL01"], Notify = "slack:C0ONCALL1" } };

        await NotifyAsync(runId, ApprovalEventKinds.Escalation, "escalation", state => state with { Request = state.Request with { Policy = policy } }, "slack:UONCALL01");

        var said = await slack.WaitForAsync(c => c.Method == "chat.postMessage" && c.ThreadTs == threadTs && c.Text()!.StartsWith("Escalated", StringComparison.Ordinal));
        Assert.Equal("Escalated to <@UONCALL01> after 30 minutes: this approval still needs 1 of 1.", said.Text());
        var notified = await slack.WaitForAsync(c => c.Method == "chat.postMessage" && c.Channel == "C0ONCALL1" && c.Blocks.Count == 0);
        Assert.StartsWith("Escalated to <@UONCALL01> after 30 minutes", notified.Text(), StringComparison.Ordinal);
        await slack.WaitForAsync(c => c.Method == "chat.postMessage" && c.Channel == "C0ONCALL1" && c.Blocks.Any(b => b.GetProperty("type").GetString() == "actions"));
        await slack.WaitForAsync(c => c.Method == "chat.postMessage" && c.Channel == "UONCALL01" && c.Blocks.Count > 0);
    }

    [Fact]
    public async Task RunApprovals_InSlack_ListsWhatWaitsForEachPersonPrivatelyWithButtonsThatDecide()
    {
        var (first, _) = await StartAsync("inbox-one", $"slack:{Ana}");
        var (second, _) = await StartAsync("inbox-two", $"slack:{Ana}", $"slack:{Ben}");
        var slack = _host.Slack;

        using var anaAsks = await _host.SlashCommandAsync("approvals", Ana, Channel, "ana-inbox");
        var ana = await slack.WaitForAsync(c => c.Method == FakeSlackApi.ResponseUrlMethod && c.Path.EndsWith("/ana-inbox", StringComparison.Ordinal));
        Assert.Equal("ephemeral", ana.Text("response_type") ?? "ephemeral");
        Assert.True(ana.Body.GetProperty("replace_original").GetBoolean());
        var text = ana.Text()!;
        Assert.Contains("2 approvals wait", text, StringComparison.Ordinal);
        Assert.True(text.IndexOf(first, StringComparison.Ordinal) < text.IndexOf(second, StringComparison.Ordinal), text);
        Assert.Equal(2, ana.Blocks.Count(b => b.GetProperty("type").GetString() == "actions"));

        using var benAsks = await _host.SlashCommandAsync("approvals", Ben, Channel, "ben-inbox");
        var ben = await slack.WaitForAsync(c => c.Method == FakeSlackApi.ResponseUrlMethod && c.Path.EndsWith("/ben-inbox", StringComparison.Ordinal));
        Assert.DoesNotContain(first, ben.Text(), StringComparison.Ordinal);
        Assert.Contains(second, ben.Text(), StringComparison.Ordinal);

        using var cyAsks = await _host.SlashCommandAsync("approvals", "UCY000001", Channel, "cy-inbox");
        var cy = await slack.WaitForAsync(c => c.Method == FakeSlackApi.ResponseUrlMethod && c.Path.EndsWith("/cy-inbox", StringComparison.Ordinal));
        Assert.Equal("Nothing waits for you.", cy.Text());
        Assert.Empty(cy.Blocks);

        // The buttons are the approval card's: a click decides through the same handler.
        var value = ana.Blocks.First(b => b.GetProperty("type").GetString() == "actions").GetProperty("elements").EnumerateArray()
            .Single(e => e.GetProperty("action_id").GetString() == "approval.approve").GetProperty("value").GetString()!;
        using var click = await _host.ClickAsync(Ana, Channel, "inbox-ts", "approval.approve", value, "inbox-click");
        await WaitForRunAsync(first, "succeeded");
    }

    [Fact]
    public async Task RunDelegate_InSlack_HandsTheApprovalOverSoTheDelegateDecidesAndTheDelegatorNoLonger()
    {
        var (runId, threadTs) = await StartAsync("handover", $"slack:{Ana}");
        var slack = _host.Slack;
        var approval = await slack.WaitForAsync(c => c.Method == "chat.postMessage" && c.ThreadTs == threadTs && c.Blocks.Any(b => b.GetProperty("type").GetString() == "actions"));

        using var handed = await _host.SlashCommandAsync($"delegate {runId} to <@{Ben}|ben>", Ana, Channel, "delegate");
        var answer = await slack.WaitForAsync(c => c.Method == FakeSlackApi.ResponseUrlMethod && c.Path.EndsWith("/delegate", StringComparison.Ordinal));
        Assert.StartsWith($"Handed to slack:{Ben} by slack:{Ana}", answer.Text(), StringComparison.Ordinal);
        var note = await slack.WaitForAsync(c => c.Method == "chat.postMessage" && c.ThreadTs == threadTs && c.Text()!.Contains("handed this approval", StringComparison.Ordinal));
        Assert.Equal($"<@{Ana}> handed this approval to <@{Ben}>.", note.Text());
        await slack.WaitForAsync(c => c.Method == "chat.postMessage" && c.Channel == Ben && c.Blocks.Any(b => b.GetProperty("type").GetString() == "actions"));

        using var anaClick = await _host.ClickAsync(Ana, Channel, "approval-ts", "approval.approve", ButtonValue(approval, "approval.approve"), "ana-click");
        var refused = await slack.WaitForAsync(c => c.Method == FakeSlackApi.ResponseUrlMethod && c.Path.EndsWith("/ana-click", StringComparison.Ordinal));
        Assert.Contains("nothing changed", refused.Text(), StringComparison.Ordinal);
        Assert.Equal("waiting", (await RunAsync(runId)).GetProperty("status").GetString());

        using var benClick = await _host.ClickAsync(Ben, Channel, "approval-ts", "approval.approve", ButtonValue(approval, "approval.approve"), "ben-click");
        Assert.Equal($"slack:{Ben}", (await WaitForRunAsync(runId, "succeeded")).GetProperty("data").GetProperty("ask").GetProperty("by").GetString());
    }

    [Fact]
    public async Task RunDelegate_WithoutATarget_SaysHowToWriteIt()
    {
        using var typed = await _host.SlashCommandAsync("delegate 0199a1b2 ben", Ana, Channel, "bad-delegate");
        var answer = await _host.Slack.WaitForAsync(c => c.Method == FakeSlackApi.ResponseUrlMethod && c.Path.EndsWith("/bad-delegate", StringComparison.Ordinal));
        Assert.StartsWith("Say which approval and to whom: /run delegate &lt;run id&gt; [node] to &lt;person&gt;", answer.Text(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SlackGroup_Members_AreReadWithUsergroupsUsersListAndKeptForFiveMinutes()
    {
        _host.Slack.AddUserGroup("S0DEPLOYS", Ana, Ben);
        var groups = _host.Services.GetServices<IApproverGroups>().Single(g => g.Owns("slack-group:S0DEPLOYS"));

        Assert.Equal([$"slack:{Ana}", $"slack:{Ben}"], await groups.MembersAsync("slack-group:S0DEPLOYS"));
        Assert.Equal([$"slack:{Ana}", $"slack:{Ben}"], await groups.MembersAsync("slack-group:S0DEPLOYS"));

        var call = Assert.Single(_host.Slack.CallsTo("usergroups.users.list"));
        Assert.Equal("S0DEPLOYS", call.Text("usergroup"));
        Assert.Equal($"Bearer {FakeSlackApi.DefaultBotToken}", call.Authorization);
    }

    [Fact]
    public async Task SlackGroup_AsApprovers_LetsAMemberDecideAndRefusesSomeoneElse()
    {
        _host.Slack.AddUserGroup("S0DEPLOYS", Ana);
        var (runId, threadTs) = await StartAsync("grouped", "slack-group:S0DEPLOYS");
        var approval = await _host.Slack.WaitForAsync(c => c.Method == "chat.postMessage" && c.ThreadTs == threadTs && c.Blocks.Any(b => b.GetProperty("type").GetString() == "actions"));

        using var byBen = await _host.ClickAsync(Ben, Channel, "approval-ts", "approval.approve", ButtonValue(approval, "approval.approve"), "ben-group");
        var refused = await _host.Slack.WaitForAsync(c => c.Method == FakeSlackApi.ResponseUrlMethod && c.Path.EndsWith("/ben-group", StringComparison.Ordinal));
        Assert.Contains("nothing changed", refused.Text(), StringComparison.Ordinal);
        Assert.Equal("waiting", (await RunAsync(runId)).GetProperty("status").GetString());

        using var byAna = await _host.ClickAsync(Ana, Channel, "approval-ts", "approval.approve", ButtonValue(approval, "approval.approve"), "ana-group");
        Assert.Equal($"slack:{Ana}", (await WaitForRunAsync(runId, "succeeded")).GetProperty("data").GetProperty("ask").GetProperty("by").GetString());
    }

    [Fact]
    public async Task SlackGroup_WithoutTheScopeOrUnknown_SaysWhatToDo()
    {
        var groups = _host.Services.GetServices<IApproverGroups>().Single(g => g.Owns("slack-group:S0NOSCOPE"));
        _host.Slack.Fail("usergroups.users.list", "missing_scope");

        var scope = await Assert.ThrowsAsync<InvalidOperationException>(() => groups.MembersAsync("slack-group:S0NOSCOPE"));
        Assert.Contains("usergroups:read", scope.Message, StringComparison.Ordinal);
        var unknown = await Assert.ThrowsAsync<InvalidOperationException>(() => groups.MembersAsync("slack-group:S0UNKNOWN"));
        Assert.Contains("Slack has no user group S0UNKNOWN", unknown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reminder_OnTheClock_ReachesTheThreadAndDirectMessagesAtItsTimeAndStopsForWhoDecided()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));
        await using var host = await SlackHost.StartAsync(time);
        await host.CreateWorkflowAsync($$$"""
            {"id": "clocked", "name": "Clocked deploy", "version": 1, "nodes": [
              {"id": "cmd", "type": "trigger", "config": {"kind": "command", "command": "clocked"}},
              {"id": "ask", "type": "approval", "config": {"prompt": "Deploy api?", "approvers": ["slack:{{{Ana}}}", "slack:{{{Ben}}}"], "quorum": 2, "remind": "PT1H"}},
              {"id": "done", "type": "output", "config": {"kind": "end", "value": "deployed"}}
            ], "edges": [{"from": "cmd", "to": "ask"}, {"from": "ask", "port": "approved", "to": "done"}]}
            """);
        var slack = host.Slack;
        // Signed at the host's time, as Slack's requests are checked against it.
        using var ack = await host.PostSignedAsync("/slack/commands", SlackRequests.SlashCommand("clocked", "UDEV00001", Channel, slack.ResponseUrl("start-clocked")),
            SlackRequests.FormContentType, at: time.GetUtcNow());
        Assert.Equal(System.Net.HttpStatusCode.OK, ack.StatusCode);
        // The run and its cards move on the host's clock: it goes a second at a time until the approval card is there.
        var card = await AdvanceUntilAsync(time, slack, c => c.Method == "chat.postMessage" && c.ThreadTs is not null && c.Blocks.Any(b => b.GetProperty("type").GetString() == "actions"));
        var threadTs = card.ThreadTs!;
        var asked = time.GetUtcNow();
        Assert.True(asked < new DateTimeOffset(2026, 11, 24, 9, 5, 0, TimeSpan.Zero), $"The card took until {asked}.");
        Assert.DoesNotContain(slack.CallsTo("chat.postMessage"), c => c.Text()?.StartsWith("Reminder:", StringComparison.Ordinal) == true);

        time.Advance(new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.Zero) - time.GetUtcNow() - TimeSpan.FromSeconds(10));
        var first = await AdvanceUntilAsync(time, slack, c => c.Method == "chat.postMessage" && c.ThreadTs == threadTs && c.Text()!.StartsWith("Reminder:", StringComparison.Ordinal));
        Assert.True(time.GetUtcNow() >= new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.Zero), $"The reminder came at {time.GetUtcNow()}, before its hour.");
        Assert.Equal($"Reminder: this approval still needs 2 of 2 — waiting for <@{Ana}>, <@{Ben}>.", first.Text());
        var anaCard = await AdvanceUntilAsync(time, slack, c => c.Method == "chat.postMessage" && c.Channel == Ana && c.Blocks.Count > 0);
        await AdvanceUntilAsync(time, slack, c => c.Method == "chat.postMessage" && c.Channel == Ben && c.Blocks.Count > 0);

        // Ana approves in her direct message: one of two.
        using var click = await host.PostSignedAsync("/slack/interactions",
            SlackRequests.Click(Ana, "DANA00001", anaCard.Ts ?? "dm", "approval.approve", ButtonValue(anaCard, "approval.approve"), slack.ResponseUrl("ana-dm")),
            SlackRequests.FormContentType, at: time.GetUtcNow());
        Assert.Equal(System.Net.HttpStatusCode.OK, click.StatusCode);
        // Her vote is counted (the approval leaves her inbox) before the clock moves on.
        var inbox = host.Services.GetRequiredService<ApprovalInbox>();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while ((await inbox.ListAsync(new Decider($"slack:{Ana}"))).Count > 0)
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(15), "Ana's vote was not counted.");
            await Task.Delay(20);
        }
        var count = slack.Calls.Count;
        time.Advance(new DateTimeOffset(2026, 11, 24, 11, 0, 0, TimeSpan.Zero) - time.GetUtcNow() - TimeSpan.FromSeconds(10));
        var second = await AdvanceUntilAsync(time, slack, c => c.Index >= count && c.Method == "chat.postMessage" && c.ThreadTs == threadTs && c.Text()!.StartsWith("Reminder:", StringComparison.Ordinal));
        Assert.Equal($"Reminder: this approval still needs 1 of 2 — waiting for <@{Ben}>.", second.Text());
        var toBen = await AdvanceUntilAsync(time, slack, c => c.Index >= count && c.Method == "chat.postMessage" && c.Channel == Ben);
        Assert.Empty(toBen.Blocks);
        Assert.Contains("still waits for you (1 of 2)", toBen.Text(), StringComparison.Ordinal);
        Assert.DoesNotContain(slack.Calls, c => c.Index >= count && c.Method == "chat.postMessage" && c.Channel == Ana);
    }

    // Moves the host's clock a second at a time (letting the host work in between) until Slack received a matching call.
    private static async Task<SlackCall> AdvanceUntilAsync(FakeTimeProvider time, FakeSlackApi slack, Func<SlackCall, bool> match)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            if (slack.Calls.FirstOrDefault(match) is { } found) return found;
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20),
                $"Slack received no such call by {time.GetUtcNow()}; it received: {string.Join(" | ", slack.Calls.Select(c => $"{c.Method} {c.Channel} {c.Text()}"))}");
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(20);
        }
    }

    // Starts the workflow from Slack and waits for its approval card; returns the run and its thread's ts.
    private async Task<(string RunId, string ThreadTs)> StartAsync(string id, params string[] approvers)
    {
        await _host.CreateWorkflowAsync(Workflow(id, approvers));
        using var ack = await _host.SlashCommandAsync(id, "UDEV00001", Channel, $"start-{id}");
        var started = await _host.Slack.WaitForAsync(c => c.Method == FakeSlackApi.ResponseUrlMethod && c.Path.EndsWith($"/start-{id}", StringComparison.Ordinal));
        var runId = RunId().Match(started.Text()!).Groups[1].Value;
        var approval = await _host.Slack.WaitForAsync(c => c.Method == "chat.postMessage" && c.ThreadTs is not null && c.Text()!.Contains("Deploy api?", StringComparison.Ordinal)
            && c.Text()!.Contains(runId, StringComparison.Ordinal));
        await WaitForRunAsync(runId, "waiting");
        return (runId, approval.ThreadTs!);
    }

    // What the approval lifecycle does when it records a reminder or an escalation: every notifier is told.
    private async Task NotifyAsync(string runId, string kind, string key, Func<ApprovalState, ApprovalState> change, params string[] recipients)
    {
        var approvals = _host.Services.GetRequiredService<ChatFlows.Core.Running.Approvals>();
        var state = await approvals.StateAsync(runId, "ask") ?? throw new InvalidOperationException($"Run {runId} does not wait at ask.");
        var entry = new ApprovalEvent(runId, "ask", key, kind, ApprovalEventKinds.System, DateTimeOffset.UtcNow, JsonSerializer.SerializeToElement(new { }));
        await approvals.NotifyAsync(new ApprovalNotice(entry, change(state), recipients));
    }

    private static string ButtonValue(SlackCall message, string actionId) =>
        message.Blocks.Single(b => b.GetProperty("type").GetString() == "actions").GetProperty("elements").EnumerateArray()
            .Single(e => e.GetProperty("action_id").GetString() == actionId).GetProperty("value").GetString()!;

    private async Task<JsonElement> RunAsync(string runId) => JsonElement.Parse(await _host.Client.GetStringAsync($"/api/runs/{runId}"));

    private async Task<JsonElement> WaitForRunAsync(string runId, string status)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            var run = await RunAsync(runId);
            if (run.GetProperty("status").GetString() == status) return run;
            Assert.True(DateTime.UtcNow < deadline, $"Run {runId} is {run.GetProperty("status").GetString()}, not {status}.");
            await Task.Delay(50);
        }
    }

    [GeneratedRegex("run `([0-9a-f]+)`")]
    private static partial Regex RunId();
}
