namespace ChatFlows.Bot.Chat;

/// <summary>
/// Turns a burst of updates to one message into at most one delivery per interval, always delivering the last
/// state: a run's dozens of node events become a few card updates (Slack allows about one chat.update per second
/// per channel). Deliveries to one message never overlap and keep their order. A platform's "wait" (429 with
/// Retry-After) delays the next delivery; nothing is dropped. Other failures are retried a few times, then
/// reported and given up, unless a newer state comes. A permanent failure (the message or channel is gone) is
/// reported at once, and later states of that message are not tried for <see cref="RefusedFor"/>.
/// </summary>
/// <typeparam name="TState">What is delivered: the newest submitted state replaces an undelivered older one.</typeparam>
public sealed partial class UpdateCoalescer<TState>(
    Func<string, TState, CancellationToken, Task> deliver, TimeSpan interval, TimeProvider time, ILogger logger)
{
    /// <summary>How many times a delivery that failed for a reason other than a rate limit is tried in all.</summary>
    public const int MaxAttempts = 4;

    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    // Messages refused for good, until when: a run's later states would only be refused again.
    private readonly Dictionary<string, DateTimeOffset> _refused = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Called when a state could not be delivered after <see cref="MaxAttempts"/> tries, or at once for a permanent failure.</summary>
    public Func<string, Exception, Task>? OnGaveUp { get; init; }

    /// <summary>Failures that no retry can mend (a deleted channel, a revoked token): given up at the first one.</summary>
    public Func<Exception, bool>? IsPermanent { get; init; }

    /// <summary>The chat platforms' retry policy: its backoff spaces the tries after a failure (else the interval, doubling).</summary>
    public ChatRetryPolicy? Retry { get; init; }

    /// <summary>How long a message refused for good takes no new states (then one more try is made).</summary>
    public TimeSpan RefusedFor { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Queues <paramref name="state"/> for message <paramref name="key"/>, replacing any state not yet delivered.</summary>
    public void Submit(string key, TState state)
    {
        lock (_gate)
        {
            if (_refused.TryGetValue(key, out var until) && until > time.GetUtcNow()) return;
            if (!_entries.TryGetValue(key, out var entry)) _entries[key] = entry = new Entry();
            entry.Pending = state;
            entry.HasPending = true;
            entry.Attempts = 0;
            if (entry.Loop is not null) return;
            entry.Loop = Task.Run(() => DeliverAsync(key, entry));
        }
    }

    private async Task DeliverAsync(string key, Entry entry)
    {
        while (true)
        {
            TState state;
            TimeSpan wait;
            lock (_gate)
            {
                wait = entry.NextAt - time.GetUtcNow();
                // The entry outlives its last delivery by one interval, so that a state submitted just after still waits its turn.
                if (!entry.HasPending && wait <= TimeSpan.Zero)
                {
                    entry.Loop = null;
                    _entries.Remove(key);
                    return;
                }
            }
            if (wait > TimeSpan.Zero) await Task.Delay(wait, time);
            lock (_gate)
            {
                if (!entry.HasPending) continue;
                state = entry.Pending!;
                entry.HasPending = false;
            }

            try
            {
                await deliver(key, state, CancellationToken.None);
                lock (_gate) entry.NextAt = time.GetUtcNow() + interval;
            }
            catch (ChatRateLimitedException e)
            {
                LogRateLimited(key, e.RetryAfter.TotalMilliseconds);
                Requeue(entry, state, Max(e.RetryAfter, interval), countsAsAttempt: false);
            }
            catch (Exception e)
            {
                var backoff = Retry is { } policy ? Max(policy.WaitAfter(e, entry.Attempts + 1), interval) : interval * (1 << Math.Min(entry.Attempts, 5));
                var attempts = Requeue(entry, state, backoff, countsAsAttempt: true);
                if (IsPermanent?.Invoke(e) == true)
                {
                    lock (_gate)
                    {
                        Refuse(key);
                        entry.Attempts = MaxAttempts;
                    }
                    attempts = MaxAttempts;
                }
                if (attempts >= MaxAttempts)
                {
                    LogGaveUp(e, key, attempts);
                    lock (_gate)
                    {
                        // Given up unless a newer state arrived meanwhile, which is tried afresh (not after a refusal for good).
                        if (entry.Attempts >= MaxAttempts || _refused.ContainsKey(key)) entry.HasPending = false;
                    }
                    if (OnGaveUp is { } report) await report(key, e);
                }
                else
                {
                    LogFailed(e, key, attempts);
                }
            }
        }
    }

    // Called under the lock: no state of this message is tried again for a while, and old refusals are forgotten.
    private void Refuse(string key)
    {
        var now = time.GetUtcNow();
        foreach (var expired in _refused.Where(r => r.Value <= now).Select(r => r.Key).ToArray()) _refused.Remove(expired);
        _refused[key] = now + RefusedFor;
    }

    // Puts a state that did not land back, unless a newer one is already waiting.
    private int Requeue(Entry entry, TState state, TimeSpan after, bool countsAsAttempt)
    {
        lock (_gate)
        {
            if (!entry.HasPending)
            {
                entry.Pending = state;
                entry.HasPending = true;
                if (countsAsAttempt) entry.Attempts++;
            }
            entry.NextAt = time.GetUtcNow() + after;
            return entry.Attempts;
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private sealed class Entry
    {
        public TState? Pending;
        public bool HasPending;
        public int Attempts;
        public DateTimeOffset NextAt = DateTimeOffset.MinValue;
        public Task? Loop;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Update of {Key} delayed {RetryAfterMs} ms: the chat platform asked to wait")]
    private partial void LogRateLimited(string key, double retryAfterMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Update of {Key} failed (attempt {Attempt}); it will be tried again")]
    private partial void LogFailed(Exception exception, string key, int attempt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Update of {Key} given up after {Attempts} attempts")]
    private partial void LogGaveUp(Exception exception, string key, int attempts);
}
