using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ChatFlows.Bot.Tests;

/// <summary>
/// Every log line a host writes from <paramref name="minimum"/> up, with its exception and the scopes it was written
/// in: for tests that look for a warning, that count lines, and that prove a credential never reaches the logs.
/// </summary>
internal sealed class LogCollector(LogLevel minimum = LogLevel.Trace) : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<Entry> _entries = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    /// <summary>The messages so far, each with its exception.</summary>
    public IReadOnlyList<string> Messages => _entries.Select(e => e.Message).ToArray();

    /// <summary>Every line so far (level, category, message, exception, scopes), as one string.</summary>
    public string Text => string.Join('\n', _entries.Select(e => e.Line));

    /// <summary>Every line so far, in order.</summary>
    public IReadOnlyList<Entry> Entries => _entries.ToArray();

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, this);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    /// <summary>One line: its level, category, message (with the exception) and the named values of its scopes.</summary>
    public sealed record Entry(LogLevel Level, string Category, string Message, IReadOnlyList<KeyValuePair<string, object?>> Scope, string ScopeText)
    {
        public string Line => $"{Level} {Category}: {Message}{ScopeText}";

        /// <summary>The value of a named scope property (e.g. <c>RunId</c>); the innermost when scopes nest.</summary>
        public object? ScopeValue(string name) => Scope.LastOrDefault(p => p.Key == name).Value;
    }

    private sealed class Logger(string category, LogCollector owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel >= owner.Minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var values = new List<KeyValuePair<string, object?>>();
            var text = new System.Text.StringBuilder();
            owner._scopes.ForEachScope(
                (scope, _) =>
                {
                    text.Append(" => ").Append(scope);
                    if (scope is IEnumerable<KeyValuePair<string, object?>> pairs) values.AddRange(pairs);
                },
                (object?)null);
            owner._entries.Enqueue(new Entry(logLevel, category, formatter(state, exception) + exception, values, text.ToString()));
        }
    }

    private LogLevel Minimum { get; } = minimum;
}
