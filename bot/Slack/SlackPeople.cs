using ChatFlows.Bot.Chat;

namespace ChatFlows.Bot.Slack;

/// <summary>Slack members' e-mail addresses, from <c>users.info</c> (scope <c>users:read.email</c>).</summary>
public sealed class SlackPeople(SlackApi api) : IChatPeople
{
    /// <inheritdoc />
    public string Platform => SlackAddress.Platform;

    /// <inheritdoc />
    public Task<string?> EmailOfAsync(string userId, CancellationToken ct) => api.GetUserEmailAsync(userId, ct);
}
