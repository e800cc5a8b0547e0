using System.Collections.Concurrent;
using System.Globalization;

namespace ChatFlows.Core.Messaging;

/// <summary>Keeps the messages posted to one platform in memory, in order; for tests and for hosts without that platform's adapter.</summary>
public sealed class RecordingChatChannel(string platform) : IChatChannel
{
    private readonly ConcurrentQueue<ChatMessage> _messages = new();
    private long _next;

    /// <inheritdoc />
    public string Platform { get; } = platform;

    /// <summary>Every message posted so far, oldest first.</summary>
    public IReadOnlyList<ChatMessage> Messages => _messages.ToArray();

    /// <summary>Called for each message before it is recorded; a test can make posting fail by throwing here.</summary>
    public Action<ChatMessage>? OnPost { get; set; }

    /// <inheritdoc />
    public Task<PostedMessage> PostAsync(ChatMessage message, CancellationToken ct)
    {
        OnPost?.Invoke(message);
        _messages.Enqueue(message);
        var id = Interlocked.Increment(ref _next).ToString(CultureInfo.InvariantCulture);
        return Task.FromResult(new PostedMessage(message.Target, id));
    }
}
