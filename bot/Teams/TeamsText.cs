using System.Text.RegularExpressions;

namespace ChatFlows.Bot.Teams;

/// <summary>
/// The chat layer's replies (written with Slack-like <c>*bold*</c> and one line per item) as Teams Markdown, where
/// <c>*x*</c> is italic and a single line break is not kept.
/// </summary>
public static partial class TeamsText
{
    /// <summary><paramref name="text"/> as Teams Markdown: <c>*bold*</c> becomes <c>**bold**</c>, each line its own paragraph.</summary>
    public static string Markdown(string text)
    {
        var bold = SingleStar().Replace(text.Replace("\r\n", "\n", StringComparison.Ordinal), "**$1**");
        return string.Join("\n\n", bold.Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0));
    }

    // One star on each side, not part of a double star; inside code spans a star stays as typed.
    [GeneratedRegex(@"(?<![*\w`])\*(?!\*)([^*\n`]+?)\*(?![*\w])")]
    private static partial Regex SingleStar();
}
