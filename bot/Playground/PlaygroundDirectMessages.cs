using System.Text;
using ChatFlows.Bot.Chat;

namespace ChatFlows.Bot.Playground;

/// <summary>
/// Playground direct messages: a channel per person, <c>dm-&lt;name&gt;</c> (<c>playground:ana</c> → <c>#dm-ana</c>), which
/// appears in the channel list with its first message.
/// </summary>
public sealed class PlaygroundDirectMessages : IChatDirectMessages
{
    /// <summary>The prefix of the channel names of direct messages.</summary>
    public const string ChannelPrefix = "dm-";

    private const string Prefix = PlaygroundChannel.PlatformName + ":";

    /// <inheritdoc />
    public string Platform => PlaygroundChannel.PlatformName;

    /// <summary>The channel of <paramref name="name"/>'s direct messages: <c>dm-</c> and the name in lower case, dots and underscores as dashes.</summary>
    public static string ChannelOf(string name)
    {
        var channel = new StringBuilder(ChannelPrefix);
        foreach (var c in name.ToLowerInvariant()) channel.Append(char.IsAsciiLetterOrDigit(c) ? c : '-');
        return channel.ToString();
    }

    /// <inheritdoc />
    public Task<string> OpenAsync(string person, CancellationToken ct) =>
        person.StartsWith(Prefix, StringComparison.Ordinal) && person.Length > Prefix.Length
            ? Task.FromResult(PlaygroundChannel.AddressOf(ChannelOf(person[Prefix.Length..])))
            : throw new InvalidOperationException($"'{person}' is not a Playground name (playground:<name>).");

    /// <inheritdoc />
    public string Mention(string person) => person.StartsWith(Prefix, StringComparison.Ordinal) ? "@" + person[Prefix.Length..] : person;
}
