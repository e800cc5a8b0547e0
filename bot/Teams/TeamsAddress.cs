using System.Diagnostics.CodeAnalysis;
using ChatFlows.Core.Documents;

namespace ChatFlows.Bot.Teams;

/// <summary>
/// A place in Teams as ChatFlows addresses it: a conversation (<c>teams:19:abc@thread.tacv2</c>, a channel; a group chat;
/// a personal chat <c>teams:a:1xyz</c>) or a thread in a channel, named as Teams names it, by its root message
/// (<c>teams:19:abc@thread.tacv2;messageid=1700000000000</c>). The Connector takes that thread form as a conversation
/// id: an activity posted to it lands in the thread.
/// </summary>
/// <param name="ConversationId">The conversation id without a thread.</param>
/// <param name="ThreadRootId">The id of the thread's root message, or null for the conversation itself.</param>
public sealed record TeamsAddress(string ConversationId, string? ThreadRootId = null)
{
    /// <summary>The platform prefix of Teams addresses.</summary>
    public const string Platform = "teams";

    // How Teams writes a channel thread into a conversation id.
    private const string ThreadMarker = ";messageid=";

    /// <summary>The conversation id activities are posted to: the thread's when there is one.</summary>
    public string ConversationIdWithThread => ThreadRootId is { } root ? ConversationId + ThreadMarker + root : ConversationId;

    /// <summary>Parses <paramref name="address"/>; <paramref name="error"/> says what is wrong otherwise.</summary>
    public static bool TryParse(string? address, [NotNullWhen(true)] out TeamsAddress? parsed, [NotNullWhen(false)] out string? error)
    {
        parsed = null;
        if (!ChannelAddress.TryParse(address, out var channel, out error)) return false;
        if (channel.Platform != Platform)
        {
            error = $"'{address}' is not a Teams address (teams:<conversation id>).";
            return false;
        }
        parsed = FromConversationId(channel.Id);
        if (parsed.ConversationId.Length == 0 || parsed.ThreadRootId is { Length: 0 })
        {
            parsed = null;
            error = $"'{address}' is not a Teams address: write teams:<conversation id> or teams:<channel id>;messageid=<root message id>.";
            return false;
        }
        return true;
    }

    /// <summary>The address of a conversation id as an activity carries it, with or without a thread.</summary>
    public static TeamsAddress FromConversationId(string conversationId)
    {
        var marker = conversationId.IndexOf(ThreadMarker, StringComparison.OrdinalIgnoreCase);
        return marker < 0
            ? new TeamsAddress(conversationId)
            : new TeamsAddress(conversationId[..marker], conversationId[(marker + ThreadMarker.Length)..]);
    }

    /// <summary>The thread started by message <paramref name="rootId"/> of this address's conversation.</summary>
    public TeamsAddress InThread(string rootId) => this with { ThreadRootId = rootId };

    /// <summary><c>teams:&lt;conversation id&gt;</c> or <c>teams:&lt;conversation id&gt;;messageid=&lt;root id&gt;</c>.</summary>
    public override string ToString() => $"{Platform}:{ConversationIdWithThread}";
}
