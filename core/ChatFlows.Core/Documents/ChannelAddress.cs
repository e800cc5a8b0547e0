using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace ChatFlows.Core.Documents;

/// <summary>A chat channel: <c>slack:C0123</c>, <c>teams:&lt;conversation id&gt;</c> or <c>playground:general</c>.</summary>
public sealed partial record ChannelAddress(string Platform, string Id)
{
    /// <summary>The platforms a channel can live on.</summary>
    public static IReadOnlyList<string> Platforms { get; } = ["slack", "teams", "playground"];

    /// <summary>Parses an address; <paramref name="error"/> says what is wrong otherwise.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out ChannelAddress? address, [NotNullWhen(false)] out string? error)
    {
        address = null;
        error = null;
        var colon = text?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        if (text is null || colon <= 0 || colon == text.Length - 1)
        {
            error = $"'{text}' is not a channel address; write slack:<channel id>, teams:<conversation id> or playground:<name>.";
            return false;
        }
        var platform = text[..colon];
        var id = text[(colon + 1)..];
        var valid = platform switch
        {
            "slack" => SlackId().IsMatch(id),
            "teams" => !id.Any(char.IsWhiteSpace),
            "playground" => PlaygroundName().IsMatch(id),
            _ => false,
        };
        if (!Platforms.Contains(platform))
        {
            error = $"'{platform}' is not a chat platform; use slack:, teams: or playground:.";
            return false;
        }
        if (!valid)
        {
            error = platform switch
            {
                "slack" => $"'{id}' is not a Slack channel id (like C0123ABCD).",
                "teams" => "a Teams conversation id cannot contain spaces.",
                _ => $"'{id}' is not a Playground channel name (lower-case letters, digits and dashes).",
            };
            return false;
        }
        address = new ChannelAddress(platform, id);
        return true;
    }

    public override string ToString() => $"{Platform}:{Id}";

    [GeneratedRegex("^[CGDU][A-Z0-9]{2,}\\z")]
    private static partial Regex SlackId();

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,79}\\z")]
    private static partial Regex PlaygroundName();
}
