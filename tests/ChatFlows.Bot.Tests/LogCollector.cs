using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ChatFlows.Bot.Tests;

/// <summary>
/// Every log line a host writes from <paramref name="minimum"/> up, with its exception: for tests that look for a
/// warning, and for those that prove a credential never reaches the logs.
/// </summary>
internal sealed class LogCollector(LogLevel minimum = LogLevel.Trace) : ILoggerProvider
{
    private readonly ConcurrentQueue<(string Line, string Message)> _entries = new();

    /// <summary>The messages so far, each with its exception.</summary>
    public IReadOnlyList<string> Messages => _entries.Select(e => e.Message).ToArray();

    /// <summary>Every line so far (level, category, message, exception, scopes), as one string.</summary>
    public string Text => string.Join('\n', _entries.Select(e => e.Line));

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, minimum, _entries);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, LogLevel minimum, ConcurrentQueue<(string, string)> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull
        {
            entries.Enqueue(($"{category} scope: {state}", $"scope: {state}"));
            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var message = formatter(state, exception) + exception;
            entries.Enqueue(($"{logLevel} {category}: {message}", message));
        }
    }
}
