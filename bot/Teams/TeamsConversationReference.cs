namespace ChatFlows.Bot.Teams;

/// <summary>
/// What the bot needs to write into a Teams conversation later, unprompted (a scheduled digest, a run's card): the
/// conversation, the Connector that serves it, and who the bot is there. Stored when the bot is added and refreshed by
/// every activity from the conversation.
/// </summary>
/// <param name="ConversationId">The conversation id, without a thread.</param>
/// <param name="ServiceUrl">The Connector's base URL for it, e.g. <c>https://smba.trafficmanager.net/emea/</c>.</param>
/// <param name="TenantId">The Microsoft Entra tenant.</param>
/// <param name="Kind"><c>personal</c>, <c>groupChat</c> or <c>channel</c>.</param>
/// <param name="TeamId">For a channel, its team's id.</param>
/// <param name="ChannelId">For a channel, the channel's id.</param>
/// <param name="BotId">The bot's account there, <c>28:&lt;app id&gt;</c>.</param>
/// <param name="Name">The team, channel or chat name, when known.</param>
/// <param name="RetiredAt">When the bot was removed; null while it can post there.</param>
/// <param name="ActivityChannelId">The Bot Framework channel the conversation is on, as activities name it in <c>channelId</c>: <c>msteams</c>, or <c>emulator</c>.</param>
public sealed record TeamsConversationReference(
    string ConversationId, string ServiceUrl, string? TenantId, string Kind, string? TeamId, string? ChannelId, string BotId, string? Name,
    DateTimeOffset? RetiredAt = null, string ActivityChannelId = TeamsConversationReference.MsTeams)
{
    /// <summary>The Bot Framework's channel id of Microsoft Teams.</summary>
    public const string MsTeams = "msteams";

    public const string Personal = "personal";

    public const string GroupChat = "groupChat";

    public const string Channel = "channel";

    /// <summary>The address workflows use for it: <c>teams:&lt;conversation id&gt;</c>.</summary>
    public string Address => new TeamsAddress(ConversationId).ToString();

    /// <summary>The reference an inbound activity carries for its conversation; null when it lacks the fields.</summary>
    public static TeamsConversationReference? From(TeamsActivity activity)
    {
        if (activity.Conversation?.Id is not { Length: > 0 } id || activity.ServiceUrl is not { Length: > 0 } serviceUrl || activity.Recipient?.Id is not { Length: > 0 } botId)
            return null;
        var address = TeamsAddress.FromConversationId(id);
        var teamId = activity.ChannelDataText("team", "id");
        var channelId = activity.ChannelDataText("channel", "id");
        var kind = activity.Conversation.ConversationType switch
        {
            Channel or GroupChat or Personal => activity.Conversation.ConversationType,
            // The Emulator and older activities leave the type out.
            _ when channelId is not null => Channel,
            _ when activity.Conversation.IsGroup == true => GroupChat,
            _ => Personal,
        };
        var tenant = activity.Conversation.TenantId ?? activity.ChannelDataText("tenant", "id");
        var name = activity.ChannelDataText("channel", "name") ?? activity.ChannelDataText("team", "name") ?? activity.Conversation.Name;
        var activityChannel = activity.ChannelId is { Length: > 0 } given ? given : MsTeams;
        return new TeamsConversationReference(address.ConversationId, serviceUrl, tenant, kind, teamId, channelId, botId, name, ActivityChannelId: activityChannel);
    }
}
