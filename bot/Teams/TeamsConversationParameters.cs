namespace ChatFlows.Bot.Teams;

/// <summary>
/// The Bot Framework's ConversationParameters, to open a personal chat with a member (<c>POST v3/conversations</c>):
/// the bot, the one member, the tenant, <c>isGroup: false</c>, and the tenant again in Teams' channel data.
/// </summary>
public sealed record TeamsConversationParameters(
    TeamsAccount Bot, IReadOnlyList<TeamsAccount> Members, string? TenantId, bool IsGroup, TeamsChannelDataTenant? ChannelData);

/// <summary>Teams' channel data naming the tenant: <c>{ "tenant": { "id": … } }</c>.</summary>
public sealed record TeamsChannelDataTenant(TeamsTenant Tenant);

/// <summary>A Microsoft Entra tenant as Teams' channel data names it.</summary>
public sealed record TeamsTenant(string Id);
