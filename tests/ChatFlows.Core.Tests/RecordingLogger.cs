using Microsoft.Extensions.Logging;

namespace ChatFlows.Core.Tests;

/// <summary>A logger that keeps what a component writes to it, for tests of what it reports and when.</summary>
internal sealed class RecordingLogger<T> : ILogger<T>
{
    private readonly List<(LogLevel Level, string Message)> _entries = [];
    private readonly List<(string Text, TaskCompletionSource Written)> _awaited = [];

    /// <summary>The warnings written so far, in order.</summary>
    public IReadOnlyList<string> Warnings
    {
        get
        {
            lock (_entries) return [.. _entries.Where(e => e.Level == LogLevel.Warning).Select(e => e.Message)];
        }
    }

    /// <summary>Completes once a message containing <paramref name="text"/> has been written.</summary>
    public Task WrittenAsync(string text)
    {
        var written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_entries)
        {
            if (_entries.Any(e => e.Message.Contains(text, StringComparison.Ordinal))) written.SetResult();
            else _awaited.Add((text, written));
        }
        return written.Task;
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var message = formatter(state, exception);
        lock (_entries)
        {
            _entries.Add((logLevel, message));
            foreach (var (text, written) in _awaited)
            {
                if (message.Contains(text, StringComparison.Ordinal)) written.TrySetResult();
            }
        }
    }
}
