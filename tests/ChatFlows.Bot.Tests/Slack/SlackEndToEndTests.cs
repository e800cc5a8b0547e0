using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;

namespace ChatFlows.Bot.Tests.Slack;

/// <summary>
/// Slack end to end: signed requests into the real host, everything it says going to a fake Slack Web API on
/// loopback that records each call.
/// </summary>
public sealed partial class SlackEndToEndTests : IAsyncLifetime
{
    private const string Channel = "C0DEPLOY1";
    private const string Approver = "UBOSS0001";

    private const string ShipWorkflow = """
        {"id": "ship", "name": "Ship", "version": 1, "nodes": [
          {"id": "cmd", "type": "trigger", "config": {"kind": "command", "command": "ship"}},
          {"id": "check", "type": "tool", "config": {"tool": "transform", "value": "{{ trigger.args.service | default: 'api' }} is healthy"}},
          {"id": "ask", "type": "approval", "config": {"prompt": "Ship {{ trigger.args.service }}?", "approvers": ["slack:UBOSS0001"]}},
          {"id": "shipped", "type": "output", "config": {"kind": "message", "text": "Shipped by {{ data.ask.by }}."}},
          {"id": "held", "type": "output", "config": {"kind": "end", "value": "held"}}
        ], "edges": [
          {"from": "cmd", "to": "check"}, {"from": "check", "to": "ask"},
          {"from": "ask", "port": "approved", "to": "shipped"}, {"from": "ask", "port": "rejected", "to": "held"}
        ]}
        """;

    private SlackHost _host = null!;

    public async Task InitializeAsync() => _host = await SlackHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task SlashCommand_RunWithApproval_AcksThenPostsProgressThreadAndFinalState()
    {
        await _host.CreateWorkflowAsync(ShipWorkflow);
        var slack = _host.Slack;

        var clock = Stopwatch.StartNew();
        using var ack = await _host.SlashCommandAsync("ship service=api", "UDEV00001", Channel, "cmd-1");
        var acked = clock.Elapsed;

        Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
        Assert.True(acked < TimeSpan.FromSeconds(3), $"Acknowledged after {acked}.");
        var ackBody = JsonElement.Parse(await ack.Content.ReadAsStringAsync());
        Assert.Equal("ephemeral", ackBody.GetProperty("response_type").GetString());
        Assert.Equal("Working on `/run ship service=api`…", ackBody.GetProperty("text").GetString());

        var started = await slack.WaitForAsync(c => c.Method == FakeSlackApi.ResponseUrlMethod && c.Path.EndsWith("/cmd-1", StringComparison.Ordinal));
        // The answer takes the place of the private acknowledgement, so it stays private.
        Assert.True(started.Body.GetProperty("replace_original").GetBoolean());
        Assert.Contains("Started *Ship*", started.Text(), StringComparison.Ordinal);
        var runId = RunId().Match(started.Text()!).Groups[1].Value;

        var progress = await slack.WaitForAsync(c => c.Method == "chat.postMessage" && c.Channel == Channel && c.ThreadTs is null);
        Assert.Contains("Ship", progress.Text(), StringComparison.Ordinal);
        var approval = await slack.WaitForAsync(c => c.Method == "chat.postMessage" && c.ThreadTs is not null && c.Text()!.Contains("Approval needed", StringComparison.Ordinal));
        var progressTs = approval.ThreadTs!;
        var waiting = await slack.WaitForAsync(c => c.Method == "chat.update" && c.Ts == progressTs && c.Text()!.Contains("waiting", StringComparison.Ordinal));
        Assert.Contains("✓ 1 step done", waiting.Text(), StringComparison.Ordinal); // the transform, folded

        using var click = await _host.ClickAsync(Approver, Channel, "approval-ts", "approval.approve", ButtonValue(approval, "approval.approve"), "click-1");
        Assert.Equal(HttpStatusCode.OK, click.StatusCode);

        var decided = await slack.WaitForAsync(c => c.Method == "chat.update" && c.Text()!.Contains("Approved by", StringComparison.Ordinal));
        Assert.Contains("<@UBOSS0001>", decided.Text() + JsonSerializer.Serialize(decided.Blocks), StringComparison.Ordinal);
        Assert.DoesNotContain(decided.Blocks, b => b.GetProperty("type").GetString() == "actions");
        var said = await slack.WaitForAsync(c => c.Method == "chat.postMessage" && c.ThreadTs == progressTs && c.Text()!.Contains("Shipped by", StringComparison.Ordinal));
        Assert.Equal(Channel, said.Channel);
        var final = await slack.WaitForAsync(c => c.Method == "chat.update" && c.Ts == progressTs && c.Text()!.Contains("succeeded (run", StringComparison.Ordinal));
        Assert.Contains("approved by slack:UBOSS0001", final.Text(), StringComparison.Ordinal);
        Assert.Equal("succeeded", (await RunAsync(runId)).GetProperty("status").GetString());

        // A second click changes nothing and says why, privately.
        using var again = await _host.ClickAsync(Approver, Channel, "approval-ts", "approval.reject", ButtonValue(approval, "approval.reject"), "click-again");
        var told = await slack.WaitForAsync(c => c.Method == FakeSlackApi.ResponseUrlMethod && c.Path.EndsWith("/click-again", StringComparison.Ordinal));
        Assert.StartsWith("Already approved by slack:UBOSS0001", told.Text(), StringComparison.Ordinal);
        Assert.Equal("succeeded", (await RunAsync(runId)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Click_ByAPersonNotAnApprover_IsExplainedPrivatelyAndChangesNothing()
    {
        await _host.CreateWorkflowAsync(ShipWorkflow);
        var slack = _host.Slack;
        using var ack = await _host.SlashCommandAsync("ship", "UDEV00001", Channel, "cmd-2");
        var started = await slack.WaitForAsync(c => c.Method == FakeSlackApi.ResponseUrlMethod && c.Path.EndsWith("/cmd-2", StringComparison.Ordinal));
        var runId = RunId().Match(started.Text()!).Groups[1].Value;
        var approval = await slack.WaitForAsync(c => c.Method == "chat.postMessage" && c.ThreadTs is not null && c.Text()!.Contains("Approval needed", StringComparison.Ordinal));

        using var click = await _host.ClickAsync("UINTRUDER", Channel, "approval-ts", "approval.approve", ButtonValue(approval, "approval.approve"), "click-2");

        var refusal = await slack.WaitForAsync(c => c.Method == FakeSlackApi.ResponseUrlMethod && c.Path.EndsWith("/click-2", StringComparison.Ordinal));
        Assert.Equal("ephemeral", refusal.Text("response_type"));
        Assert.False(refusal.Body.GetProperty("replace_original").GetBoolean());
        Assert.Equal("Only slack:UBOSS0001 may decide this; nothing changed.", refusal.Text());
        Assert.Equal("waiting", (await RunAsync(runId)).GetProperty("status").GetString());
        Assert.DoesNotContain(slack.CallsTo("chat.update"), c => c.Text()!.Contains("Approved by", StringComparison.Ordinal));

        // A value edited by hand decides nothing either.
        using var forged = await _host.ClickAsync(Approver, Channel, "approval-ts", "approval.approve", "run-of-someone-else\nask", "click-3");
        var told = await slack.WaitForAsync(c => c.Method == FakeSlackApi.ResponseUrlMethod && c.Path.EndsWith("/click-3", StringComparison.Ordinal));
        Assert.Contains("not made by this ChatFlows host", told.Text(), StringComparison.Ordinal);
        Assert.Equal("waiting", (await RunAsync(runId)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Click_ByAnApproverNamedByEmail_IsLookedUpWithUsersInfoAndAccepted()
    {
        await _host.CreateWorkflowAsync(ShipWorkflow.Replace("\"id\": \"ship\"", "\"id\": \"ship-mail\"", StringComparison.Ordinal)
            .Replace("\"command\": \"ship\"", "\"command\": \"ship-mail\"", StringComparison.Ordinal)
            .Replace("[\"slack:UBOSS0001\"]", "[\"email:ana@corp.example\"]", StringComparison.Ordinal));
        var slack = _host.Slack;
        slack.AddMember("UANA00001", "Ana@Corp.Example");
        slack.AddMember("UOTHER001", "someone@corp.example");
        using var ack = await _host.SlashCommandAsync("ship-mail", "UDEV00001", Channel, "cmd-mail");
        var started = await slack.WaitForAsync(c => c.Method == FakeSlackApi.ResponseUrlMethod && c.Path.EndsWith("/cmd-mail", StringComparison.Ordinal));
        var runId = RunId().Match(started.Text()!).Groups[1].Value;
        var approval = await slack.WaitForAsync(c => c.Method == "chat.postMessage" && c.ThreadTs is not null && c.Text()!.Contains("Approval needed", StringComparison.Ordinal));

        using var other = await _host.ClickAsync("UOTHER001", Channel, "approval-ts", "approval.approve", ButtonValue(approval, "approval.approve"), "click-other");
        var refusal = await slack.WaitForAsync(c => c.Method == FakeSlackApi.ResponseUrlMethod && c.Path.EndsWith("/click-other", StringComparison.Ordinal));
        Assert.Equal("Only email:ana@corp.example may decide this; nothing changed.", refusal.Text());
        Assert.Equal("waiting", (await RunAsync(runId)).GetProperty("status").GetString());

        using var ana = await _host.ClickAsync("UANA00001", Channel, "approval-ts", "approval.approve", ButtonValue(approval, "approval.approve"), "click-ana");
        var final = await slack.WaitForAsync(c => c.Method == "chat.update" && c.Text()!.Contains("succeeded (run", StringComparison.Ordinal));

        Assert.Contains("approved by slack:UANA00001", final.Text(), StringComparison.Ordinal);
        var lookups = slack.CallsTo("users.info");
        Assert.Equal(["UOTHER001", "UANA00001"], lookups.Select(c => c.Text("user")));
        Assert.All(lookups, c => Assert.Equal($"Bearer {FakeSlackApi.DefaultBotToken}", c.Authorization));
        Assert.Equal("slack:UANA00001", (await RunAsync(runId)).GetProperty("data").GetProperty("ask").GetProperty("by").GetString());
    }

    [Fact]
    public async Task Requests_ForgedOrStale_Get401AndStartNothing()
    {
        await _host.CreateWorkflowAsync(ShipWorkflow);

        using var forged = await _host.PostSignedAsync("/slack/commands", "user_id=UX&channel_id=C0DEPLOY1&text=ship&response_url=x", "application/x-www-form-urlencoded", signature: "v0=" + new string('0', 64));
        using var stale = await _host.PostSignedAsync("/slack/commands", "user_id=UX&channel_id=C0DEPLOY1&text=ship&response_url=x", "application/x-www-form-urlencoded", at: DateTimeOffset.UtcNow.AddMinutes(-6));
        using var unsigned = await _host.Client.PostAsync("/slack/events", HostFixture.Json("""{"type": "url_verification", "challenge": "abc"}"""));

        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, stale.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        Assert.Contains("more than 5 minutes", await stale.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await Task.Delay(300);
        Assert.Empty(_host.Slack.Calls);
        Assert.Equal(0, (await RunsAsync("ship")).GetArrayLength());
    }

    [Fact]
    public async Task Events_ChallengeAndARetriedMessage_AnswerTheChallengeAndStartOneRun()
    {
        await _host.CreateWorkflowAsync("""
            {"id": "heard", "name": "Heard", "version": 1, "nodes": [
              {"id": "said", "type": "trigger", "config": {"kind": "message", "pattern": "^deploy (\\w+)$", "channels": ["slack:C0DEPLOY1"]}},
              {"id": "echo", "type": "output", "config": {"kind": "message", "text": "On it: {{ trigger.text }}"}}
            ], "edges": [{"from": "said", "to": "echo"}]}
            """);

        using var challenge = await _host.PostSignedAsync("/slack/events", """{"token": "t", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", "type": "url_verification"}""", "application/json");
        Assert.Equal("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", JsonElement.Parse(await challenge.Content.ReadAsStringAsync()).GetProperty("challenge").GetString());

        var message = """
            {"token": "t", "team_id": "T0001", "type": "event_callback", "event_id": "Ev0DEPLOY01", "event_time": 1700000000,
             "event": {"type": "message", "channel": "C0DEPLOY1", "user": "UDEV00001", "text": "deploy api", "ts": "1700000001.000100", "channel_type": "channel"}}
            """;
        using var first = await _host.PostSignedAsync("/slack/events", message, "application/json");
        using var retry = await _host.PostSignedAsync("/slack/events", message, "application/json", retryNum: 1);
        using var elsewhere = await _host.PostSignedAsync("/slack/events", message.Replace("Ev0DEPLOY01", "Ev0DEPLOY02").Replace("C0DEPLOY1", "C0OTHER01"), "application/json");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        var reply = await _host.Slack.WaitForAsync(c => c.Method == "chat.postMessage" && c.Text()!.Contains("On it: deploy api", StringComparison.Ordinal));
        Assert.Equal(("C0DEPLOY1", "1700000001.000100"), (reply.Channel, reply.ThreadTs));
        await Task.Delay(300);
        var runs = await RunsAsync("heard");
        Assert.Equal(1, runs.GetArrayLength());
        Assert.Single(_host.Slack.CallsTo("chat.postMessage"), c => c.Text()!.Contains("On it", StringComparison.Ordinal));
        var progress = Assert.Single(_host.Slack.CallsTo("chat.postMessage"), c => c.Text()!.Contains("Heard", StringComparison.Ordinal));
        Assert.Equal("1700000001.000100", progress.ThreadTs);
    }

    [Fact]
    public async Task Progress_UnderA429Storm_StillEndsWithTheFinalState()
    {
        await _host.CreateWorkflowAsync("""
            {"id": "slow", "name": "Slow", "version": 1, "nodes": [
              {"id": "cmd", "type": "trigger", "config": {"kind": "command", "command": "slow"}},
              {"id": "one", "type": "tool", "config": {"tool": "delay", "duration": "PT0.2S"}},
              {"id": "two", "type": "tool", "config": {"tool": "delay", "duration": "PT0.2S"}},
              {"id": "three", "type": "tool", "config": {"tool": "transform", "value": "done"}}
            ], "edges": [{"from": "cmd", "to": "one"}, {"from": "one", "to": "two"}, {"from": "two", "to": "three"}]}
            """);
        var slack = _host.Slack;

        using var ack = await _host.SlashCommandAsync("slow", "UDEV00001", Channel, "cmd-3");
        var progress = await slack.WaitForAsync(c => c.Method == "chat.postMessage" && c.Channel == Channel && c.ThreadTs is null);
        slack.RateLimitNext(5, retryAfterSeconds: 1);

        var final = await slack.WaitForAsync(
            c => c.Method == "chat.update" && c.Succeeded && c.Text()!.Contains("succeeded (run", StringComparison.Ordinal), TimeSpan.FromSeconds(20));

        Assert.True(slack.CallsTo("chat.update").Count(c => c.Status == 429) >= 1, "The storm hit chat.update.");
        Assert.Contains("✓ 3 steps done", final.Text(), StringComparison.Ordinal); // two delays and a transform, folded
    }

    [Fact]
    public async Task Progress_SlackRefusesForGood_IsGivenUpAtOnceAndShownInTheRunDetail()
    {
        await _host.CreateWorkflowAsync(ShipWorkflow);
        var slack = _host.Slack;
        slack.Fail("chat.update", "message_not_found", times: 100);

        using var ack = await _host.SlashCommandAsync("ship", "UDEV00001", Channel, "cmd-4");
        var started = await slack.WaitForAsync(c => c.Method == FakeSlackApi.ResponseUrlMethod && c.Path.EndsWith("/cmd-4", StringComparison.Ordinal));
        var runId = RunId().Match(started.Text()!).Groups[1].Value;

        var clock = Stopwatch.StartNew();
        JsonElement card;
        while (true)
        {
            card = (await RunAsync(runId)).GetProperty("chat")[0];
            if (card.GetProperty("error").ValueKind == JsonValueKind.String) break;
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"No error on the run's card: {card}");
            await Task.Delay(50);
        }

        Assert.Equal("progress", card.GetProperty("kind").GetString());
        Assert.StartsWith("slack:C0DEPLOY1", card.GetProperty("target").GetString(), StringComparison.Ordinal);
        Assert.Contains("message_not_found", card.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Single(slack.CallsTo("chat.update"));
    }

    [Fact]
    public async Task SlashCommand_BotNotInTheChannel_AnswersPrivatelyWithSlacksReason()
    {
        await _host.CreateWorkflowAsync(ShipWorkflow);
        _host.Slack.Fail("chat.postMessage", "not_in_channel");

        using var ack = await _host.SlashCommandAsync("ship", "UDEV00001", Channel, "cmd-5");

        var answer = await _host.Slack.WaitForAsync(c => c.Method == FakeSlackApi.ResponseUrlMethod && c.Path.EndsWith("/cmd-5", StringComparison.Ordinal));
        // The run was queued before the card was tried; the answer says why the card is missing and what to do.
        Assert.Contains("but its card could not be posted: Slack chat.postMessage failed with 'not_in_channel'", answer.Text(), StringComparison.Ordinal);
        Assert.Contains("/invite", answer.Text(), StringComparison.Ordinal);
        Assert.Equal(1, (await RunsAsync("ship")).GetArrayLength());
    }

    [Fact]
    public async Task Mention_WithAMentionTrigger_StartsItWithTheMentionTakenOut()
    {
        await _host.CreateWorkflowAsync("""
            {"id": "ask-bot", "name": "Ask the bot", "version": 1, "nodes": [
              {"id": "mentioned", "type": "trigger", "config": {"kind": "message", "mention": true}},
              {"id": "answer", "type": "output", "config": {"kind": "message", "text": "You asked: {{ trigger.text }}"}}
            ], "edges": [{"from": "mentioned", "to": "answer"}]}
            """);

        using var mention = await _host.PostSignedAsync("/slack/events", """
            {"type": "event_callback", "event_id": "Ev0MENTION1", "event": {"type": "app_mention", "channel": "C0DEPLOY1", "user": "UDEV00001",
             "text": "<@UBOT00001> what is up?", "ts": "1700000002.000200", "thread_ts": "1700000000.000001"}}
            """, "application/json");

        var reply = await _host.Slack.WaitForAsync(c => c.Method == "chat.postMessage" && c.Text()!.Contains("You asked", StringComparison.Ordinal));
        Assert.Equal("You asked: what is up?", reply.Text());
        Assert.Equal("1700000000.000001", reply.ThreadTs);
    }

    private static string ButtonValue(SlackCall message, string actionId) =>
        message.Blocks.Single(b => b.GetProperty("type").GetString() == "actions").GetProperty("elements").EnumerateArray()
            .Single(e => e.GetProperty("action_id").GetString() == actionId).GetProperty("value").GetString()!;

    private async Task<JsonElement> RunAsync(string runId) => JsonElement.Parse(await _host.Client.GetStringAsync($"/api/runs/{runId}"));

    private async Task<JsonElement> RunsAsync(string workflowId) =>
        JsonElement.Parse(await _host.Client.GetStringAsync($"/api/runs?workflow={workflowId}")).GetProperty("items");

    [GeneratedRegex("run `([0-9a-f]+)`")]
    private static partial Regex RunId();
}

/// <summary>A schedule whose trigger names a Slack channel posts its digest there, on the fake clock.</summary>
public sealed class SlackScheduledDigestTests
{
    [Fact]
    public async Task Schedule_DueInUtc_PostsTheDigestToTheSlackChannel()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 8, 59, 0, TimeSpan.Zero));
        await using var host = await SlackHost.StartAsync(time);
        await host.CreateWorkflowAsync("""
            {"id": "daily", "name": "Daily digest", "version": 1, "nodes": [
              {"id": "nine", "type": "trigger", "config": {"kind": "schedule", "cron": "0 9 * * *", "timeZone": "UTC", "channel": "slack:C0DIGEST1"}},
              {"id": "post", "type": "output", "config": {"kind": "message", "text": "Daily digest for {{ trigger.scheduledAt | date: '%Y-%m-%d' }}"}}
            ], "edges": [{"from": "nine", "to": "post"}]}
            """);

        var clock = Stopwatch.StartNew();
        while (!host.Slack.CallsTo("chat.postMessage").Any())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), "The digest was not posted.");
            if (time.GetUtcNow() < new DateTimeOffset(2026, 11, 24, 9, 1, 0, TimeSpan.Zero)) time.Advance(TimeSpan.FromSeconds(5));
            await Task.Delay(20);
        }

        var digest = Assert.Single(host.Slack.CallsTo("chat.postMessage"));
        Assert.Equal("C0DIGEST1", digest.Channel);
        Assert.Null(digest.ThreadTs);
        Assert.Equal("Daily digest for 2026-11-24", digest.Text());
    }
}
