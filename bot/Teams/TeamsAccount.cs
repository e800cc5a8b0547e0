namespace ChatFlows.Bot.Teams;

/// <summary>A Bot Framework channel account: a person, or the bot itself (<c>28:&lt;app id&gt;</c>).</summary>
/// <param name="Id">The account's id in the channel, e.g. <c>29:1abc…</c> for a person in Teams.</param>
/// <param name="Name">The display name.</param>
/// <param name="AadObjectId">A person's Microsoft Entra object id, which approvers are written with (<c>teams:&lt;object id&gt;</c>).</param>
/// <param name="UserPrincipalName">A person's sign-in name (<c>ada@contoso.com</c>), when Teams sends it.</param>
/// <param name="Email">A person's e-mail address, which the Connector's member lookup gives.</param>
public sealed record TeamsAccount(string? Id, string? Name = null, string? AadObjectId = null, string? UserPrincipalName = null, string? Email = null);
