using System.Collections.Concurrent;
using ChatFlows.Bot.Cards;
using ChatFlows.Bot.Chat;
using ChatFlows.Core.Messaging;
using ChatFlows.Core.Nodes;

namespace ChatFlows.Bot.Teams;

/// <summary>
/// Teams as a chat platform: progress and approval cards as Adaptive Cards, updated in place through the Connector,
/// and what runs post (<c>output/message</c>, digests) as Markdown or cards. Addresses are <c>teams:&lt;conversation
/// id&gt;</c> and, for a channel thread, <c>teams:&lt;channel conversation id&gt;;messageid=&lt;root id&gt;</c> (see
/// <see cref="TeamsAddress"/>). Every conversation is reached through its stored conversation reference, which names
/// its Connector (<c>serviceUrl</c>).
/// </summary>
public sealed class TeamsPresenter(TeamsConnector connector, TeamsConversations conversations, TeamsDeciders deciders, ChatRetryPolicy retry) : IChatPresenter
{
    // The kind of each conversation looked up, so ThreadOf knows a channel (threads) from a chat (none) without a query.
    private readonly ConcurrentDictionary<string, string> _kinds = new(StringComparer.Ordinal);

    /// <inheritdoc cref="IChatChannel.Platform" />
    public string Platform => TeamsAddress.Platform;

    /// <inheritdoc />
    public Task<PostedMessage> PostProgressAsync(string target, ProgressView view, CancellationToken ct) =>
        ChatMetrics.DeliverAsync(Platform, PostCardAsync(target, ProgressCard.Render(view), ct));

    /// <inheritdoc />
    public Task UpdateProgressAsync(PostedMessage message, ProgressView view, CancellationToken ct) =>
        ChatMetrics.DeliverAsync(Platform, UpdateCardAsync(message, ProgressCard.Render(view), ct));

    /// <summary>
    /// A card posted in a channel starts a thread (the channel id with <c>;messageid=</c> the card's id); in a chat,
    /// which has no threads, everything goes to the chat itself.
    /// </summary>
    public string ThreadOf(PostedMessage progress)
    {
        var address = Parse(progress.Target);
        if (address.ThreadRootId is not null) return progress.Target;
        var kind = _kinds.TryGetValue(address.ConversationId, out var known) ? known : GuessKind(address.ConversationId);
        return kind == TeamsConversationReference.Channel ? address.InThread(progress.MessageId).ToString() : progress.Target;
    }

    /// <inheritdoc />
    public async Task<PostedMessage> PostApprovalAsync(string thread, ApprovalView view, CancellationToken ct) =>
        await ChatMetrics.DeliverAsync(Platform, PostCardAsync(thread, TeamsApprovalCard.Render(view, await RefreshForAsync(thread, view, ct)), ct));

    /// <inheritdoc />
    public async Task UpdateApprovalAsync(PostedMessage message, ApprovalView view, CancellationToken ct) =>
        await ChatMetrics.DeliverAsync(Platform, UpdateCardAsync(message, TeamsApprovalCard.Render(view, await RefreshForAsync(message.Target, view, ct)), ct));

    /// <summary>
    /// The Bot Connector cannot read messages back (it has no "list activities"; reading a channel needs Microsoft
    /// Graph with ChannelMessage.Read.Group, which this bot does not ask for), so a card whose post answer was lost
    /// cannot be found: null, and it is posted again (README, Chat cards).
    /// </summary>
    public Task<PostedMessage?> FindCardAsync(string target, ChatCard card, DateTimeOffset since, CancellationToken ct) => Task.FromResult<PostedMessage?>(null);

    /// <summary>
    /// Posts a run's message: its text as Markdown and its card as an Adaptive Card, in one activity. Rate limits and
    /// the Connector's own troubles are waited out (<see cref="ChatRetryPolicy"/>, up to
    /// <see cref="ChatOptions.MessagePostTimeout"/>); any other refusal fails the node with the reason.
    /// </summary>
    public async Task<PostedMessage> PostAsync(ChatMessage message, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(message.Text) && message.Card is null) throw new NodeException($"Cannot post to {message.Target}: the message has no text and no card.");
        var activity = new TeamsOutgoingActivity
        {
            Text = string.IsNullOrWhiteSpace(message.Text) ? null : TeamsText.Markdown(message.Text),
            TextFormat = string.IsNullOrWhiteSpace(message.Text) ? null : "markdown",
            Attachments = message.Card is { } card ? [TeamsAttachment.AdaptiveCard(card)] : null,
        };
        try
        {
            return await ChatMetrics.DeliverAsync(Platform, retry.RunAsync(token => SendAsync(message.Target, activity, token), retry.MessagePostTimeout, rateLimitsCount: true, ct));
        }
        catch (Exception e) when (e is ChatRateLimitedException or TeamsConnectorException or TeamsConversationNotFoundException)
        {
            throw new NodeException($"Cannot post to {message.Target}: {e.Message}", e);
        }
    }

    // Who the waiting approval card refreshes for automatically: its approvers among the conversation's members.
    private async Task<IReadOnlyList<string>?> RefreshForAsync(string target, ApprovalView view, CancellationToken ct)
    {
        if (!view.IsOpen) return null;
        var address = Parse(target);
        var reference = await ReferenceAsync(address, ct);
        // The approvers now: escalation and delegations count.
        return await deciders.RefreshUserIdsAsync(view.Request with { Approvers = view.Approvers }, reference.ServiceUrl, address.ConversationId, ct);
    }

    private Task<PostedMessage> PostCardAsync(string target, AdaptiveCard card, CancellationToken ct) =>
        SendAsync(target, TeamsOutgoingActivity.Card(card.ToJson()), ct);

    private async Task<PostedMessage> SendAsync(string target, TeamsOutgoingActivity activity, CancellationToken ct)
    {
        var address = Parse(target);
        var reference = await ReferenceAsync(address, ct);
        var id = await connector.SendAsync(reference, address.ConversationIdWithThread, activity, ct);
        return new PostedMessage(address.ToString(), id);
    }

    private async Task UpdateCardAsync(PostedMessage message, AdaptiveCard card, CancellationToken ct)
    {
        var address = Parse(message.Target);
        var reference = await ReferenceAsync(address, ct);
        await connector.UpdateAsync(reference, address.ConversationIdWithThread, message.MessageId, TeamsOutgoingActivity.Card(card.ToJson()), ct);
    }

    private async Task<TeamsConversationReference> ReferenceAsync(TeamsAddress address, CancellationToken ct)
    {
        var reference = await conversations.FindAsync(address.ConversationId, ct);
        var plain = new TeamsAddress(address.ConversationId);
        if (reference is null)
        {
            throw new TeamsConversationNotFoundException(
                $"the bot has not been added to {plain} (no conversation reference is stored for it). Add the ChatFlows app to the team, group chat or personal chat; when it is added it answers with the address to use.");
        }
        if (reference.RetiredAt is { } retired)
            throw new TeamsConversationNotFoundException($"the bot was removed from {plain} on {ChatText.Utc(retired)}; add the ChatFlows app there again.");
        _kinds[reference.ConversationId] = reference.Kind;
        return reference;
    }

    // Channel conversations are threads of a team ("@thread.tacv2", formerly "@thread.skype"); group chats end in "@thread.v2".
    private static string GuessKind(string conversationId) =>
        conversationId.EndsWith("@thread.tacv2", StringComparison.OrdinalIgnoreCase) || conversationId.EndsWith("@thread.skype", StringComparison.OrdinalIgnoreCase)
            ? TeamsConversationReference.Channel
            : TeamsConversationReference.GroupChat;

    private static TeamsAddress Parse(string target) =>
        TeamsAddress.TryParse(target, out var address, out var error) ? address : throw new NodeException($"Cannot post to {target}: {error}");
}
