namespace ChatFlows.Bot.Chat;

/// <summary>
/// A chat platform's directory of people: the e-mail address it vouches for, so that <c>email:</c> approvers can be
/// matched (<see cref="ChatApprovals"/>). Platforms whose clicks carry what is needed to look a person up (Teams)
/// resolve it themselves.
/// </summary>
public interface IChatPeople
{
    /// <summary>The platform prefix of the identities it knows, e.g. <c>slack</c>.</summary>
    string Platform { get; }

    /// <summary>The e-mail address of <paramref name="userId"/> (the part after the platform prefix), or null when there is none.</summary>
    Task<string?> EmailOfAsync(string userId, CancellationToken ct);
}
