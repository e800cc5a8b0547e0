using ChatFlows.Bot.Chat;
using ChatFlows.Bot.Slack;
using ChatFlows.Bot.Teams;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ChatFlows.Bot.Tests.Chat;

/// <summary>The one retry policy of Slack and Teams, on a fake clock.</summary>
public sealed class ChatRetryPolicyTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));

    private ChatRetryPolicy Policy() => new(Options.Create(new ChatOptions { FirstRetryBackoff = TimeSpan.FromSeconds(1), MaxRetryBackoff = TimeSpan.FromSeconds(4) }), _time);

    [Fact]
    public async Task RunAsync_Slack5xxThenOk_TriesAgainAfterTheBackoff()
    {
        var calls = 0;
        var run = Policy().RunAsync(
            _ => ++calls < 3 ? throw new SlackApiException("chat.postMessage", "http_503", 503) : Task.FromResult("posted"),
            TimeSpan.FromMinutes(1), rateLimitsCount: true, CancellationToken.None);

        while (!run.IsCompleted)
        {
            _time.Advance(TimeSpan.FromMilliseconds(500));
            // Real time for the policy's continuation to run before the clock moves on: a yield alone let a busy machine
            // run the clock past the minute's budget before the second call was made.
            await Task.WhenAny(run, Task.Delay(20));
        }

        Assert.Equal("posted", await run);
        Assert.Equal(3, calls);
    }

    [Fact]
    public async Task RunAsync_TeamsRefusesForGood_ThrowsAtOnce()
    {
        var calls = 0;
        var e = await Assert.ThrowsAsync<TeamsConnectorException>(() => Policy().RunAsync<string>(
            _ =>
            {
                calls++;
                throw new TeamsConnectorException("send to 19:x", 403, "BotNotInConversationRoster", "not a member");
            },
            TimeSpan.FromMinutes(1), rateLimitsCount: true, CancellationToken.None));

        Assert.Equal(1, calls);
        Assert.Contains("403", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_RateLimitedLongerThanTheBudget_GivesUpOnlyWhenRateLimitsCount()
    {
        var policy = Policy();
        var limited = new ChatRateLimitedException(TimeSpan.FromMinutes(5), "Slack asks to wait 300 s.");

        await Assert.ThrowsAsync<ChatRateLimitedException>(() => policy.RunAsync<string>(_ => throw limited, TimeSpan.FromMinutes(1), rateLimitsCount: true, CancellationToken.None));

        var calls = 0;
        var card = policy.RunAsync(_ => ++calls < 2 ? throw limited : Task.FromResult("posted"), TimeSpan.FromMinutes(1), rateLimitsCount: false, CancellationToken.None);
        while (!card.IsCompleted)
        {
            _time.Advance(TimeSpan.FromSeconds(30));
            await Task.Yield();
        }
        Assert.Equal("posted", await card);
        Assert.True(_time.GetUtcNow() >= new DateTimeOffset(2026, 11, 24, 9, 5, 0, TimeSpan.Zero), "The whole Retry-After was waited out.");
    }
}
