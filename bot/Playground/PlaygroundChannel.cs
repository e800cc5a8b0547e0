using System.Globalization;
using System.Text.Json;
using ChatFlows.Bot.Cards;
using ChatFlows.Bot.Chat;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Messaging;
using ChatFlows.Core.Nodes;

namespace ChatFlows.Bot.Playground;

/// <summary>
/// The Playground as a chat platform: what runs post (messages, progress and approval cards) is stored as the bot's
/// messages and pushed live to every open page. Channels are <c>playground:&lt;name&gt;</c>, threads
/// <c>playground:&lt;name&gt;#&lt;root message id&gt;</c>.
/// </summary>
public sealed class PlaygroundChannel(PlaygroundStore store, PlaygroundFeed feed) : IChatPresenter, IThreadHistory
{
    /// <summary>The platform prefix of Playground addresses.</summary>
    public const string PlatformName = "playground";

    /// <summary>The author of everything runs post.</summary>
    public const string BotAuthor = "ChatFlows";

    private const string Prefix = PlatformName + ":";

    // How people mention the bot; message triggers see the text without it, and so does an agent reading the thread.
    private const string MentionOfBot = "@" + BotAuthor;

    /// <inheritdoc cref="IChatChannel.Platform" />
    public string Platform => PlatformName;

    /// <summary>
    /// The address of <paramref name="channel"/> (<c>playground:general</c>), or of the thread started by
    /// <paramref name="rootId"/> in it (<c>playground:general#12</c>).
    /// </summary>
    public static string AddressOf(string channel, long? rootId = null) =>
        rootId is { } id ? $"{Prefix}{channel}#{id.ToString(CultureInfo.InvariantCulture)}" : Prefix + channel;

    /// <inheritdoc />
    public Task<PostedMessage> PostAsync(ChatMessage message, CancellationToken ct) =>
        ChatMetrics.DeliverAsync(Platform, AddAsync(message.Target, message.Text, message.Card, message.RunId, ct));

    /// <inheritdoc />
    public Task<PostedMessage> PostProgressAsync(string target, ProgressView view, CancellationToken ct) =>
        ChatMetrics.DeliverAsync(Platform, AddAsync(target, null, ProgressCard.Render(view).ToJson(), view.RunId, ct));

    /// <inheritdoc />
    public Task UpdateProgressAsync(PostedMessage message, ProgressView view, CancellationToken ct) =>
        ChatMetrics.DeliverAsync(Platform, UpdateCardAsync(message, ProgressCard.Render(view).ToJson(), ct));

    /// <inheritdoc />
    public string ThreadOf(PostedMessage progress) =>
        progress.Target.Contains('#', StringComparison.Ordinal) ? progress.Target : $"{progress.Target}#{progress.MessageId}";

    /// <inheritdoc />
    public Task<PostedMessage> PostApprovalAsync(string thread, ApprovalView view, CancellationToken ct) =>
        ChatMetrics.DeliverAsync(Platform, AddAsync(thread, null, ApprovalCard.Render(view).ToJson(), view.RunId, ct));

    /// <inheritdoc />
    public Task UpdateApprovalAsync(PostedMessage message, ApprovalView view, CancellationToken ct) =>
        ChatMetrics.DeliverAsync(Platform, UpdateCardAsync(message, ApprovalCard.Render(view).ToJson(), ct));

    /// <summary>
    /// The thread's root and replies that have text (cards are left out: they show a run, not what was said), people's
    /// as themselves (<c>playground:&lt;name&gt;</c>, without the mention of the bot) and the bot's marked as its own.
    /// </summary>
    public async Task<IReadOnlyList<ThreadMessage>> ReadThreadAsync(string thread, int limit, CancellationToken ct)
    {
        var (_, threadId) = Parse(thread);
        if (threadId is not { } rootId || await store.GetThreadAsync(rootId, ct) is not { } found) return [];
        return new[] { found.Root }.Concat(found.Replies)
            .Where(m => !string.IsNullOrWhiteSpace(m.Text))
            .Select(m => new ThreadMessage(
                m.FromBot ? m.Text! : m.Text!.Replace(MentionOfBot, "", StringComparison.OrdinalIgnoreCase).Trim(),
                m.FromBot, m.FromBot ? null : Prefix + m.Author, m.Id.ToString(CultureInfo.InvariantCulture)))
            .TakeLast(limit)
            .ToArray();
    }

    /// <summary>
    /// A progress card is the first card of its run in its channel or thread, so one stored before a crash is found
    /// by the run's id; an approval card is posted again (its post and record are a moment apart on one database).
    /// </summary>
    public async Task<PostedMessage?> FindCardAsync(string target, ChatCard card, DateTimeOffset since, CancellationToken ct)
    {
        if (card.Kind != ChatCard.Progress) return null;
        var (channel, threadId) = Parse(target);
        var id = await store.FindRunCardAsync(channel, threadId, card.RunId, since - TimeSpan.FromSeconds(1), ct);
        return id is { } found ? new PostedMessage(target, found.ToString(CultureInfo.InvariantCulture)) : null;
    }

    private async Task<PostedMessage> AddAsync(string target, string? text, JsonElement? card, string? runId, CancellationToken ct)
    {
        var (channel, threadId) = Parse(target);
        if (threadId is { } rootId)
        {
            var root = await store.GetAsync(rootId, ct);
            if (root is null || root.Channel != channel || root.ThreadId is not null)
            {
                throw new NodeException($"Cannot post to {target}: the Playground channel #{channel} has no thread {rootId}.");
            }
        }
        else
        {
            // A workflow may name a channel nobody opened yet; it appears in the channel list with its first message.
            await store.CreateChannelAsync(channel, ct);
        }
        var added = await store.AddAsync(channel, threadId, BotAuthor, fromBot: true, text, card, runId, ct);
        feed.Publish(new PlaygroundFeedEvent(PlaygroundFeedEvent.Created, added));
        return new PostedMessage(target, added.Id.ToString(CultureInfo.InvariantCulture));
    }

    private async Task UpdateCardAsync(PostedMessage message, JsonElement card, CancellationToken ct)
    {
        if (!long.TryParse(message.MessageId, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            throw new NodeException($"Cannot update message '{message.MessageId}' in {message.Target}: Playground message ids are numbers.");
        }
        var updated = await store.UpdateAsync(id, null, card, ct)
            ?? throw new NodeException($"Cannot update message {id} in {message.Target}: the Playground has no such message.");
        feed.Publish(new PlaygroundFeedEvent(PlaygroundFeedEvent.Updated, updated));
    }

    private static (string Channel, long? ThreadId) Parse(string target)
    {
        var hash = target.IndexOf('#', StringComparison.Ordinal);
        var channelAddress = hash < 0 ? target : target[..hash];
        if (!channelAddress.StartsWith(Prefix, StringComparison.Ordinal)
            || !ChannelAddress.TryParse(channelAddress, out var address, out _))
        {
            throw new NodeException($"Cannot post to {target}: it is not a Playground address (playground:<channel> or playground:<channel>#<message id>).");
        }
        if (hash < 0) return (address.Id, null);
        if (!long.TryParse(target.AsSpan(hash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var rootId) || rootId <= 0)
        {
            throw new NodeException($"Cannot post to {target}: '{target[(hash + 1)..]}' is not a Playground message id.");
        }
        return (address.Id, rootId);
    }
}
