using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace ChatFlows.Bot.Tests.Teams;

/// <summary>A run started from Teams is queued first; its card is posted through the fake Connector when Teams allows.</summary>
public sealed class TeamsCardOutboxTests : IAsyncLifetime
{
    private TeamsHost _host = null!;

    public async Task InitializeAsync() => _host = await TeamsHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Mention_DuringA429Storm_StartsTheRunAtOnceAndPostsOneCard()
    {
        await _host.CreateWorkflowAsync("""
            {"id": "tell", "name": "Tell", "version": 1, "nodes": [
              {"id": "cmd", "type": "trigger", "config": {"kind": "command", "command": "tell"}},
              {"id": "check", "type": "tool", "config": {"tool": "transform", "value": "checked"}},
              {"id": "say", "type": "output", "config": {"kind": "message", "text": "Told in the thread."}}
            ], "edges": [{"from": "cmd", "to": "check"}, {"from": "check", "to": "say"}]}
            """);
        var connector = _host.Connector;
        var channel = Conversation.Channel;
        using var added = await _host.PostActivityAsync(_host.ConversationUpdate(channel));
        await connector.WaitForAsync(c => c.Kind == "send" && c.ConversationId == channel.Id && c.Status == 200);

        connector.RateLimitNext(8, retryAfterSeconds: 1);
        var message = _host.Message("run tell", TeamsUser.Developer, channel);
        using var accepted = await _host.PostActivityAsync(message);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        var thread = $"{channel.Id};messageid={(string)((Dictionary<string, object?>)message)["id"]!}";

        // The run is stored and runs while Teams still answers 429: nothing waits for the card.
        var runId = await FirstRunAsync("tell");
        await WaitForNodeAsync(runId, "check");
        Assert.DoesNotContain(connector.Calls, c => c.Kind == "send" && c.ConversationId == thread && c.Status == 200);

        var said = await connector.WaitForAsync(c => c.Kind == "send" && c.Status == 200 && c.Text == "Told in the thread.", TimeSpan.FromSeconds(30));
        Assert.Equal(thread, said.ConversationId);
        var cards = connector.Calls.Where(c => c.Kind == "send" && c.Status == 200 && c.CardJson.Contains("\"Tell\"", StringComparison.Ordinal)).ToArray();
        var card = Assert.Single(cards);
        Assert.Equal(thread, card.ConversationId);
        var calls = connector.Calls.ToList();
        Assert.True(calls.FindIndex(c => ReferenceEquals(c, card)) < calls.FindIndex(c => ReferenceEquals(c, said)), "The card came before what the run said.");
        Assert.Equal(8, connector.Calls.Count(c => c.Status == 429));
        var answer = await connector.WaitForAsync(c => c.Kind == "reply" && c.Status == 200);
        Assert.Contains("its card will appear in the thread", answer.Text, StringComparison.Ordinal);
    }

    private async Task<string> FirstRunAsync(string workflowId)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var runs = JsonElement.Parse(await _host.Client.GetStringAsync($"/api/runs?workflow={workflowId}")).GetProperty("items");
            if (runs.GetArrayLength() > 0) return runs[0].GetProperty("id").GetString()!;
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), "The run was not queued at once.");
            await Task.Delay(50);
        }
    }

    private async Task WaitForNodeAsync(string runId, string nodeId)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var run = await _host.RunAsync(runId);
            if (run.GetProperty("nodes").EnumerateArray().Any(n => n.GetProperty("nodeId").GetString() == nodeId && n.GetProperty("status").GetString() == "succeeded")) return;
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"Node {nodeId} did not run: {run}");
            await Task.Delay(50);
        }
    }
}
