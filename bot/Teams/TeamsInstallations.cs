using ChatFlows.Bot.Chat;
namespace ChatFlows.Bot.Teams;

/// <summary>
/// The bot joining and leaving conversations. Its conversation reference is stored with every activity; here the bot
/// greets a conversation it was added to (naming the <c>teams:</c> address workflows post to), stores channels created
/// in its teams, and retires the references of conversations it was removed from, of deleted channels and of
/// uninstalled apps, so nothing is posted there again.
/// </summary>
public sealed class TeamsInstallations(TeamsConversations conversations, TeamsConnector connector, ChatBackgroundWork work, ChatRetryPolicy retry)
{
    /// <summary>Handles a <c>conversationUpdate</c> or an <c>installationUpdate</c>.</summary>
    public async Task HandleAsync(TeamsActivity activity, TeamsConversationReference reference, CancellationToken ct)
    {
        var botId = activity.Recipient!.Id;
        if (activity.Type == TeamsActivity.InstallationUpdate)
        {
            if (activity.Action is { } action && action.StartsWith("remove", StringComparison.OrdinalIgnoreCase))
                await conversations.RetireAsync(reference.ConversationId, reference.TeamId, ct);
            return;
        }

        var eventType = activity.ChannelData is { ValueKind: System.Text.Json.JsonValueKind.Object } data && data.TryGetProperty("eventType", out var e) ? e.GetString() : null;
        switch (eventType)
        {
            case "channelCreated" or "channelRenamed" or "channelRestored" when activity.ChannelDataText("channel", "id") is { } channelId:
                await conversations.SaveAsync(reference with { ConversationId = channelId, ChannelId = channelId, Name = activity.ChannelDataText("channel", "name") }, ct);
                return;
            case "channelDeleted" when activity.ChannelDataText("channel", "id") is { } channelId:
                await conversations.RetireAsync(channelId, teamId: null, ct);
                return;
            case "teamDeleted" or "teamArchived":
                await conversations.RetireAsync(reference.ConversationId, reference.TeamId, ct);
                return;
        }

        if (activity.MembersRemoved?.Any(m => m.Id == botId) == true)
        {
            // Removed from a team: every channel of it goes.
            await conversations.RetireAsync(reference.ConversationId, reference.TeamId, ct);
            return;
        }
        if (activity.MembersAdded?.Any(m => m.Id == botId) == true)
        {
            work.Run($"Teams: welcome in {reference.Address}", c => retry.RunAsync(
                t => connector.SendAsync(reference, reference.ConversationId, TeamsOutgoingActivity.Markdown(Welcome(reference)), t), retry.MessagePostTimeout, rateLimitsCount: true, c));
        }
    }

    /// <summary>What the bot says when it is added: how to start a workflow, and the address to post to this conversation.</summary>
    public static string Welcome(TeamsConversationReference reference)
    {
        var how = reference.Kind == TeamsConversationReference.Personal ? "Type `run <workflow>`" : "Mention me with `run <workflow>`";
        return $"""
            Hello! I am ChatFlows. {how} to start a workflow; `help` lists the commands.
            Workflows post here (scheduled digests, output messages) with the channel `{reference.Address}`.
            """;
    }
}
