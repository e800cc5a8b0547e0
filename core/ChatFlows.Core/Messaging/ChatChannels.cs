using ChatFlows.Core.Nodes;

namespace ChatFlows.Core.Messaging;

/// <summary>
/// The one registry of chat platforms: routes a message to the adapter of its platform (the prefix of its target),
/// and finds a platform's adapter for an address. A target <c>card:&lt;run id&gt;</c> (the thread of the run's
/// progress card) is resolved first, waiting until that card is posted.
/// </summary>
public sealed class ChatChannels
{
    /// <summary>The pseudo-platform of <c>card:&lt;run id&gt;</c>, the thread of a run's progress card.</summary>
    public const string CardPlatform = "card";

    private const string CardPrefix = CardPlatform + ":";

    private readonly Dictionary<string, IChatChannel> _channels;
    private readonly IChatChannel? _fallback;
    private readonly ICardThreads? _cardThreads;

    /// <summary>
    /// Routes to <paramref name="channels"/> by platform; <paramref name="fallback"/> takes every other platform
    /// (the CLI prints all messages); <paramref name="cardThreads"/> resolves <c>card:</c> targets.
    /// </summary>
    public ChatChannels(IEnumerable<IChatChannel> channels, IChatChannel? fallback = null, ICardThreads? cardThreads = null)
    {
        _channels = channels.ToDictionary(c => c.Platform, StringComparer.Ordinal);
        _fallback = fallback;
        _cardThreads = cardThreads;
    }

    /// <summary>The address of the thread of run <paramref name="runId"/>'s progress card: <c>card:&lt;run id&gt;</c>.</summary>
    public static string CardThreadOf(string runId) => CardPrefix + runId;

    /// <summary>The run whose card thread <paramref name="address"/> names, or null for any other address.</summary>
    public static string? CardRunOf(string? address) =>
        address is not null && address.StartsWith(CardPrefix, StringComparison.Ordinal) && address.Length > CardPrefix.Length ? address[CardPrefix.Length..] : null;

    /// <summary>The platform prefix of an address (<c>slack</c> for <c>slack:C0123</c>), or empty.</summary>
    public static string PlatformOf(string address) => address[..Math.Max(0, address.IndexOf(':', StringComparison.Ordinal))];

    /// <summary>True when a message to <paramref name="platform"/> has somewhere to go.</summary>
    public bool Serves(string platform) => _fallback is not null || _channels.ContainsKey(platform) || (platform == CardPlatform && _cardThreads is not null);

    /// <summary>The adapter serving <paramref name="address"/>'s platform as a <typeparamref name="T"/>, or null when none does.</summary>
    public T? For<T>(string address) where T : class, IChatChannel =>
        _channels.TryGetValue(PlatformOf(address), out var channel) ? channel as T : null;

    /// <summary>
    /// The real address of <paramref name="address"/>: a <c>card:</c> thread once its card is posted (waiting for it),
    /// any other address as it is.
    /// </summary>
    public async Task<string> ResolveAsync(string address, CancellationToken ct)
    {
        if (CardRunOf(address) is not { } runId) return address;
        if (_cardThreads is null) throw new NodeException($"Cannot post to {address}: the thread of a run's card is known only to the chat host.");
        return await _cardThreads.ResolveAsync(runId, this, ct);
    }

    /// <summary>Posts through the platform's adapter.</summary>
    public async Task<PostedMessage> PostAsync(ChatMessage message, CancellationToken ct)
    {
        if (CardRunOf(message.Target) is not null) message = message with { Target = await ResolveAsync(message.Target, ct) };
        if (_channels.TryGetValue(message.Platform, out var channel)) return await channel.PostAsync(message, ct);
        if (_fallback is not null) return await _fallback.PostAsync(message, ct);
        throw new NodeException(message.Platform switch
        {
            "slack" => $"Cannot post to {message.Target}: Slack is not connected; set ChatFlows:Slack:BotToken and ChatFlows:Slack:SigningSecret (see README, Connect Slack).",
            "teams" => $"Cannot post to {message.Target}: Teams is not connected; set ChatFlows:Teams:AppId and ChatFlows:Teams:AppPassword (see README, Connect Teams).",
            _ => $"Cannot post to {message.Target}: no chat adapter serves '{message.Platform}' here.",
        });
    }
}
