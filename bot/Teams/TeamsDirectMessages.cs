using System.Collections.Concurrent;
using ChatFlows.Bot.Chat;

namespace ChatFlows.Bot.Teams;

/// <summary>
/// Teams direct messages: the bot's personal chat with a person (<c>teams:&lt;Entra object id&gt;</c>), opened through the
/// Bot Connector (<c>POST v3/conversations</c>) at the <c>serviceUrl</c> and tenant of a conversation the bot was added
/// to, and stored like any conversation so cards can be posted and updated there.
/// </summary>
public sealed class TeamsDirectMessages(TeamsConversations conversations, TeamsConnector connector) : IChatDirectMessages
{
    private readonly ConcurrentDictionary<string, string> _opened = new(StringComparer.OrdinalIgnoreCase);

    /// <inheritdoc />
    public string Platform => TeamsAddress.Platform;

    /// <inheritdoc />
    public async Task<string> OpenAsync(string person, CancellationToken ct)
    {
        if (_opened.TryGetValue(person, out var known)) return known;
        var user = person.StartsWith(TeamsAddress.Platform + ":", StringComparison.Ordinal) ? person[(TeamsAddress.Platform.Length + 1)..] : "";
        if (user.Length == 0) throw new InvalidOperationException($"'{person}' is not a Teams member (teams:<Entra object id>).");
        // Any conversation the bot is in names the Connector and tenant of the organisation; a team's is preferred.
        var references = (await conversations.ListAsync(ct)).Where(r => r.RetiredAt is null).ToArray();
        var via = references.FirstOrDefault(r => r.Kind == TeamsConversationReference.Channel) ?? references.FirstOrDefault()
            ?? throw new InvalidOperationException("the bot has not been added to any Teams team or chat yet, so it cannot open a personal chat; add the ChatFlows app to a team.");
        var conversationId = await connector.CreatePersonalConversationAsync(via.ServiceUrl, via.BotId, user, via.TenantId, ct);
        await conversations.SaveAsync(
            new TeamsConversationReference(conversationId, via.ServiceUrl, via.TenantId, TeamsConversationReference.Personal, null, null, via.BotId, null, ActivityChannelId: via.ActivityChannelId),
            ct);
        var address = new TeamsAddress(conversationId).ToString();
        _opened[person] = address;
        return address;
    }

    /// <inheritdoc />
    public string Mention(string person) => person;
}
