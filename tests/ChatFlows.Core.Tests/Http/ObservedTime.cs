using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace ChatFlows.Core.Tests.Http;

/// <summary>
/// A fake clock that tells when something starts waiting on it (a retry delay, a timeout), so a test can advance it
/// right after the wait begins, never before, and see how long the wait is.
/// </summary>
internal sealed class ObservedTime() : FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero))
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly Channel<TimeSpan> _timers = Channel.CreateUnbounded<TimeSpan>();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        _timers.Writer.TryWrite(dueTime);
        return timer;
    }

    /// <summary>Waits until a timer due after <paramref name="due"/> has been started.</summary>
    public async Task TimerStartedAsync(TimeSpan due)
    {
        using var patience = new CancellationTokenSource(Patience);
        while (await _timers.Reader.ReadAsync(patience.Token) != due)
        {
        }
    }

    /// <summary>Waits until a timer has been started that is not due after any of <paramref name="others"/>, and returns its due time.</summary>
    public async Task<TimeSpan> TimerStartedOtherThanAsync(params TimeSpan[] others)
    {
        using var patience = new CancellationTokenSource(Patience);
        while (true)
        {
            var due = await _timers.Reader.ReadAsync(patience.Token);
            if (!others.Contains(due) && due != Timeout.InfiniteTimeSpan) return due;
        }
    }
}
