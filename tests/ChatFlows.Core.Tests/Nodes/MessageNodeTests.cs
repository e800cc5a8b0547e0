using System.Text.Json;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Messaging;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;

namespace ChatFlows.Core.Tests.Nodes;

public sealed class MessageNodeTests
{
    private readonly RecordingChatChannel _slack = new("slack");
    private readonly InMemoryRunStore _journal = new();

    private WorkflowEngine Engine(ChatChannels? channels = null) =>
        new(NodeRegistry.CreateDefault(new BuiltInNodeOptions { Chat = channels ?? new ChatChannels([_slack]) }), _journal, TimeProvider.System);

    private static WorkflowDocument Workflow(string messageConfig) => WorkflowJson.Parse("""
        {
          "id": "notify", "version": 1,
          "nodes": [
            {"id": "play", "type": "trigger", "config": {"kind": "manual"}},
            {"id": "say", "type": "output", "config": {"kind": "message", __CONFIG__}}
          ],
          "edges": [{"from": "play", "to": "say"}]
        }
        """.Replace("__CONFIG__", messageConfig, StringComparison.Ordinal));

    [Fact]
    public async Task Message_ToTheRunsThread_PostsRenderedTextThere()
    {
        var engine = Engine();
        var plan = engine.Compile(Workflow("""  "text": "Deployed *{{ trigger.service }}*"  """));

        var run = await engine.StartAsync(plan, new RunRequest { Trigger = JsonElement.Parse("""{"service": "api"}"""), Thread = "slack:C0123/1700000000.000100" });

        Assert.Equal(RunStatus.Succeeded, run.Status);
        var posted = Assert.Single(_slack.Messages);
        Assert.Equal("slack:C0123/1700000000.000100", posted.Target);
        Assert.Equal("Deployed *api*", posted.Text);
        Assert.Equal("notify", posted.WorkflowId);
        Assert.Equal("say", posted.NodeId);
        var output = run.Node("say").Output!.Value;
        Assert.Equal("1", output.GetProperty("messageId").GetString());
        Assert.Equal("slack:C0123/1700000000.000100", output.GetProperty("postedTo").GetString());
    }

    [Fact]
    public async Task Message_WithChannelAndCard_PostsToTheChannel()
    {
        var engine = Engine();
        var plan = engine.Compile(Workflow("""  "channel": "slack:C0TEAM", "card": {"type": "AdaptiveCard", "body": [{"type": "TextBlock", "text": "{{ trigger.service }}"}]}  """));

        await engine.StartAsync(plan, new RunRequest { Trigger = JsonElement.Parse("""{"service": "web"}"""), Thread = "slack:C0OTHER/1" });

        var posted = Assert.Single(_slack.Messages);
        Assert.Equal("slack:C0TEAM", posted.Target);
        Assert.Null(posted.Text);
        Assert.Equal("web", posted.Card!.Value.GetProperty("body")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task Message_ExecutedAgainAfterACrash_DoesNotPostTwice()
    {
        var engine = Engine();
        var plan = engine.Compile(Workflow("""  "text": "once"  """));
        var run = await engine.StartAsync(plan, new RunRequest { Thread = "slack:C0123/1" });

        // As a run continued from a journal whose last write (the node's finish) was lost.
        run.Node("say").Status = NodeStatus.Running;
        run.Status = RunStatus.Running;
        run = await engine.ContinueAsync(run);

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(2, run.Node("say").Attempts);
        Assert.Single(_slack.Messages);
        Assert.Equal("1", run.Node("say").Output!.Value.GetProperty("messageId").GetString());
    }

    [Fact]
    public async Task Message_PlatformRefuses_NodeFailsAndNothingIsRecordedAsPosted()
    {
        _slack.OnPost = _ => throw new InvalidOperationException("channel_not_found");
        var engine = Engine();
        var plan = engine.Compile(Workflow("""  "text": "hello"  """));

        var run = await engine.StartAsync(plan, new RunRequest { Thread = "slack:C0123/1" });

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Contains("channel_not_found", run.Error!.Message, StringComparison.Ordinal);
        Assert.Null(await _journal.FindEffectAsync(run.Id, "say", "posted", CancellationToken.None));
    }

    [Fact]
    public async Task Message_NoThreadNoChannel_KeepsTheMessageInTheRun()
    {
        var engine = Engine();
        var plan = engine.Compile(Workflow("""  "text": "for the record"  """));

        var run = await engine.StartAsync(plan, new RunRequest());

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Empty(_slack.Messages);
        Assert.Equal("for the record", run.Node("say").Output!.Value.GetProperty("text").GetString());
        Assert.Equal(JsonValueKind.Null, run.Node("say").Output!.Value.GetProperty("postedTo").ValueKind);
    }

    [Fact]
    public async Task Message_ToAPlatformWithoutAdapter_FailsNamingTheSettings()
    {
        var engine = Engine(new ChatChannels([]));
        var plan = engine.Compile(Workflow("""  "text": "hi", "channel": "teams:19:abc@thread.tacv2"  """));

        var run = await engine.StartAsync(plan, new RunRequest());

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Contains("ChatFlows:Teams:AppId", run.Error!.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""  "channel": "slack:C0123"  """, "nodes/say/config/text")]
    [InlineData("""  "text": "hi", "channel": "irc:#ops"  """, "nodes/say/config/channel")]
    [InlineData("""  "card": "not an object"  """, "nodes/say/config/card")]
    public void Validate_BadConfig_NamesTheField(string config, string path)
    {
        var problems = Engine().Validate(Workflow(config));

        Assert.Contains(problems, p => p.Path == path);
    }
}
