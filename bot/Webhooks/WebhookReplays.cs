using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace ChatFlows.Bot.Webhooks;

/// <summary>
/// The timestamped signatures seen within the signature window (README §Webhooks): the same signature again is a
/// replay and starts nothing. Entries are forgotten once their timestamp has left the window, when the timestamp
/// check refuses them anyway; the record is this instance's, so instances behind one address each keep their own.
/// </summary>
public sealed class WebhookReplays(IOptions<WebhookOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);
    private long _nextSweep;

    /// <summary>Records a signature of <paramref name="workflowId"/> made at <paramref name="timestamp"/>; false when it was seen already.</summary>
    public bool TryRecord(string workflowId, string signature, DateTimeOffset timestamp)
    {
        var now = time.GetUtcNow();
        Sweep(now);
        return _seen.TryAdd($"{workflowId}\n{signature.Trim().ToLowerInvariant()}", timestamp + options.Value.SignatureWindow);
    }

    private void Sweep(DateTimeOffset now)
    {
        var next = Interlocked.Read(ref _nextSweep);
        if (now.UtcTicks < next || Interlocked.CompareExchange(ref _nextSweep, now.UtcTicks + TimeSpan.TicksPerMinute, next) != next) return;
        foreach (var (key, forgetAt) in _seen)
        {
            if (forgetAt < now) _seen.TryRemove(key, out _);
        }
    }
}
