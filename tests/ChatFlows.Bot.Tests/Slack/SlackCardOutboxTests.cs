using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ChatFlows.Bot.Tests.Slack;

/// <summary>
/// A run started from Slack is queued first and its card posted from the outbox when Slack allows: through a 429
/// storm, through Slack's own failures, after an answer that was lost (found again by its metadata), and refused for
/// good. Real host, fake Slack Web API on loopback.
/// </summary>
public sealed partial class SlackCardOutboxTests : IAsyncLifetime
{
    private const string Channel = "C0STORM01";

    // A tool that runs without Slack, then a message in the run's thread.
    private const string TellWorkflow = """
        {"id": "tell", "name": "Tell", "version": 1, "nodes": [
          {"id": "cmd", "type": "trigger", "config": {"kind": "command", "command": "tell"}},
          {"id": "check", "type": "tool", "config": {"tool": "transform", "value": "checked"}},
          {"id": "say", "type": "output", "config": {"kind": "message", "text": "Told in the thread."}}
        ], "edges": [{"from": "cmd", "to": "check"}, {"from": "check", "to": "say"}]}
        """;

    private SlackHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = await SlackHost.StartAsync();
        await _host.CreateWorkflowAsync(TellWorkflow);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task SlashCommand_DuringA429Storm_StartsTheRunAtOnceAndItsCardLandsWhenSlackAllows()
    {
        var slack = _host.Slack;
        // A ten-second storm: every call is answered 429 with Retry-After: 1 until it passes.
        slack.RateLimitFor(TimeSpan.FromSeconds(10), retryAfterSeconds: 1);

        using var ack = await _host.SlashCommandAsync("tell", "UDEV00001", Channel, "storm-1");
        Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
        var answer = await slack.WaitForAsync(c => c.Method == FakeSlackApi.ResponseUrlMethod && c.Path.EndsWith("/storm-1", StringComparison.Ordinal));
        var runId = RunId().Match(answer.Text()!).Groups[1].Value;

        // Answered and running while Slack still says 429: nothing waited for the card.
        Assert.Contains("its card will appear in the thread", answer.Text(), StringComparison.Ordinal);
        var checkedAt = await WaitForNodeAsync(runId, "check", "succeeded");
        Assert.True(checkedAt < slack.StormUntil, "The run's first node ran during the storm.");
        Assert.Empty(slack.CardsOf(runId));
        // The run detail says the card waits to be posted, rather than naming an empty message id.
        var waiting = (await RunAsync(runId)).GetProperty("chat")[0];
        Assert.Equal(JsonValueKind.Null, waiting.GetProperty("messageId").ValueKind);
        Assert.Equal(JsonValueKind.Null, waiting.GetProperty("error").ValueKind);

        var said = await slack.WaitForAsync(c => c.Method == "chat.postMessage" && c.Succeeded && c.Text() == "Told in the thread.", TimeSpan.FromSeconds(30));
        Assert.True(DateTimeOffset.UtcNow >= slack.StormUntil);
        var card = Assert.Single(slack.CardsOf(runId));
        Assert.Equal((Channel, null, "progress"), (card.Channel, card.ThreadTs, card.Kind));
        // The message waited for the card and went into its thread.
        Assert.Equal(card.Ts, said.ThreadTs);
        var messages = slack.MessagesIn(Channel).ToList();
        Assert.True(messages.FindIndex(m => m.Ts == card.Ts) < messages.FindIndex(m => m.Text == "Told in the thread."), "The card came first.");
        Assert.True(slack.CallsTo("chat.postMessage").Count(c => c.Status == 429) >= 2, "The card waited the storm out.");
        Assert.Equal("succeeded", await StatusWhenEndedAsync(runId));
        await slack.WaitForAsync(c => c.Method == "chat.update" && c.Ts == card.Ts && c.Succeeded && c.Text()!.Contains("succeeded (run", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SlashCommand_SlackAnswers503ForAWhile_PostsOneCard()
    {
        var slack = _host.Slack;
        slack.ServerErrorNext(3);

        using var ack = await _host.SlashCommandAsync("tell", "UDEV00001", Channel, "down-1");
        var answer = await slack.WaitForAsync(c => c.Method == FakeSlackApi.ResponseUrlMethod && c.Path.EndsWith("/down-1", StringComparison.Ordinal));
        var runId = RunId().Match(answer.Text()!).Groups[1].Value;

        var said = await slack.WaitForAsync(c => c.Method == "chat.postMessage" && c.Succeeded && c.Text() == "Told in the thread.", TimeSpan.FromSeconds(20));
        var card = Assert.Single(slack.CardsOf(runId));
        Assert.Equal(card.Ts, said.ThreadTs);
        Assert.Equal(3, slack.CallsTo("chat.postMessage").Count(c => c.Status == 503));
        Assert.Equal("succeeded", await StatusWhenEndedAsync(runId));
    }

    [Fact]
    public async Task CardPost_AnswerLost_IsFoundByItsMetadataInsteadOfPostedTwice()
    {
        var slack = _host.Slack;
        // Slack posts the card, but its answer never arrives: as a crash between posting and recording.
        slack.LoseAnswerNext("chat.postMessage");

        using var ack = await _host.SlashCommandAsync("tell", "UDEV00001", Channel, "lost-1");
        var answer = await slack.WaitForAsync(c => c.Method == FakeSlackApi.ResponseUrlMethod && c.Path.EndsWith("/lost-1", StringComparison.Ordinal));
        var runId = RunId().Match(answer.Text()!).Groups[1].Value;

        var said = await slack.WaitForAsync(c => c.Method == "chat.postMessage" && c.Succeeded && c.Text() == "Told in the thread.", TimeSpan.FromSeconds(20));
        var card = Assert.Single(slack.CardsOf(runId));
        Assert.Equal(card.Ts, said.ThreadTs);
        var lookup = Assert.Single(slack.CallsTo("conversations.history"));
        Assert.Equal((Channel, "true"), (lookup.Channel, lookup.Text("include_all_metadata")));
        Assert.Equal("succeeded", await StatusWhenEndedAsync(runId));
        var detail = await RunAsync(runId);
        Assert.Equal(card.Ts, detail.GetProperty("chat")[0].GetProperty("messageId").GetString());
    }

    [Fact]
    public async Task RunMessage_AnswerLost_IsFoundByItsMetadataInsteadOfPostedTwice()
    {
        var slack = _host.Slack;
        // Slack posts the run's message, but answers 500: the host cannot know it landed.
        slack.LoseAnswerNext("chat.postMessage", "Told in the thread.");

        using var ack = await _host.SlashCommandAsync("tell", "UDEV00001", Channel, "lost-2");
        var answer = await slack.WaitForAsync(c => c.Method == FakeSlackApi.ResponseUrlMethod && c.Path.EndsWith("/lost-2", StringComparison.Ordinal));
        var runId = RunId().Match(answer.Text()!).Groups[1].Value;

        Assert.Equal("succeeded", await StatusWhenEndedAsync(runId));
        var card = Assert.Single(slack.CardsOf(runId));
        var said = Assert.Single(slack.MessagesIn(Channel), m => m.Text == "Told in the thread.");
        Assert.Equal(card.Ts, said.ThreadTs);
        // The step's output names the message Slack kept, found in the thread's replies by its metadata.
        var lookup = Assert.Single(slack.CallsTo("conversations.replies"));
        Assert.Equal(card.Ts, lookup.Text("ts"));
        var node = (await RunAsync(runId)).GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("nodeId").GetString() == "say");
        Assert.Equal(said.Ts, node.GetProperty("output").GetProperty("messageId").GetString());
    }

    [Fact]
    public async Task SlashCommand_BotNotInTheChannel_SaysWhatToDoAndTheRunsMessagesFailWithTheReason()
    {
        var slack = _host.Slack;
        slack.Fail("chat.postMessage", "not_in_channel");

        using var ack = await _host.SlashCommandAsync("tell", "UDEV00001", Channel, "out-1");

        var answer = await slack.WaitForAsync(c => c.Method == FakeSlackApi.ResponseUrlMethod && c.Path.EndsWith("/out-1", StringComparison.Ordinal));
        var text = answer.Text()!;
        Assert.Contains("its card could not be posted: Slack chat.postMessage failed with 'not_in_channel'", text, StringComparison.Ordinal);
        Assert.Contains("/invite", text, StringComparison.Ordinal);
        var runId = RunId().Match(text).Groups[1].Value;
        Assert.Contains($"`/run status {runId}`", text, StringComparison.Ordinal);

        Assert.Equal("failed", await StatusWhenEndedAsync(runId));
        var run = await RunAsync(runId);
        Assert.Equal("say", run.GetProperty("error").GetProperty("nodeId").GetString());
        Assert.Contains("not_in_channel", run.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Single(slack.CallsTo("chat.postMessage"));
    }

    private async Task<DateTimeOffset> WaitForNodeAsync(string runId, string nodeId, string status)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var run = await RunAsync(runId);
            if (run.GetProperty("nodes").EnumerateArray().Any(n => n.GetProperty("nodeId").GetString() == nodeId && n.GetProperty("status").GetString() == status))
                return DateTimeOffset.UtcNow;
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"Node {nodeId} of run {runId} is not {status}: {run}");
            await Task.Delay(50);
        }
    }

    private async Task<string> StatusWhenEndedAsync(string runId)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var status = (await RunAsync(runId)).GetProperty("status").GetString()!;
            if (status is "succeeded" or "failed" or "cancelled") return status;
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"Run {runId} is still {status}.");
            await Task.Delay(50);
        }
    }

    private async Task<JsonElement> RunAsync(string runId) => JsonElement.Parse(await _host.Client.GetStringAsync($"/api/runs/{runId}"));

    [GeneratedRegex("run `([0-9a-f]+)`")]
    private static partial Regex RunId();
}
