using ChatFlows.Core.Storage;

namespace ChatFlows.Core.Telemetry;

/// <summary>
/// The number of waiting runs for <c>chatflows.runs.waiting</c>: a scrape is answered from the last count, and starts
/// a new one in the background when that count is older than <paramref name="maxAge"/>, so scrapes never wait for the
/// database and never query it more than once per <paramref name="maxAge"/>.
/// </summary>
internal sealed class WaitingRunsCount(IRunStore store, TimeProvider time, TimeSpan maxAge)
{
    private long _value = -1;
    private long _countedAt;
    private int _counting;

    /// <summary>The count under way, or the last one: lets tests wait for it.</summary>
    internal Task Counting { get; private set; } = Task.CompletedTask;

    /// <summary>The last count, or null before the first one came back.</summary>
    public long? Current()
    {
        var value = Volatile.Read(ref _value);
        var stale = value < 0 || time.GetElapsedTime(Volatile.Read(ref _countedAt)) >= maxAge;
        if (stale && Interlocked.Exchange(ref _counting, 1) == 0) Counting = CountAsync();
        return value < 0 ? null : value;
    }

    private async Task CountAsync()
    {
        try
        {
            var value = await store.CountWaitingAsync(CancellationToken.None);
            Volatile.Write(ref _countedAt, time.GetTimestamp());
            Volatile.Write(ref _value, value);
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
        {
            // The last count stands; the next scrape asks again.
        }
        finally
        {
            Volatile.Write(ref _counting, 0);
        }
    }
}
