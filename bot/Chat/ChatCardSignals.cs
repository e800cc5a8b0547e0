namespace ChatFlows.Bot.Chat;

/// <summary>
/// Wakes the <see cref="ChatCardPoster"/> when a card was recorded to be posted, or a progress card landed (so the
/// approval cards waiting for its thread can go). Without a wake the poster still looks every
/// <see cref="ChatCardPoster.SweepInterval"/>.
/// </summary>
public sealed class ChatCardSignals
{
    private readonly SemaphoreSlim _wake = new(0, 1);

    /// <summary>Asks the poster to look at the outbox now.</summary>
    public void Wake()
    {
        try
        {
            if (_wake.CurrentCount == 0) _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already woken.
        }
    }

    /// <summary>Waits until woken or <paramref name="timeout"/> passes.</summary>
    public Task WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken ct) =>
        Task.WhenAny(_wake.WaitAsync(ct), Task.Delay(timeout, time, ct));
}
