using System.Text.Json;
using ChatFlows.Bot.Chat;
using ChatFlows.Core.Messaging;
using ChatFlows.Core.Nodes;

namespace ChatFlows.Bot.Slack;

/// <summary>
/// Slack as a chat platform: progress and approval cards as Block Kit messages, kept up to date with
/// <c>chat.update</c>, and what runs post (<c>output/message</c>, digests) as mrkdwn. Addresses are
/// <c>slack:&lt;channel id&gt;</c> and <c>slack:&lt;channel id&gt;#&lt;thread ts&gt;</c> (see <see cref="SlackAddress"/>).
/// </summary>
public sealed class SlackPresenter(SlackApi api, SlackApprovalToken tokens, ChatRetryPolicy retry, TimeProvider time) : IChatPresenter, IThreadHistory
{
    // How far before a lost attempt a card is looked for: clocks of this host and Slack's may differ a little.
    private static readonly TimeSpan LookBack = TimeSpan.FromMinutes(2);

    /// <inheritdoc cref="IChatChannel.Platform" />
    public string Platform => SlackAddress.Platform;

    /// <inheritdoc />
    public Task<PostedMessage> PostProgressAsync(string target, ProgressView view, CancellationToken ct) =>
        ChatMetrics.DeliverAsync(Platform, PostBlocksAsync(target, SlackProgressBlocks.Render(view), SlackMetadata.Card(view.RunId, ChatCard.Progress, ""), ct));

    /// <inheritdoc />
    public Task UpdateProgressAsync(PostedMessage message, ProgressView view, CancellationToken ct) =>
        ChatMetrics.DeliverAsync(Platform, api.UpdateMessageAsync(Parse(message.Target).Channel, message.MessageId, SlackProgressBlocks.Render(view), ct));

    /// <inheritdoc />
    public string ThreadOf(PostedMessage progress) =>
        progress.Target.Contains('#', StringComparison.Ordinal) ? progress.Target : $"{progress.Target}#{progress.MessageId}";

    /// <inheritdoc />
    public Task<PostedMessage> PostApprovalAsync(string thread, ApprovalView view, CancellationToken ct) =>
        ChatMetrics.DeliverAsync(Platform, PostBlocksAsync(thread, SlackApprovalBlocks.Render(view, tokens), SlackMetadata.Card(view.RunId, ChatCard.Approval, view.NodeId), ct));

    /// <inheritdoc />
    public Task UpdateApprovalAsync(PostedMessage message, ApprovalView view, CancellationToken ct) =>
        ChatMetrics.DeliverAsync(Platform, api.UpdateMessageAsync(Parse(message.Target).Channel, message.MessageId, SlackApprovalBlocks.Render(view, tokens), ct));

    /// <summary>
    /// Finds a card by the metadata every card is posted with (<c>chatflows_card</c>, run id, kind, node id) in the
    /// channel's history, or in the thread's replies, from a little before <paramref name="since"/> on.
    /// </summary>
    public async Task<PostedMessage?> FindCardAsync(string target, ChatCard card, DateTimeOffset since, CancellationToken ct)
    {
        var address = Parse(target);
        // A copy of an approval card is posted as the approval's card, in a channel of its own (not the run's thread).
        var (kind, nodeId) = card.Kind == ChatCard.ApprovalCopy ? (ChatCard.Approval, card.ApprovalNodeId) : (card.Kind, card.NodeId);
        var ts = await FindAsync(address, since, m => m.IsCard(card.RunId, kind, nodeId), ct);
        return ts is null ? null : new PostedMessage(address.ToString(), ts);
    }

    // A message sent to a person (U…/W…) lands in a direct-message channel whose id only conversations.open tells, which
    // needs a scope the app does not ask for: it cannot be looked for, and is posted again (README, Chat cards).
    private Task<string?> FindAsync(SlackAddress address, DateTimeOffset since, Func<SlackMetadata, bool> match, CancellationToken ct) =>
        address.Channel[0] is 'U' or 'W'
            ? Task.FromResult<string?>(null)
            : api.FindMessageAsync(address.Channel, address.ThreadTs, since - LookBack, match, ct);

    /// <summary>
    /// Posts a run's message as mrkdwn. Slack cannot show Adaptive Cards, so a card is posted as its
    /// <c>fallbackText</c>, or else the text of its TextBlocks and facts. Rate limits and Slack's own troubles are
    /// waited out (<see cref="ChatRetryPolicy"/>, up to <see cref="ChatOptions.MessagePostTimeout"/>); any other
    /// refusal fails the node with Slack's reason.
    /// </summary>
    public async Task<PostedMessage> PostAsync(ChatMessage message, CancellationToken ct)
    {
        var address = Parse(message.Target);
        var parts = new[] { message.Text, message.Card is { } card ? CardText(card) : null }.Where(p => !string.IsNullOrWhiteSpace(p)).ToArray();
        if (parts.Length == 0) throw new NodeException($"Cannot post to {message.Target}: the message has no text, and its card no text Slack can show.");
        // Slack asks for texts under 4,000 characters; the whole message stays in the step's output on the run's page.
        var text = SlackText.Fit(SlackText.Mrkdwn(string.Join("\n\n", parts)),
            $"_Cut to Slack's 4,000 characters: the whole message is the output of step `{SlackText.Escape(message.NodeId)}` on run `{SlackText.Escape(message.RunId)}`'s page in ChatFlows._");

        // Tagged with the run and node, so that after a failure that may have posted it (a 5xx, no answer) Slack is
        // asked before it is posted again; a 429 means nothing was posted.
        var metadata = SlackMetadata.Message(message.RunId, message.NodeId);
        DateTimeOffset? mayHavePosted = null;
        try
        {
            return await ChatMetrics.DeliverAsync(Platform, retry.RunAsync(
                async token =>
                {
                    if (mayHavePosted is { } since && await FindAsync(address, since, m => m.IsMessage(message.RunId, message.NodeId), token) is { } found)
                        return new PostedMessage(address.ToString(), found);
                    mayHavePosted = time.GetUtcNow();
                    try
                    {
                        return Posted(address, await api.PostMessageAsync(address.Channel, new SlackMessage(text), address.ThreadTs, metadata, token));
                    }
                    catch (ChatRateLimitedException)
                    {
                        mayHavePosted = null;
                        throw;
                    }
                },
                retry.MessagePostTimeout, rateLimitsCount: true, ct));
        }
        catch (Exception e) when (e is ChatRateLimitedException or SlackApiException)
        {
            throw new NodeException($"Cannot post to {message.Target}: {e.Message}", e);
        }
        catch (HttpRequestException e)
        {
            throw new NodeException($"Cannot post to {message.Target}: Slack could not be reached ({e.Message}).", e);
        }
    }

    private async Task<PostedMessage> PostBlocksAsync(string target, SlackMessage message, SlackMetadata metadata, CancellationToken ct)
    {
        var address = Parse(target);
        return Posted(address, await api.PostMessageAsync(address.Channel, message, address.ThreadTs, metadata, ct));
    }

    // Slack answers with the channel the message is really in: a direct message to U… lands in a D… channel, and
    // later updates must name that one.
    private static PostedMessage Posted(SlackAddress address, SlackPostedMessage posted) =>
        new((address with { Channel = posted.Channel }).ToString(), posted.Ts);

    /// <summary>The thread's messages as Slack keeps them (<c>conversations.replies</c>); a channel address has no thread to read.</summary>
    public async Task<IReadOnlyList<ThreadMessage>> ReadThreadAsync(string thread, int limit, CancellationToken ct)
    {
        var address = Parse(thread);
        return address.ThreadTs is { } ts ? await api.ReadRepliesAsync(address.Channel, ts, limit, ct) : [];
    }

    private static SlackAddress Parse(string target) =>
        SlackAddress.TryParse(target, out var address, out var error) ? address : throw new NodeException($"Cannot post to {target}: {error}");

    // The words of an Adaptive Card, for a platform that cannot draw it.
    private static string? CardText(JsonElement card)
    {
        if (card.ValueKind != JsonValueKind.Object) return null;
        if (card.TryGetProperty("fallbackText", out var fallback) && fallback.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(fallback.GetString()))
            return fallback.GetString();
        var lines = new List<string>();
        Collect(card, lines);
        return lines.Count == 0 ? null : string.Join('\n', lines);
    }

    private static void Collect(JsonElement element, List<string> lines)
    {
        if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray()) Collect(item, lines);
            return;
        }
        if (element.ValueKind != JsonValueKind.Object) return;
        var type = element.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        if (type == "TextBlock" && element.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String)
        {
            lines.Add(text.GetString()!);
            return;
        }
        if (type == "FactSet" && element.TryGetProperty("facts", out var facts) && facts.ValueKind == JsonValueKind.Array)
        {
            foreach (var fact in facts.EnumerateArray().Where(f => f.ValueKind == JsonValueKind.Object))
                lines.Add($"{Text(fact, "title")}: {Text(fact, "value")}");
            return;
        }
        // Buttons and inputs mean nothing without the card; their labels are left out.
        foreach (var property in element.EnumerateObject().Where(p => p.Name is not ("actions" or "selectAction")))
            Collect(property.Value, lines);
    }

    private static string? Text(JsonElement value, string property) =>
        value.TryGetProperty(property, out var found) && found.ValueKind == JsonValueKind.String ? found.GetString() : null;
}
