using System.Text;
using System.Text.RegularExpressions;

namespace ChatFlows.Bot.Slack;

/// <summary>
/// Text as Slack's mrkdwn reads it: <c>&amp;</c>, <c>&lt;</c> and <c>&gt;</c> are control characters there, so text from
/// runs and people is escaped before it goes into a message, and long text is cut to Slack's limits.
/// </summary>
public static partial class SlackText
{
    /// <summary>The longest text of a section block or a context element.</summary>
    public const int MaxBlockText = 3000;

    /// <summary>The longest text of a section block's field.</summary>
    public const int MaxFieldText = 2000;

    /// <summary>The longest text of a header block.</summary>
    public const int MaxHeaderText = 150;

    /// <summary>The longest top-level <c>text</c> Slack keeps; it cuts longer messages.</summary>
    public const int MaxMessageText = 40_000;

    /// <summary>Escapes Slack's three control characters, and nothing else (other entities would show as typed).</summary>
    public static string Escape(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    /// <summary>
    /// A person as Slack shows them: <c>slack:U012</c> becomes the mention <c>&lt;@U012&gt;</c>; anyone else
    /// (<c>playground:ada</c>, <c>schedule</c>) stays as written, escaped.
    /// </summary>
    public static string Who(string who) =>
        who.StartsWith("slack:", StringComparison.Ordinal) && UserId().IsMatch(who.AsSpan(6)) ? $"<@{who[6..]}>" : Escape(who);

    /// <summary>
    /// A message a workflow wrote (Markdown-ish) as mrkdwn: <c>*bold*</c>, <c>_italic_</c>, <c>`code`</c> and lists are
    /// already Slack's; <c>**bold**</c> and <c>[text](url)</c> links are converted; Slack's own mentions and links
    /// (<c>&lt;@U012&gt;</c>, <c>&lt;#C0123&gt;</c>, <c>&lt;!here&gt;</c>, <c>&lt;https://…|text&gt;</c>) are kept; everything else is escaped.
    /// </summary>
    public static string Mrkdwn(string markdown)
    {
        var text = new StringBuilder(markdown.Length);
        var at = 0;
        foreach (Match match in Markup().Matches(markdown))
        {
            text.Append(Escape(markdown[at..match.Index]));
            if (match.Groups["token"].Success) text.Append(match.Value);
            else if (match.Groups["url"].Success) text.Append('<').Append(match.Groups["url"].Value).Append('|').Append(Escape(match.Groups["label"].Value)).Append('>');
            else text.Append('*').Append(Escape(match.Groups["bold"].Value)).Append('*');
            at = match.Index + match.Length;
        }
        return text.Append(Escape(markdown[at..])).ToString();
    }

    /// <summary>
    /// <paramref name="text"/> cut to at most <paramref name="max"/> characters, ending in "…" when cut, and never
    /// in the middle of an escaped entity or a surrogate pair.
    /// </summary>
    public static string Truncate(string text, int max)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 8);
        if (text.Length <= max) return text;
        var end = max - 1;
        if (char.IsLowSurrogate(text[end])) end--;
        // An entity cut in half would show as "&am"; cut before it instead.
        var amp = text.LastIndexOf('&', end - 1, 4);
        if (amp >= 0 && text.IndexOf(';', amp) >= end) end = amp;
        return string.Concat(text.AsSpan(0, end), "…");
    }

    [GeneratedRegex("^[UW][A-Z0-9]{2,}\\z")]
    private static partial Regex UserId();

    // Slack's angle-bracket tokens to keep, Markdown links and **bold** to convert.
    [GeneratedRegex(@"(?<token><(?:[@#!][^<>\s]+|(?:https?|mailto):[^<>\s|]+(?:\|[^<>]*)?)>)|\[(?<label>[^\]\r\n]+)\]\((?<url>https?://[^\s()<>]+)\)|\*\*(?<bold>[^*\r\n]+)\*\*")]
    private static partial Regex Markup();
}
