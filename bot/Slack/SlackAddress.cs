using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;
using ChatFlows.Core.Documents;

namespace ChatFlows.Bot.Slack;

/// <summary>
/// A place in Slack as ChatFlows addresses it: a channel (<c>slack:C0123ABCD</c>) or a thread in it, named by the
/// <c>ts</c> of the thread's parent message (<c>slack:C0123ABCD#1700000000.000100</c>).
/// </summary>
/// <param name="Channel">The channel id (<c>C…</c>, <c>G…</c>, <c>D…</c>), or a user id (<c>U…</c>) for a direct message.</param>
/// <param name="ThreadTs">The parent message's <c>ts</c>, or null for the channel itself.</param>
public sealed partial record SlackAddress(string Channel, string? ThreadTs = null)
{
    /// <summary>The platform prefix of Slack addresses.</summary>
    public const string Platform = "slack";

    /// <summary>Parses <paramref name="address"/>; <paramref name="error"/> says what is wrong otherwise.</summary>
    public static bool TryParse(string? address, [NotNullWhen(true)] out SlackAddress? parsed, [NotNullWhen(false)] out string? error)
    {
        parsed = null;
        // The thread follows the channel id; a '#' right after "slack:" is a channel name, which the channel check explains.
        var colon = address?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        var hash = colon < 0 || colon + 2 > address!.Length ? -1 : address.IndexOf('#', colon + 2);
        var channelAddress = hash < 0 ? address : address![..hash];
        if (!ChannelAddress.TryParse(channelAddress, out var channel, out error)) return false;
        if (channel.Platform != Platform)
        {
            error = $"'{address}' is not a Slack address (slack:<channel id> or slack:<channel id>#<thread ts>).";
            return false;
        }
        string? threadTs = null;
        if (hash >= 0)
        {
            threadTs = address![(hash + 1)..];
            if (!Ts().IsMatch(threadTs))
            {
                error = $"'{threadTs}' is not a Slack message ts (like 1700000000.000100).";
                return false;
            }
        }
        parsed = new SlackAddress(channel.Id, threadTs);
        return true;
    }

    /// <summary>The thread started by message <paramref name="ts"/> of this address's channel.</summary>
    public SlackAddress InThread(string ts) => this with { ThreadTs = ts };

    /// <summary><c>slack:C0123ABCD</c> or <c>slack:C0123ABCD#1700000000.000100</c>.</summary>
    public override string ToString() => ThreadTs is { } ts ? $"{Platform}:{Channel}#{ts}" : $"{Platform}:{Channel}";

    [GeneratedRegex(@"^\d{1,12}\.\d{1,9}\z")]
    private static partial Regex Ts();
}
