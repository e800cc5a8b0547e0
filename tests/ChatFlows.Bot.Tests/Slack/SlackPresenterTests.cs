using System.Diagnostics;
using System.Text.Json;
using ChatFlows.Bot.Chat;
using ChatFlows.Bot.Slack;
using ChatFlows.Core.Messaging;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using static ChatFlows.Bot.Tests.Slack.BlockQuery;

namespace ChatFlows.Bot.Tests.Slack;

/// <summary><see cref="SlackPresenter"/> as the chat layer and the engine use it, against a local Slack Web API.</summary>
public sealed class SlackPresenterTests : IAsyncLifetime
{
    private const string Channel = "slack:C0123ABCD";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));
    private FakeSlackApi _slack = null!;
    private ServiceProvider _services = null!;

    private SlackPresenter Presenter => _services.GetRequiredService<SlackPresenter>();

    public async Task InitializeAsync()
    {
        _slack = await FakeSlackApi.StartAsync();
        _services = SlackTestServices.Create(_slack, _time);
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _slack.DisposeAsync();
    }

    private static ProgressView Progress(RunStatus status, int done = 0) => new()
    {
        RunId = "run-42",
        WorkflowId = "deploy-check",
        WorkflowName = "Deploy check",
        Status = status,
        StartedBy = "slack:U012ABC",
        Elapsed = TimeSpan.FromSeconds(done),
        Steps = [.. Enumerable.Range(1, 3).Select(i => new ProgressStep($"step-{i}", "tool/http", i <= done ? NodeStatus.Succeeded : NodeStatus.Pending, i <= done ? 1 : 0, null, null, null))],
    };

    private static ApprovalView Approval() => new()
    {
        RunId = "run-42",
        NodeId = "approve",
        WorkflowName = "Deploy check",
        Request = new ApprovalRequest { Prompt = "Roll out?", Approvers = ["slack:U012ABC"], RequestedAt = DateTimeOffset.UnixEpoch },
    };

    private static ChatMessage Message(string target, string? text, JsonElement? card = null) =>
        new() { Target = target, Text = text, Card = card, RunId = "run-42", WorkflowId = "deploy-check", NodeId = "post" };

    [Fact]
    public async Task PostProgressAsync_Channel_PostsTheCardAndReturnsItsAddressAndTs()
    {
        var posted = await Presenter.PostProgressAsync(Channel, Progress(RunStatus.Queued), CancellationToken.None);

        var call = Assert.Single(_slack.Calls);
        Assert.Equal(("chat.postMessage", "C0123ABCD", null), (call.Method, call.Channel, call.ThreadTs));
        Assert.Equal("Deploy check · queued", Text(call.Blocks[0]));
        Assert.Equal(new PostedMessage(Channel, "1700000000.000100"), posted);
    }

    [Fact]
    public async Task PostProgressAsync_Thread_SendsThreadTs()
    {
        var posted = await Presenter.PostProgressAsync($"{Channel}#1690000000.000001", Progress(RunStatus.Queued), CancellationToken.None);

        Assert.Equal("1690000000.000001", _slack.Calls.Single().ThreadTs);
        Assert.Equal($"{Channel}#1690000000.000001", posted.Target);
    }

    [Fact]
    public void ThreadOf_ChannelMessage_IsTheThreadItStarts()
    {
        Assert.Equal($"{Channel}#1700000000.000100", Presenter.ThreadOf(new PostedMessage(Channel, "1700000000.000100")));
    }

    [Fact]
    public void ThreadOf_ReplyInAThread_IsThatThread()
    {
        Assert.Equal($"{Channel}#1690000000.000001", Presenter.ThreadOf(new PostedMessage($"{Channel}#1690000000.000001", "1700000000.000200")));
    }

    [Fact]
    public async Task UpdateProgressAsync_PostedCard_UpdatesThatMessage()
    {
        var posted = await Presenter.PostProgressAsync(Channel, Progress(RunStatus.Queued), CancellationToken.None);

        await Presenter.UpdateProgressAsync(posted, Progress(RunStatus.Succeeded, done: 3), CancellationToken.None);

        var update = Assert.Single(_slack.CallsTo("chat.update"));
        Assert.True(update.Succeeded);
        Assert.Equal(("C0123ABCD", posted.MessageId), (update.Channel, update.Ts));
        Assert.Equal("Deploy check · ✅ succeeded", Text(update.Blocks[0]));
        Assert.StartsWith("*Deploy check*: succeeded", update.Text(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostApprovalAsync_RunThread_PostsButtonsInTheThread()
    {
        var progress = await Presenter.PostProgressAsync(Channel, Progress(RunStatus.Running), CancellationToken.None);

        var approval = await Presenter.PostApprovalAsync(Presenter.ThreadOf(progress), Approval(), CancellationToken.None);

        var call = _slack.CallsTo("chat.postMessage")[1];
        Assert.Equal(progress.MessageId, call.ThreadTs);
        Assert.Single(call.Blocks, b => Type(b) == "actions");
        Assert.Equal(Presenter.ThreadOf(progress), approval.Target);
    }

    [Fact]
    public async Task UpdateApprovalAsync_Decided_RemovesTheButtons()
    {
        var approval = await Presenter.PostApprovalAsync($"{Channel}#1690000000.000001", Approval(), CancellationToken.None);

        await Presenter.UpdateApprovalAsync(approval, Approval() with { Decision = "approved", DecidedBy = "slack:U012ABC", DecidedAt = DateTimeOffset.UnixEpoch }, CancellationToken.None);

        var update = Assert.Single(_slack.CallsTo("chat.update"));
        Assert.Equal(("C0123ABCD", approval.MessageId), (update.Channel, update.Ts));
        Assert.DoesNotContain(update.Blocks, b => Type(b) == "actions");
        Assert.Contains("✅ Approved by <@U012ABC>", Text(update.Blocks[^1]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostAsync_TextToAThread_SendsMrkdwnWithThreadTs()
    {
        var posted = await Presenter.PostAsync(Message($"{Channel}#1690000000.000001", "Deploy *done*: see [the log](https://ci.example.com/1) & <@U012ABC>"), CancellationToken.None);

        var call = Assert.Single(_slack.Calls);
        Assert.Equal(("C0123ABCD", "1690000000.000001"), (call.Channel, call.ThreadTs));
        Assert.Equal("Deploy *done*: see <https://ci.example.com/1|the log> &amp; <@U012ABC>", call.Text());
        Assert.Empty(call.Blocks);
        Assert.Equal(new PostedMessage($"{Channel}#1690000000.000001", "1700000000.000100"), posted);
    }

    [Fact]
    public async Task PostAsync_CardWithFallbackText_PostsTheFallback()
    {
        var card = JsonElement.Parse("""{"type":"AdaptiveCard","fallbackText":"Standup: 3 updates","body":[{"type":"TextBlock","text":"ignored"}]}""");

        await Presenter.PostAsync(Message("slack:C0DIGEST", null, card), CancellationToken.None);

        Assert.Equal("Standup: 3 updates", _slack.Calls.Single().Text());
    }

    [Fact]
    public async Task PostAsync_CardWithoutFallback_PostsItsTextBlocksAndFacts()
    {
        var card = JsonElement.Parse("""
            {"type":"AdaptiveCard","body":[
              {"type":"TextBlock","text":"**Standup**"},
              {"type":"Container","items":[{"type":"TextBlock","text":"Ada: shipped <2.4>"}]},
              {"type":"FactSet","facts":[{"title":"Blocked","value":"none"}]}],
             "actions":[{"type":"Action.OpenUrl","title":"Open","url":"https://example.com"}]}
            """);

        await Presenter.PostAsync(Message("slack:C0DIGEST", "Daily digest", card), CancellationToken.None);

        Assert.Equal("Daily digest\n\n*Standup*\nAda: shipped &lt;2.4&gt;\nBlocked: none", _slack.Calls.Single().Text());
    }

    [Fact]
    public async Task PostAsync_NothingToShow_FailsTheNodeWithoutCallingSlack()
    {
        var card = JsonElement.Parse("""{"type":"AdaptiveCard","body":[{"type":"Image","url":"https://example.com/a.png"}]}""");

        var e = await Assert.ThrowsAsync<NodeException>(() => Presenter.PostAsync(Message(Channel, null, card), CancellationToken.None));

        Assert.Contains("no text", e.Message, StringComparison.Ordinal);
        Assert.Empty(_slack.Calls);
    }

    [Fact]
    public async Task PostAsync_UserId_ReturnsTheDirectMessageChannelForLaterUpdates()
    {
        var posted = await Presenter.PostAsync(Message("slack:U012ABC", "just for you"), CancellationToken.None);

        Assert.Equal("slack:D012ABC", posted.Target);
        await Presenter.UpdateProgressAsync(posted, Progress(RunStatus.Running), CancellationToken.None);
        Assert.True(_slack.CallsTo("chat.update").Single().Succeeded);
    }

    [Fact]
    public async Task PostAsync_ChannelNotFound_FailsTheNodeWithSlacksReason()
    {
        _slack.Fail("chat.postMessage", "channel_not_found");

        var e = await Assert.ThrowsAsync<NodeException>(() => Presenter.PostAsync(Message("slack:C0GONE", "hello"), CancellationToken.None));

        Assert.StartsWith("Cannot post to slack:C0GONE: Slack chat.postMessage failed with 'channel_not_found'", e.Message, StringComparison.Ordinal);
        Assert.IsType<SlackApiException>(e.InnerException);
    }

    [Fact]
    public async Task PostAsync_NotASlackAddress_FailsTheNode()
    {
        var e = await Assert.ThrowsAsync<NodeException>(() => Presenter.PostAsync(Message("slack:#general", "hello"), CancellationToken.None));

        Assert.Contains("not a Slack channel id", e.Message, StringComparison.Ordinal);
        Assert.Empty(_slack.Calls);
    }

    [Fact]
    public async Task PostAsync_RateLimited_WaitsItOutAndPostsOnce()
    {
        _slack.RateLimitNext(2, retryAfterSeconds: 3);
        var started = _time.GetUtcNow();

        var post = Presenter.PostAsync(Message(Channel, "digest"), CancellationToken.None);
        await ClockUntilAsync(() => post.IsCompleted);

        await post;
        Assert.Equal([429, 429, 200], _slack.Calls.Select(c => c.Status));
        Assert.True(_time.GetUtcNow() - started >= TimeSpan.FromSeconds(6), "Each Retry-After of 3 s was waited out.");
    }

    [Fact]
    public async Task PostAsync_RateLimitedLongerThanItWaits_FailsTheNode()
    {
        _slack.RateLimitNext(1, retryAfterSeconds: 120);

        var e = await Assert.ThrowsAsync<NodeException>(() => Presenter.PostAsync(Message(Channel, "digest"), CancellationToken.None));

        Assert.Contains("429", e.Message, StringComparison.Ordinal);
        Assert.IsType<ChatRateLimitedException>(e.InnerException);
    }

    [Fact]
    public async Task UpdateProgressAsync_CoalescedThroughA429Storm_DeliversTheFinalView()
    {
        var posted = await Presenter.PostProgressAsync(Channel, Progress(RunStatus.Queued), CancellationToken.None);
        _slack.RateLimitNext(3, retryAfterSeconds: 2);
        var coalescer = new UpdateCoalescer<ProgressView>(
            (_, view, ct) => Presenter.UpdateProgressAsync(posted, view, ct), TimeSpan.FromSeconds(1), _time, NullLogger.Instance);

        coalescer.Submit(posted.MessageId, Progress(RunStatus.Running, done: 0));
        await _slack.WaitForAsync(c => c.Method == "chat.update");
        coalescer.Submit(posted.MessageId, Progress(RunStatus.Running, done: 1));
        coalescer.Submit(posted.MessageId, Progress(RunStatus.Running, done: 2));
        coalescer.Submit(posted.MessageId, Progress(RunStatus.Succeeded, done: 3));
        await ClockUntilAsync(() => _slack.CallsTo("chat.update").Any(c => c.Succeeded));

        var updates = _slack.CallsTo("chat.update");
        Assert.Equal([429, 429, 429, 200], updates.Select(u => u.Status));
        var delivered = updates[^1];
        Assert.Equal(posted.MessageId, delivered.Ts);
        Assert.Equal("Deploy check · ✅ succeeded", Text(delivered.Blocks[0]));
    }

    // The code under test waits on the fake clock; move it on in small steps until the condition holds.
    private async Task ClockUntilAsync(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "The expected calls did not happen.");
            _time.Advance(TimeSpan.FromMilliseconds(250));
            await Task.Delay(5);
        }
    }

    [Fact]
    public async Task ReadThreadAsync_PeopleAndTheBotInAThread_ReadsThemOldestFirstWithTheBotsMarked()
    {
        var root = _slack.AddPersonMessage("C0123ABCD", null, "U0ANA", "Plan a trip to Lisbon &amp; Porto.");
        await Presenter.PostAsync(Message($"{Channel}#{root}", "Three days: Alfama, Belém, Sintra."), CancellationToken.None);
        _slack.AddPersonMessage("C0123ABCD", root, "U0BOB", "And the food?");

        var messages = await Presenter.ReadThreadAsync($"{Channel}#{root}", 10, CancellationToken.None);

        Assert.Equal(
            [("Plan a trip to Lisbon & Porto.", false, "slack:U0ANA"), ("Three days: Alfama, Belém, Sintra.", true, null), ("And the food?", false, "slack:U0BOB")],
            messages.Select(m => (m.Text, m.FromBot, m.User)));
        Assert.Equal(root, messages[0].Id);
        var read = _slack.CallsTo("conversations.replies").Single();
        Assert.Equal((root, "C0123ABCD"), (read.Text("ts"), read.Channel));
    }
}
