using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ChatFlows.Bot.Slack;

namespace ChatFlows.Bot.Tests.Slack;

/// <summary>
/// Text through the real host as Slack sends and shows it: Slack escapes <c>&amp;</c>, <c>&lt;</c> and <c>&gt;</c> in
/// what it sends and unescapes what it is sent, so what a person types comes back exactly as typed; and every
/// <c>text</c> the host sends stays under Slack's 4,000 characters, with a pointer to the rest.
/// </summary>
public sealed partial class SlackTextEndToEndTests : IAsyncLifetime
{
    private const string Channel = "C0DEPLOY1";
    private const string Typed = "deploy <team> & go";
    // What Slack sends for it, and what Slack must be sent so that it shows it as typed.
    private const string Escaped = "deploy &lt;team&gt; &amp; go";

    private SlackHost _host = null!;

    public async Task InitializeAsync() => _host = await SlackHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task SlashCommand_TextWithControlCharacters_IsSeenAsTypedAndEchoedEscapedOnce()
    {
        await _host.CreateWorkflowAsync("""
            {"id": "say", "name": "Say", "version": 1, "nodes": [
              {"id": "cmd", "type": "trigger", "config": {"kind": "command", "command": "say"}},
              {"id": "post", "type": "output", "config": {"kind": "message", "text": "You said: {{ trigger.args.note }}"}}
            ], "edges": [{"from": "cmd", "to": "post"}]}
            """);

        using var ack = await _host.SlashCommandAsync($"say note=\"{Escaped}\"", "UDEV00001", Channel, "say-1");

        Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
        var ackText = JsonElement.Parse(await ack.Content.ReadAsStringAsync()).GetProperty("text").GetString()!;
        Assert.Equal($"Working on `/run say note=\"{Escaped}\"`…", ackText);
        Assert.Equal($"Working on `/run say note=\"{Typed}\"`…", SlackText.Unescape(ackText));
        var started = await _host.Slack.WaitForAsync(c => c.Method == FakeSlackApi.ResponseUrlMethod && c.Path.EndsWith("/say-1", StringComparison.Ordinal));
        var runId = RunId().Match(started.Text()!).Groups[1].Value;
        var said = await _host.Slack.WaitForAsync(c => c.Method == "chat.postMessage" && c.Text()!.StartsWith("You said", StringComparison.Ordinal));

        Assert.Equal($"You said: {Escaped}", said.Text());
        Assert.Equal(Typed, (await RunAsync(runId)).GetProperty("trigger").GetProperty("args").GetProperty("note").GetString());
        Assert.DoesNotContain(_host.Slack.Calls, c => c.Body.ToString().Contains("&amp;lt;", StringComparison.Ordinal) || c.Body.ToString().Contains("&amp;amp;", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SlashCommand_UnknownWorkflowWithControlCharacters_ErrorQuotesItEscapedOnce()
    {
        using var ack = await _host.SlashCommandAsync("deplyo&lt;x&gt;&amp;", "UDEV00001", Channel, "typo-1");

        var answer = await _host.Slack.WaitForAsync(c => c.Method == FakeSlackApi.ResponseUrlMethod && c.Path.EndsWith("/typo-1", StringComparison.Ordinal));
        Assert.StartsWith("There is no workflow `deplyo&lt;x&gt;&amp;`.", answer.Text(), StringComparison.Ordinal);
        Assert.StartsWith("There is no workflow `deplyo<x>&`.", SlackText.Unescape(answer.Text()!), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MessageEvent_TextWithControlCharactersAndSlackTokens_TriggerSeesTypedTextAndPostShowsItAsTyped()
    {
        await _host.CreateWorkflowAsync("""
            {"id": "heard", "name": "Heard", "version": 1, "nodes": [
              {"id": "said", "type": "trigger", "config": {"kind": "message", "pattern": "^deploy"}},
              {"id": "echo", "type": "output", "config": {"kind": "message", "text": "On it: {{ trigger.text }}"}}
            ], "edges": [{"from": "said", "to": "echo"}]}
            """);

        using var sent = await SendMessageAsync("Ev0ESCAPED1", $"{Escaped} with <@UBOSS0001> in <#C0OPS0001|ops>");

        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        var reply = await _host.Slack.WaitForAsync(c => c.Method == "chat.postMessage" && c.Text()!.StartsWith("On it", StringComparison.Ordinal));
        Assert.Equal($"On it: {Escaped} with <@UBOSS0001> in <#C0OPS0001|ops>", reply.Text());
        var run = (await RunsAsync("heard"))[0];
        Assert.Equal($"{Typed} with <@UBOSS0001> in <#C0OPS0001|ops>", (await RunAsync(run.GetProperty("id").GetString()!)).GetProperty("trigger").GetProperty("text").GetString());
    }

    [Fact]
    public async Task MessageEvent_EchoLongerThan4000Characters_IsCutWithAPointerToTheRunPage()
    {
        await _host.CreateWorkflowAsync("""
            {"id": "heard", "name": "Heard", "version": 1, "nodes": [
              {"id": "said", "type": "trigger", "config": {"kind": "message", "pattern": "^report"}},
              {"id": "echo", "type": "output", "config": {"kind": "message", "text": "On it: {{ trigger.text }}"}}
            ], "edges": [{"from": "said", "to": "echo"}]}
            """);
        // About 9,000 characters as Slack sends them (one message of 8,974 was seen).
        var lines = string.Join("\n", Enumerable.Range(1, 333).Select(i => $"report line {i:D3} &amp; more"));

        using var sent = await SendMessageAsync("Ev0LONG0001", lines);

        var reply = await _host.Slack.WaitForAsync(c => c.Method == "chat.postMessage" && c.Text()!.StartsWith("On it", StringComparison.Ordinal));
        var runId = (await RunsAsync("heard"))[0].GetProperty("id").GetString()!;
        Assert.True(reply.Text()!.Length <= 4000, $"{reply.Text()!.Length} characters");
        Assert.EndsWith($"&amp; more\n…\n_Cut to Slack's 4,000 characters: the whole message is the output of step `echo` on run `{runId}`'s page in ChatFlows._", reply.Text(), StringComparison.Ordinal);
        Assert.DoesNotContain("&amp;amp;", reply.Text(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunList_ManyWorkflows_AnswerIsCutAtALineUnder4000WithAPointerToTheDashboard()
    {
        const string Description = "Checks the service's health & error budget, then posts a summary of every alert, deploy and incident of the day to the team's channel. Needs the ops token.";
        for (var i = 1; i <= 40; i++)
        {
            await _host.CreateWorkflowAsync("""
                {"id": "check-NN", "name": "Check NN", "description": "DESCRIPTION", "version": 1, "nodes": [
                  {"id": "cmd", "type": "trigger", "config": {"kind": "command", "command": "checkNN"}},
                  {"id": "done", "type": "output", "config": {"kind": "end", "value": "ok"}}
                ], "edges": [{"from": "cmd", "to": "done"}]}
                """.Replace("DESCRIPTION", Description, StringComparison.Ordinal).Replace("NN", i.ToString("D2", CultureInfo.InvariantCulture), StringComparison.Ordinal));
        }

        using var ack = await _host.SlashCommandAsync("list", "UDEV00001", Channel, "list-1");

        var answer = (await _host.Slack.WaitForAsync(c => c.Method == FakeSlackApi.ResponseUrlMethod && c.Path.EndsWith("/list-1", StringComparison.Ordinal))).Text()!;
        Assert.True(answer.Length <= 4000, $"{answer.Length} characters");
        Assert.Contains("`/run check-01` or `/run check01`: Check 01 — Checks the service's health &amp; error budget,", answer, StringComparison.Ordinal);
        Assert.EndsWith("\n…\n_Cut to Slack's 4,000 characters: the ChatFlows dashboard shows all of it._", answer, StringComparison.Ordinal);
        // The last line shown is a whole line of the list.
        var lines = answer.Split('\n');
        Assert.Matches("^`/run check-\\d\\d` or `/run check\\d\\d`: Check \\d\\d — Checks .* to the team's channel\\.$", lines[^3]);
    }

    [Fact]
    public async Task RunStatus_RunWithManyLongSteps_AnswerIsCutAtALineUnder4000WithAPointerToTheRunPage()
    {
        // 45 steps in a chain, each with a long output: its status is about 8,000 characters. Messages, not transforms:
        // succeeded plumbing folds into one line.
        var nodes = new JsonArray(new JsonObject { ["id"] = "cmd", ["type"] = "trigger", ["config"] = new JsonObject { ["kind"] = "command", ["command"] = "long" } });
        var edges = new JsonArray();
        for (var i = 1; i <= 45; i++)
        {
            var id = $"step-{i:D2}";
            nodes.Add(new JsonObject { ["id"] = id, ["type"] = "output", ["config"] = new JsonObject { ["kind"] = "message", ["text"] = $"{id} checked <every> service & every queue of the fleet, and found nothing to report today" } });
            edges.Add(new JsonObject { ["from"] = i == 1 ? "cmd" : $"step-{i - 1:D2}", ["to"] = id });
        }
        await _host.CreateWorkflowAsync(new JsonObject { ["id"] = "long", ["name"] = "Long", ["version"] = 1, ["nodes"] = nodes, ["edges"] = edges }.ToJsonString());
        using var start = await _host.SlashCommandAsync("long", "UDEV00001", Channel, "long-1");
        var started = await _host.Slack.WaitForAsync(c => c.Method == FakeSlackApi.ResponseUrlMethod && c.Path.EndsWith("/long-1", StringComparison.Ordinal));
        var runId = RunId().Match(started.Text()!).Groups[1].Value;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while ((await RunAsync(runId)).GetProperty("status").GetString() != "succeeded")
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), "The run did not finish.");
            await Task.Delay(50);
        }

        using var status = await _host.SlashCommandAsync($"status {runId}", "UDEV00001", Channel, "status-1");

        var answer = (await _host.Slack.WaitForAsync(c => c.Method == FakeSlackApi.ResponseUrlMethod && c.Path.EndsWith("/status-1", StringComparison.Ordinal))).Text()!;
        Assert.True(answer.Length <= 4000, $"{answer.Length} characters");
        Assert.StartsWith($"*Long*: succeeded (run `{runId}`)", answer, StringComparison.Ordinal);
        Assert.Contains("checked &lt;every&gt; service &amp; every queue", answer, StringComparison.Ordinal);
        Assert.EndsWith($"\n…\n_Cut to Slack's 4,000 characters: run `{runId}`'s page in ChatFlows shows all of it._", answer, StringComparison.Ordinal);
        Assert.Matches("^✓ step-\\d\\d \\(output/message\\) succeeded", answer.Split('\n')[^3]);
    }

    private Task<HttpResponseMessage> SendMessageAsync(string eventId, string text) =>
        _host.PostSignedAsync("/slack/events", JsonSerializer.Serialize(new
        {
            type = "event_callback",
            event_id = eventId,
            @event = new { type = "message", channel = Channel, user = "UDEV00001", text, ts = "1700000001.000100", channel_type = "channel" },
        }), "application/json");

    private async Task<JsonElement> RunAsync(string runId) => JsonElement.Parse(await _host.Client.GetStringAsync($"/api/runs/{runId}"));

    private async Task<JsonElement> RunsAsync(string workflowId)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var items = JsonElement.Parse(await _host.Client.GetStringAsync($"/api/runs?workflow={workflowId}")).GetProperty("items");
            if (items.GetArrayLength() > 0 || clock.Elapsed > TimeSpan.FromSeconds(10)) return items;
            await Task.Delay(50);
        }
    }

    [GeneratedRegex("run `([0-9a-f]+)`")]
    private static partial Regex RunId();
}
