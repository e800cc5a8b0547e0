using ChatFlows.Core.Nodes;

namespace ChatFlows.Core.Messaging;

/// <summary>Routes a message to the adapter of its platform (the prefix of its target).</summary>
public sealed class ChatChannels
{
    private readonly Dictionary<string, IChatChannel> _channels;
    private readonly IChatChannel? _fallback;

    /// <summary>
    /// Routes to <paramref name="channels"/> by platform; <paramref name="fallback"/> takes every other platform
    /// (the CLI prints all messages).
    /// </summary>
    public ChatChannels(IEnumerable<IChatChannel> channels, IChatChannel? fallback = null)
    {
        _channels = channels.ToDictionary(c => c.Platform, StringComparer.Ordinal);
        _fallback = fallback;
    }

    /// <summary>True when a message to <paramref name="platform"/> has somewhere to go.</summary>
    public bool Serves(string platform) => _fallback is not null || _channels.ContainsKey(platform);

    /// <summary>Posts through the platform's adapter.</summary>
    public Task<PostedMessage> PostAsync(ChatMessage message, CancellationToken ct)
    {
        if (_channels.TryGetValue(message.Platform, out var channel)) return channel.PostAsync(message, ct);
        if (_fallback is not null) return _fallback.PostAsync(message, ct);
        throw new NodeException(message.Platform switch
        {
            "slack" => $"Cannot post to {message.Target}: Slack is not connected; set ChatFlows:Slack:BotToken and ChatFlows:Slack:SigningSecret (see README, Connect Slack).",
            "teams" => $"Cannot post to {message.Target}: Teams is not connected; set ChatFlows:Teams:AppId and ChatFlows:Teams:AppPassword (see README, Connect Teams).",
            _ => $"Cannot post to {message.Target}: no chat adapter serves '{message.Platform}' here.",
        });
    }
}
