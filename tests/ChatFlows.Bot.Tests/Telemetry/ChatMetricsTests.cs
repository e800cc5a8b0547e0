using System.Diagnostics;
using ChatFlows.Bot.Chat;
using ChatFlows.Bot.Slack;
using ChatFlows.Bot.Teams;
using ChatFlows.Bot.Tests.Slack;
using ChatFlows.Bot.Tests.Teams;
using ChatFlows.Core.Messaging;
using ChatFlows.Core.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ChatFlows.Bot.Tests.Telemetry;

/// <summary>
/// <c>chatflows.chat.deliveries</c> and <c>chatflows.chat.throttled</c> (README §Telemetry) as Slack's Web API and the
/// Bot Connector, served locally, answer 429s.
/// </summary>
public sealed class ChatMetricsTests : IAsyncLifetime
{
    private const string Channel = "slack:C0123ABCD";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 9, 0, 0, TimeSpan.Zero));
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

    [Fact]
    public async Task PostAsync_RateLimitedTwiceThenPosted_CountsBoth429sAndOneDelivery()
    {
        using var metrics = new FlowMetrics();
        _slack.RateLimitNext(2, retryAfterSeconds: 3);

        var post = Presenter.PostAsync(Message("digest"), CancellationToken.None);
        await ClockUntilAsync(() => post.IsCompleted);
        await post;

        Assert.Equal(2, metrics.Sum("chatflows.chat.throttled", (ChatMetrics.Platform, "slack"), (ChatMetrics.Method, "chat.postMessage")));
        Assert.Equal(1, metrics.Sum("chatflows.chat.deliveries", (ChatMetrics.Platform, "slack"), (ChatMetrics.Outcome, "delivered")));
        Assert.Equal(0, metrics.Sum("chatflows.chat.deliveries", (ChatMetrics.Outcome, "throttled")));
    }

    [Fact]
    public async Task PostAsync_RateLimitedLongerThanItWaits_CountsAThrottledDelivery()
    {
        using var metrics = new FlowMetrics();
        _slack.RateLimitNext(1, retryAfterSeconds: 120);

        await Assert.ThrowsAsync<NodeException>(() => Presenter.PostAsync(Message("digest"), CancellationToken.None));

        Assert.Equal(1, metrics.Sum("chatflows.chat.throttled", (ChatMetrics.Platform, "slack")));
        Assert.Equal(1, metrics.Sum("chatflows.chat.deliveries", (ChatMetrics.Platform, "slack"), (ChatMetrics.Outcome, "throttled")));
        Assert.Equal(0, metrics.Sum("chatflows.chat.deliveries", (ChatMetrics.Outcome, "delivered")));
    }

    [Fact]
    public async Task TeamsSend_AnsweredTooManyRequests_CountsA429OfTeamsByCall()
    {
        await using var teams = await TeamsHost.StartAsync();
        var connector = teams.Services.GetRequiredService<TeamsConnector>();
        var conversation = new TeamsConversationReference("19:metrics@thread.tacv2", teams.Connector.ServiceUrl, null, TeamsConversationReference.Channel, null, null, TeamsHost.BotId, null);
        using var metrics = new FlowMetrics();
        teams.Connector.RateLimitNext(1, retryAfterSeconds: 2);

        var limited = await Assert.ThrowsAsync<ChatRateLimitedException>(() =>
            connector.SendAsync(conversation, conversation.ConversationId, new TeamsOutgoingActivity { Type = "message", Text = "digest" }, CancellationToken.None));

        Assert.Equal(TimeSpan.FromSeconds(2), limited.RetryAfter);
        Assert.Equal(1, metrics.Sum("chatflows.chat.throttled", (ChatMetrics.Platform, "teams"), (ChatMetrics.Method, "POST activities")));
    }

    private static ChatMessage Message(string text) =>
        new() { Target = Channel, Text = text, RunId = "run-42", WorkflowId = "deploy-check", NodeId = "post" };

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
}
