using ChatFlows.Bot.Chat;

namespace ChatFlows.Bot.Slack;

/// <summary>
/// Slack direct messages: <c>chat.postMessage</c> with a user id as the channel opens (or reuses) the bot's direct
/// message with that person, so the address is the person's own id (<c>slack:U012</c>).
/// </summary>
public sealed class SlackDirectMessages : IChatDirectMessages
{
    /// <inheritdoc />
    public string Platform => SlackAddress.Platform;

    /// <inheritdoc />
    public Task<string> OpenAsync(string person, CancellationToken ct) =>
        SlackAddress.TryParse(person, out var address, out var error) && address.ThreadTs is null && address.Channel[0] is 'U' or 'W'
            ? Task.FromResult(address.ToString())
            : throw new InvalidOperationException($"'{person}' is not a Slack member (slack:U…){(error is null ? "" : $": {error}")}.");

    /// <inheritdoc />
    public string Mention(string person) => SlackText.Who(person);
}
