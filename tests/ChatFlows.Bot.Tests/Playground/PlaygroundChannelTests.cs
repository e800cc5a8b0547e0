using System.Net;
using System.Text.Json;
using ChatFlows.Bot.Cards;
using ChatFlows.Bot.Chat;
using ChatFlows.Bot.Playground;
using ChatFlows.Core.Messaging;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;
using Microsoft.Extensions.DependencyInjection;

namespace ChatFlows.Bot.Tests.Playground;

/// <summary>What runs post to the Playground, through the host's own <see cref="PlaygroundChannel"/>, read back over HTTP.</summary>
[Collection(HostCollection.Name)]
[Trait("Host", "shared")]
public sealed class PlaygroundChannelTests(HostFixture host)
{
    private PlaygroundChannel Channel => host.Services.GetRequiredService<PlaygroundChannel>();

    [Fact]
    public void Host_RegistersThePlaygroundAsChannelAndPresenter()
    {
        Assert.Same(Channel, host.Services.GetServices<IChatChannel>().Single(c => c.Platform == "playground"));
        Assert.Same(Channel, host.Services.GetRequiredService<ChatChannels>().For<IChatPresenter>("playground:general"));
    }

    [Fact]
    public async Task PostAsync_ThreadTarget_ShowsAsAReplyFromTheBot()
    {
        using var created = await host.SendAsync(HttpMethod.Post, "/playground/api/channels", """{"name":"chan-thread"}""");
        using var rootResponse = await host.SendAsync(HttpMethod.Post, "/playground/api/channels/chan-thread/messages", """{"user":"ada","text":"summarise this"}""");
        var rootId = (await HostFixture.ReadJsonAsync(rootResponse)).GetProperty("message").GetProperty("id").GetInt64();
        var target = $"playground:chan-thread#{rootId}";

        var posted = await Channel.PostAsync(Message(target, "Here is the *summary*.", "run-chan-thread"), CancellationToken.None);

        Assert.Equal(target, posted.Target);
        var thread = await host.GetJsonAsync($"/playground/api/messages/{rootId}/thread");
        var reply = Assert.Single(thread.GetProperty("replies").EnumerateArray());
        Assert.Equal(posted.MessageId, reply.GetProperty("id").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("ChatFlows", reply.GetProperty("author").GetString());
        Assert.True(reply.GetProperty("fromBot").GetBoolean());
        Assert.Equal("Here is the *summary*.", reply.GetProperty("text").GetString());
        Assert.Equal("run-chan-thread", reply.GetProperty("runId").GetString());
        var root = Assert.Single((await host.GetJsonAsync("/playground/api/channels/chan-thread/messages")).EnumerateArray());
        Assert.Equal(1, root.GetProperty("replyCount").GetInt32());
    }

    [Fact]
    public async Task PostAsync_ChannelNobodyOpened_CreatesIt()
    {
        var card = JsonElement.Parse("""{"type":"AdaptiveCard","version":"1.5","body":[{"type":"TextBlock","text":"Digest"}]}""");

        var posted = await Channel.PostAsync(Message("playground:chan-created", null) with { Card = card }, CancellationToken.None);

        Assert.Equal("playground:chan-created", posted.Target);
        Assert.Contains("chan-created", (await host.GetJsonAsync("/playground/api/channels")).EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        var message = Assert.Single((await host.GetJsonAsync("/playground/api/channels/chan-created/messages")).EnumerateArray());
        Assert.True(JsonElement.DeepEquals(card, message.GetProperty("card")));
        Assert.Equal(JsonValueKind.Null, message.GetProperty("text").ValueKind);
    }

    [Theory]
    [InlineData("playground:general#987654321")]
    [InlineData("playground:Not-A-Channel")]
    [InlineData("playground:general#abc")]
    public async Task PostAsync_TargetWithoutSuchThreadOrChannel_FailsNamingIt(string target)
    {
        var error = await Assert.ThrowsAsync<NodeException>(() => Channel.PostAsync(Message(target, "lost"), CancellationToken.None));

        Assert.Contains(target, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Progress_PostThenUpdate_ReplacesTheCardAndPublishesTheChange()
    {
        var feed = host.Services.GetRequiredService<PlaygroundFeed>();
        using var subscription = feed.Subscribe();
        var running = View(RunStatus.Running);
        var done = View(RunStatus.Succeeded);

        var posted = await Channel.PostProgressAsync("playground:chan-progress", running, CancellationToken.None);
        await Channel.UpdateProgressAsync(posted, done, CancellationToken.None);

        Assert.Equal($"playground:chan-progress#{posted.MessageId}", Channel.ThreadOf(posted));
        Assert.Equal("playground:chan-progress#7", Channel.ThreadOf(new PostedMessage("playground:chan-progress#7", "9")));
        var message = Assert.Single((await host.GetJsonAsync("/playground/api/channels/chan-progress/messages")).EnumerateArray());
        Assert.True(JsonElement.DeepEquals(ProgressCard.Render(done).ToJson(), message.GetProperty("card")));
        Assert.Equal("run-progress", message.GetProperty("runId").GetString());
        var events = new List<PlaygroundFeedEvent>();
        while (subscription.Reader.TryRead(out var e)) events.Add(e);
        Assert.Equal(
            [(PlaygroundFeedEvent.Created, posted.MessageId), (PlaygroundFeedEvent.Updated, posted.MessageId)],
            events.Where(e => e.Message.Channel == "chan-progress").Select(e => (e.Type, e.Message.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))));
    }

    [Fact]
    public async Task MessageNode_PostingToAPlaygroundChannel_ShowsInIt()
    {
        await host.CreateWorkflowAsync("""
            {"id": "playground-output", "name": "Playground output",
             "nodes": [{"id": "go", "type": "trigger", "config": {"kind": "manual"}},
                       {"id": "say", "type": "output", "config": {"kind": "message", "channel": "playground:chan-output", "text": "Hello from {{ trigger.who }}"}}],
             "edges": [{"from": "go", "to": "say"}]}
            """);

        var runId = await host.StartRunAsync("playground-output", """{"who":"the engine"}""");
        var run = await host.WaitForRunAsync(runId);

        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        var message = Assert.Single((await host.GetJsonAsync("/playground/api/channels/chan-output/messages")).EnumerateArray());
        Assert.Equal("Hello from the engine", message.GetProperty("text").GetString());
        Assert.Equal(runId, message.GetProperty("runId").GetString());
        Assert.Equal("ChatFlows", message.GetProperty("author").GetString());
    }

    private static ChatMessage Message(string target, string? text, string runId = "run-1") => new()
    {
        Target = target,
        Text = text,
        RunId = runId,
        WorkflowId = "wf",
        NodeId = "post",
    };

    private static ProgressView View(RunStatus status) => new()
    {
        RunId = "run-progress",
        WorkflowId = "deploy-check",
        WorkflowName = "Deploy check",
        Status = status,
        StartedBy = "playground:ada",
        Elapsed = TimeSpan.FromSeconds(3),
        Steps = [new ProgressStep("fetch", "tool/http", status == RunStatus.Succeeded ? NodeStatus.Succeeded : NodeStatus.Running, 1, null, null, null)],
    };
}
