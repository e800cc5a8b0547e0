using System.Collections.Concurrent;
using System.Diagnostics;
using ChatFlows.Bot.Chat;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace ChatFlows.Bot.Tests.Chat;

public sealed class UpdateCoalescerTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));
    private readonly ConcurrentQueue<(string Key, int State, DateTimeOffset At)> _delivered = new();

    [Fact]
    public async Task Submit_BurstOf100_GivesFewUpdatesAndTheLastIsFinal()
    {
        var coalescer = Coalescer();

        for (var state = 1; state <= 100; state++) coalescer.Submit("run-1", state);
        await ClockUntilAsync(() => _delivered.Any(d => d.State == 100));

        var states = _delivered.Select(d => d.State).ToArray();
        Assert.InRange(states.Length, 1, 3);
        Assert.Equal(100, states[^1]);
        Assert.Equal(states.Order(), states);
        AssertSpacedByInterval();
    }

    [Fact]
    public async Task Submit_StateJustAfterADelivery_WaitsOneInterval()
    {
        var coalescer = Coalescer();
        coalescer.Submit("run-1", 1);
        await UntilAsync(() => _delivered.Count == 1);

        coalescer.Submit("run-1", 2);
        await Task.Delay(50);
        Assert.Single(_delivered);

        await ClockUntilAsync(() => _delivered.Count == 2);
        Assert.Equal(2, _delivered.Last().State);
        AssertSpacedByInterval();
    }

    [Fact]
    public async Task Submit_TwoMessages_AreUpdatedIndependently()
    {
        var coalescer = Coalescer();

        coalescer.Submit("run-1", 1);
        coalescer.Submit("run-2", 1);

        await UntilAsync(() => _delivered.Count == 2);
        Assert.Equal(["run-1", "run-2"], _delivered.Select(d => d.Key).Order());
    }

    [Fact]
    public async Task Submit_PlatformAsksToWait_DelaysThenDeliversTheNewestState()
    {
        var calls = 0;
        var coalescer = Coalescer((key, state) =>
        {
            if (Interlocked.Increment(ref calls) <= 2) throw new ChatRateLimitedException(TimeSpan.FromSeconds(5), "429 Too Many Requests");
        });
        var started = _time.GetUtcNow();

        coalescer.Submit("run-1", 1);
        await UntilAsync(() => Volatile.Read(ref calls) == 1);
        coalescer.Submit("run-1", 2);
        await ClockUntilAsync(() => _delivered.Count == 1);

        Assert.Equal(2, _delivered.Single().State);
        Assert.True(_delivered.Single().At - started >= TimeSpan.FromSeconds(10), "Each Retry-After of 5 s was waited out.");
    }

    [Fact]
    public async Task Submit_DeliveryKeepsFailing_GivesUpAfterMaxAttemptsAndReports()
    {
        var calls = 0;
        var reported = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        var coalescer = new UpdateCoalescer<int>(
            (_, _, _) => { Interlocked.Increment(ref calls); throw new HttpRequestException("channel_not_found"); },
            Interval, _time, NullLogger.Instance)
        {
            OnGaveUp = (_, e) => { reported.TrySetResult(e); return Task.CompletedTask; },
        };

        coalescer.Submit("run-1", 1);
        await ClockUntilAsync(() => reported.Task.IsCompleted);

        Assert.Equal(UpdateCoalescer<int>.MaxAttempts, Volatile.Read(ref calls));
        Assert.Equal("channel_not_found", (await reported.Task).Message);
    }

    [Fact]
    public async Task Submit_PlatformRefusesForGood_ReportsOnceAndTriesNoLaterState()
    {
        var calls = new ConcurrentQueue<(string Key, int State)>();
        var reports = 0;
        var coalescer = new UpdateCoalescer<int>(
            (key, state, _) =>
            {
                calls.Enqueue((key, state));
                return key == "gone" ? throw new HttpRequestException("message_not_found") : Task.CompletedTask;
            },
            Interval, _time, NullLogger.Instance)
        {
            IsPermanent = e => e.Message == "message_not_found",
            OnGaveUp = (_, _) => { Interlocked.Increment(ref reports); return Task.CompletedTask; },
        };

        coalescer.Submit("gone", 1);
        await ClockUntilAsync(() => Volatile.Read(ref reports) == 1);
        coalescer.Submit("gone", 2);
        coalescer.Submit("alive", 1);
        await ClockUntilAsync(() => calls.Any(c => c.Key == "alive"));
        _time.Advance(Interval * 5);
        await Task.Delay(50);

        Assert.Equal([("gone", 1), ("alive", 1)], calls.ToArray());
        Assert.Equal(1, Volatile.Read(ref reports));

        // After a while the message gets one more chance (a channel the bot was invited back to, say).
        _time.Advance(TimeSpan.FromHours(1));
        coalescer.Submit("gone", 3);
        await ClockUntilAsync(() => calls.Any(c => c == ("gone", 3)));
    }

    private UpdateCoalescer<int> Coalescer(Action<string, int>? before = null) => new(
        (key, state, _) =>
        {
            before?.Invoke(key, state);
            _delivered.Enqueue((key, state, _time.GetUtcNow()));
            return Task.CompletedTask;
        },
        Interval, _time, NullLogger.Instance);

    private void AssertSpacedByInterval()
    {
        var times = _delivered.Select(d => d.At).ToArray();
        for (var i = 1; i < times.Length; i++) Assert.True(times[i] - times[i - 1] >= Interval, $"Deliveries {i - 1} and {i} are {times[i] - times[i - 1]} apart.");
    }

    // The coalescer waits on the fake clock; move it on in small steps until the condition holds.
    private async Task ClockUntilAsync(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "The expected deliveries did not happen.");
            _time.Advance(TimeSpan.FromMilliseconds(250));
            await Task.Delay(5);
        }
    }

    private static async Task UntilAsync(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "The expected deliveries did not happen.");
            await Task.Delay(5);
        }
    }
}
