namespace ChatFlows.Bot.Teams;

/// <summary>The conversation an activity belongs to.</summary>
/// <param name="Id">
/// The conversation id: <c>a:…</c> for a personal chat, <c>19:…@thread.v2</c> for a group chat, and
/// <c>19:…@thread.tacv2;messageid=&lt;root id&gt;</c> for a message in a channel thread.
/// </param>
/// <param name="ConversationType"><c>personal</c>, <c>groupChat</c> or <c>channel</c>.</param>
/// <param name="TenantId">The Microsoft Entra tenant.</param>
/// <param name="Name">The chat's or channel's name, when Teams sends it.</param>
/// <param name="IsGroup">True for group chats and channels.</param>
public sealed record TeamsConversationAccount(string? Id, string? ConversationType = null, string? TenantId = null, string? Name = null, bool? IsGroup = null);
