using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace ChatFlows.Bot.Tests.Playground;

/// <summary>Plain Playground messages start workflows with a message trigger; the run answers in the message's thread.</summary>
[Collection(HostCollection.Name)]
[Trait("Host", "shared")]
public sealed class PlaygroundMessageTriggerTests(HostFixture host)
{
    [Fact]
    public async Task PlainMessage_MatchingAPattern_StartsARunThatAnswersInItsThread()
    {
        await host.CreateWorkflowAsync("""
            {"id": "pg-heard", "name": "Heard", "version": 1, "nodes": [
              {"id": "said", "type": "trigger", "config": {"kind": "message", "pattern": "^deploy (\\w+)$", "channels": ["playground:pg-heard"]}},
              {"id": "echo", "type": "output", "config": {"kind": "message", "text": "On it: {{ trigger.text }} for {{ trigger.user }}"}}
            ], "edges": [{"from": "said", "to": "echo"}]}
            """);
        await CreateChannelAsync("pg-heard");

        var id = await PostAsync("pg-heard", "deploy api");
        var ignored = await PostAsync("pg-heard", "lunch?");

        var thread = await WaitForRepliesAsync(id, 2);
        var replies = thread.GetProperty("replies").EnumerateArray().ToArray();
        Assert.Equal("Heard", replies[0].GetProperty("card").GetProperty("body")[0].GetProperty("columns")[0].GetProperty("items")[0].GetProperty("text").GetString());
        Assert.Equal("On it: deploy api for playground:ada", replies[1].GetProperty("text").GetString());
        Assert.Equal(0, (await host.GetJsonAsync($"/playground/api/messages/{ignored}/thread")).GetProperty("replies").GetArrayLength());
    }

    [Fact]
    public async Task PlainMessage_MentioningTheBot_GoesToMentionTriggersWithTheMentionTakenOut()
    {
        await host.CreateWorkflowAsync("""
            {"id": "pg-asked", "name": "Asked", "version": 1, "nodes": [
              {"id": "mentioned", "type": "trigger", "config": {"kind": "message", "mention": true, "channels": ["playground:pg-asked"]}},
              {"id": "answer", "type": "output", "config": {"kind": "message", "text": "You asked: {{ trigger.text }}"}}
            ], "edges": [{"from": "mentioned", "to": "answer"}]}
            """);
        await CreateChannelAsync("pg-asked");

        var id = await PostAsync("pg-asked", "@ChatFlows what is up?");

        var thread = await WaitForRepliesAsync(id, 2);
        Assert.Equal("You asked: what is up?", thread.GetProperty("replies")[1].GetProperty("text").GetString());
    }

    private async Task<JsonElement> WaitForRepliesAsync(long rootId, int count)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var thread = await host.GetJsonAsync($"/playground/api/messages/{rootId}/thread");
            if (thread.GetProperty("replies").GetArrayLength() >= count) return thread;
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"Thread {rootId} has {thread.GetProperty("replies").GetArrayLength()} replies, not {count}.");
            await Task.Delay(50);
        }
    }

    private async Task CreateChannelAsync(string name)
    {
        using var response = await host.SendAsync(HttpMethod.Post, "/playground/api/channels", JsonSerializer.Serialize(new { name }));
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private async Task<long> PostAsync(string channel, string text)
    {
        using var response = await host.SendAsync(HttpMethod.Post, $"/playground/api/channels/{channel}/messages", JsonSerializer.Serialize(new { user = "ada", text }));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await HostFixture.ReadJsonAsync(response)).GetProperty("message").GetProperty("id").GetInt64();
    }
}
