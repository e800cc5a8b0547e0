using System.Text.Json;
using ChatFlows.Bot.Chat;
using ChatFlows.Bot.Slack;
using Microsoft.Extensions.DependencyInjection;

namespace ChatFlows.Bot.Tests.Slack;

/// <summary><see cref="SlackApi"/> against a local server speaking Slack's Web API wire format.</summary>
public sealed class SlackApiTests : IAsyncLifetime
{
    private static readonly JsonElement OneBlock = JsonElement.Parse("""[{"type":"section","text":{"type":"mrkdwn","text":"*hello*"}}]""");
    private FakeSlackApi _slack = null!;
    private ServiceProvider _services = null!;

    private SlackApi Api => _services.GetRequiredService<SlackApi>();

    public async Task InitializeAsync()
    {
        _slack = await FakeSlackApi.StartAsync();
        _services = SlackTestServices.Create(_slack);
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _slack.DisposeAsync();
    }

    [Fact]
    public async Task PostMessageAsync_InAThread_SendsSlacksJsonShapeWithTheBotToken()
    {
        var posted = await Api.PostMessageAsync("C0123ABCD", new SlackMessage("hello", OneBlock), "1700000000.000100", CancellationToken.None);

        var call = Assert.Single(_slack.Calls);
        Assert.Equal("/api/chat.postMessage", call.Path);
        Assert.Equal($"Bearer {FakeSlackApi.DefaultBotToken}", call.Authorization);
        Assert.Equal("application/json; charset=utf-8", call.ContentType);
        Assert.Equal("C0123ABCD", call.Channel);
        Assert.Equal("hello", call.Text());
        Assert.Equal("1700000000.000100", call.ThreadTs);
        Assert.True(JsonElement.DeepEquals(OneBlock, call.Body.GetProperty("blocks")));
        Assert.Equal(new SlackPostedMessage("C0123ABCD", "1700000000.000100"), posted);
    }

    [Fact]
    public async Task PostMessageAsync_NoThreadNoBlocks_LeavesThemOut()
    {
        await Api.PostMessageAsync("C0123ABCD", new SlackMessage("just text"), null, CancellationToken.None);

        var body = Assert.Single(_slack.Calls).Body;
        Assert.Equal(["channel", "text"], body.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task PostMessageAsync_Twice_GetsIncreasingTs()
    {
        var first = await Api.PostMessageAsync("C0123ABCD", new SlackMessage("one"), null, CancellationToken.None);
        var second = await Api.PostMessageAsync("C0123ABCD", new SlackMessage("two"), null, CancellationToken.None);

        Assert.True(decimal.Parse(second.Ts, System.Globalization.CultureInfo.InvariantCulture) > decimal.Parse(first.Ts, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task UpdateMessageAsync_PostedMessage_SendsChannelTsTextAndBlocks()
    {
        var posted = await Api.PostMessageAsync("C0123ABCD", new SlackMessage("before", OneBlock), null, CancellationToken.None);

        await Api.UpdateMessageAsync(posted.Channel, posted.Ts, new SlackMessage("after", OneBlock), CancellationToken.None);

        var update = Assert.Single(_slack.CallsTo("chat.update"));
        Assert.True(update.Succeeded);
        Assert.Equal(["channel", "ts", "text", "blocks"], update.Body.EnumerateObject().Select(p => p.Name));
        Assert.Equal(("C0123ABCD", posted.Ts, "after"), (update.Channel, update.Ts, update.Text()));
        Assert.Single(update.Blocks);
    }

    [Fact]
    public async Task UpdateMessageAsync_WithoutBlocks_ClearsTheOldOnes()
    {
        var posted = await Api.PostMessageAsync("C0123ABCD", new SlackMessage("before", OneBlock), null, CancellationToken.None);

        await Api.UpdateMessageAsync(posted.Channel, posted.Ts, new SlackMessage("plain now"), CancellationToken.None);

        Assert.Equal(JsonValueKind.Array, _slack.CallsTo("chat.update").Single().Body.GetProperty("blocks").ValueKind);
        Assert.Empty(_slack.CallsTo("chat.update").Single().Blocks);
    }

    [Fact]
    public async Task PostEphemeralAsync_InAThread_SendsChannelUserTextAndThreadTs()
    {
        var ts = await Api.PostEphemeralAsync("C0123ABCD", "U012", "only you", "1700000000.000100", CancellationToken.None);

        var call = Assert.Single(_slack.CallsTo("chat.postEphemeral"));
        Assert.Equal(["channel", "user", "text", "thread_ts"], call.Body.EnumerateObject().Select(p => p.Name));
        Assert.Equal(("C0123ABCD", "U012", "only you", "1700000000.000100"), (call.Channel, call.Text("user"), call.Text(), call.ThreadTs));
        Assert.False(string.IsNullOrEmpty(ts));
    }

    [Fact]
    public async Task RespondAsync_Ephemeral_PostsToTheUrlWithoutTheBotToken()
    {
        await Api.RespondAsync(_slack.ResponseUrl("cmd-1"), new SlackMessage("Started run-42"), ephemeral: true, replaceOriginal: false, CancellationToken.None);

        var call = Assert.Single(_slack.Calls);
        Assert.Equal((FakeSlackApi.ResponseUrlMethod, "/response/cmd-1"), (call.Method, call.Path));
        Assert.Null(call.Authorization);
        Assert.Equal("Started run-42", call.Text());
        Assert.Equal("ephemeral", call.Text("response_type"));
        Assert.False(call.Body.GetProperty("replace_original").GetBoolean());
    }

    [Fact]
    public async Task RespondAsync_ReplaceOriginal_SendsReplaceWithoutResponseType()
    {
        await Api.RespondAsync(_slack.ResponseUrl("click-1"), new SlackMessage("Approved", OneBlock), ephemeral: false, replaceOriginal: true, CancellationToken.None);

        var call = Assert.Single(_slack.Calls);
        Assert.True(call.Body.GetProperty("replace_original").GetBoolean());
        Assert.Null(call.Text("response_type"));
        Assert.Single(call.Blocks);
    }

    [Fact]
    public async Task RespondAsync_InChannel_SendsInChannel()
    {
        await Api.RespondAsync(_slack.ResponseUrl("cmd-2"), new SlackMessage("for all"), ephemeral: false, replaceOriginal: false, CancellationToken.None);

        Assert.Equal("in_channel", _slack.Calls.Single().Text("response_type"));
    }

    [Fact]
    public async Task RespondAsync_ExpiredUrl_ThrowsNamingResponseUrlAndCode()
    {
        _slack.Fail(FakeSlackApi.ResponseUrlMethod, "expired_url");

        var e = await Assert.ThrowsAsync<SlackApiException>(() =>
            Api.RespondAsync(_slack.ResponseUrl("old"), new SlackMessage("late"), ephemeral: true, replaceOriginal: false, CancellationToken.None));

        Assert.Equal((SlackApi.ResponseUrl, "expired_url", 404, false), (e.Method, e.Error, e.HttpStatus, e.IsRetryable));
        Assert.Contains("30 minutes", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RespondAsync_PlainHttpToAnotherHost_IsRefusedBeforeSending()
    {
        await Assert.ThrowsAsync<ArgumentException>(() =>
            Api.RespondAsync("http://hooks.example.com/actions/1", new SlackMessage("x"), ephemeral: true, replaceOriginal: false, CancellationToken.None));

        Assert.Empty(_slack.Calls);
    }

    [Fact]
    public async Task PostMessageAsync_429_ThrowsRateLimitedWithRetryAfter()
    {
        _slack.RateLimitNext(1, retryAfterSeconds: 7);

        var e = await Assert.ThrowsAsync<ChatRateLimitedException>(() =>
            Api.PostMessageAsync("C0123ABCD", new SlackMessage("hi"), null, CancellationToken.None));

        Assert.Equal(TimeSpan.FromSeconds(7), e.RetryAfter);
        Assert.Contains("chat.postMessage", e.Message, StringComparison.Ordinal);
        Assert.Equal(429, _slack.Calls.Single().Status);
    }

    [Fact]
    public async Task UpdateMessageAsync_429WithoutRetryAfter_WaitsOneSecond()
    {
        var posted = await Api.PostMessageAsync("C0123ABCD", new SlackMessage("hi"), null, CancellationToken.None);
        _slack.RateLimitNext(1, retryAfterSeconds: null);

        var e = await Assert.ThrowsAsync<ChatRateLimitedException>(() =>
            Api.UpdateMessageAsync(posted.Channel, posted.Ts, new SlackMessage("again"), CancellationToken.None));

        Assert.Equal(TimeSpan.FromSeconds(1), e.RetryAfter);
    }

    [Fact]
    public async Task PostMessageAsync_ChannelNotFound_ThrowsNonRetryableNamingMethodAndCode()
    {
        _slack.Fail("chat.postMessage", "channel_not_found");

        var e = await Assert.ThrowsAsync<SlackApiException>(() =>
            Api.PostMessageAsync("C0NOPE", new SlackMessage("hi"), null, CancellationToken.None));

        Assert.Equal(("chat.postMessage", "channel_not_found"), (e.Method, e.Error));
        Assert.False(e.IsRetryable);
        Assert.StartsWith("Slack chat.postMessage failed with 'channel_not_found':", e.Message, StringComparison.Ordinal);
        Assert.Contains("check the channel id", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostMessageAsync_NotInChannel_SaysToInviteTheBot()
    {
        _slack.Fail("chat.postMessage", "not_in_channel");

        var e = await Assert.ThrowsAsync<SlackApiException>(() =>
            Api.PostMessageAsync("C0123ABCD", new SlackMessage("hi"), null, CancellationToken.None));

        Assert.False(e.IsRetryable);
        Assert.Contains("invite", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("internal_error")]
    [InlineData("fatal_error")]
    [InlineData("service_unavailable")]
    [InlineData("request_timeout")]
    [InlineData("ratelimited")]
    public async Task PostMessageAsync_TroubleOnSlacksSide_IsRetryable(string error)
    {
        _slack.Fail("chat.postMessage", error);

        var e = await Assert.ThrowsAsync<SlackApiException>(() =>
            Api.PostMessageAsync("C0123ABCD", new SlackMessage("hi"), null, CancellationToken.None));

        Assert.Equal(error, e.Error);
        Assert.True(e.IsRetryable);
    }

    [Fact]
    public async Task UpdateMessageAsync_UnknownTs_ThrowsMessageNotFound()
    {
        var e = await Assert.ThrowsAsync<SlackApiException>(() =>
            Api.UpdateMessageAsync("C0123ABCD", "1600000000.000001", new SlackMessage("x"), CancellationToken.None));

        Assert.Equal(("chat.update", "message_not_found", false), (e.Method, e.Error, e.IsRetryable));
    }

    [Fact]
    public async Task PostMessageAsync_WrongToken_MessageNamesTheBotTokenKey()
    {
        await using var other = await FakeSlackApi.StartAsync(botToken: "xoxb-another-token");
        await using var services = SlackTestServices.Create(other);

        var e = await Assert.ThrowsAsync<SlackApiException>(() =>
            services.GetRequiredService<SlackApi>().PostMessageAsync("C0123ABCD", new SlackMessage("hi"), null, CancellationToken.None));

        Assert.Equal("invalid_auth", e.Error);
        Assert.Contains("ChatFlows:Slack:BotToken", e.Message, StringComparison.Ordinal);
    }
}
