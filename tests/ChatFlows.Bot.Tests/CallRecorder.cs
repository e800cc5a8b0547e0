namespace ChatFlows.Bot.Tests;

/// <summary>
/// What a fake server on loopback received, in order, for tests to read and to wait for without sleeping. Safe to
/// record from request handlers while a test waits.
/// </summary>
/// <param name="describe">How one call is shown when a wait times out, so the failure says what did arrive.</param>
public sealed class CallRecorder<T>(Func<T, string> describe)
{
    private readonly List<T> _calls = [];
    private readonly Lock _gate = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Every call so far, in order.</summary>
    public IReadOnlyList<T> All
    {
        get
        {
            lock (_gate) return _calls.ToArray();
        }
    }

    /// <summary>Records the call <paramref name="create"/> makes from its position (0 for the first) and wakes waiters.</summary>
    public void Add(Func<int, T> create)
    {
        lock (_gate)
        {
            _calls.Add(create(_calls.Count));
            _changed.TrySetResult();
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>Waits until a recorded call satisfies <paramref name="match"/>, and returns it.</summary>
    public async Task<T> WaitForAsync(Func<T, bool> match, TimeSpan timeout, string what)
    {
        using var cancel = new CancellationTokenSource(timeout);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_calls.FirstOrDefault(match) is { } found) return found;
                changed = _changed.Task;
            }
            try
            {
                await changed.WaitAsync(cancel.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"No matching {what}; received: {string.Join("; ", All.Select(describe))}.");
            }
        }
    }
}
