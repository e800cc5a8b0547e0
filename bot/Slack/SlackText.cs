using System.Text;
using System.Text.RegularExpressions;

namespace ChatFlows.Bot.Slack;

/// <summary>
/// Text as Slack's mrkdwn reads it: <c>&amp;</c>, <c>&lt;</c> and <c>&gt;</c> are control characters there, so text from
/// runs and people is escaped before it goes into a message, and long text is cut to Slack's limits. Slack sends text
/// to apps escaped the same way, so text read from Slack is unescaped once at the edge (<see cref="Unescape"/>) and
/// escaped once on the way out: "Formatting text for app surfaces", Escaping text,
/// https://docs.slack.dev/messaging/formatting-message-text#escaping.
/// </summary>
public static partial class SlackText
{
    /// <summary>The longest text of a section block or a context element.</summary>
    public const int MaxBlockText = 3000;

    /// <summary>The longest text of a section block's field.</summary>
    public const int MaxFieldText = 2000;

    /// <summary>The longest text of a header block.</summary>
    public const int MaxHeaderText = 150;

    /// <summary>
    /// The longest top-level <c>text</c> ChatFlows sends (chat.postMessage, chat.update, chat.postEphemeral, response URL
    /// answers, the fallback beside blocks). Slack's chat.postMessage reference, "Truncating content": the text "should
    /// be no longer than 4,000 characters" (Slack itself cuts at 40,000),
    /// https://docs.slack.dev/reference/methods/chat.postMessage#truncating-content.
    /// </summary>
    public const int MaxMessageText = 4000;

    /// <summary>What a text cut by <see cref="SlackApi"/> as a last resort ends with, when its caller gave no better pointer.</summary>
    public const string CutNote = "_(cut to Slack's 4,000 characters)_";

    /// <summary>Escapes Slack's three control characters, and nothing else (other entities would show as typed).</summary>
    public static string Escape(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    /// <summary>
    /// Text as Slack sent it (event <c>text</c>, a slash command's <c>text</c>) turned into what the person typed:
    /// <c>&amp;amp;</c>, <c>&amp;lt;</c> and <c>&amp;gt;</c> become <c>&amp;</c>, <c>&lt;</c> and <c>&gt;</c>, once (so
    /// <c>&amp;amp;lt;</c> becomes <c>&amp;lt;</c>, as typed). Slack's own tokens (<c>&lt;@U012&gt;</c>,
    /// <c>&lt;#C0123|general&gt;</c>, <c>&lt;https://…|label&gt;</c>) arrive unescaped and stay as they are.
    /// </summary>
    public static string Unescape(string text) =>
        text.Contains('&', StringComparison.Ordinal) ? Entity().Replace(text, m => m.Value switch { "&amp;" => "&", "&lt;" => "<", _ => ">" }) : text;

    /// <summary>
    /// <paramref name="mrkdwn"/> (already escaped) as a message <c>text</c> within <see cref="MaxMessageText"/>: when it is
    /// longer it is cut — at the end of a line when one is near, never inside an entity, a Slack token such as
    /// <c>&lt;https://…|label&gt;</c> or a surrogate pair, with an open <c>```</c> block closed — and
    /// <paramref name="rest"/> (mrkdwn saying where the whole text is) is added on its own line.
    /// </summary>
    public static string Fit(string mrkdwn, string rest)
    {
        if (mrkdwn.Length <= MaxMessageText) return mrkdwn;
        // Room for the cut text, its "…", a closing ``` and the line break before the pointer.
        var cut = Truncate(mrkdwn, MaxMessageText - rest.Length - 5);
        var line = cut.LastIndexOf('\n');
        if (line >= cut.Length * 3 / 4) cut = cut[..line] + "\n…";
        // A token cut in half would show its raw half ("<https://exa"); cut before it.
        var open = cut.LastIndexOf('<');
        if (open >= 0 && cut.IndexOf('>', open) < 0) cut = cut[..open] + "…";
        if (Occurrences(cut, "```") % 2 == 1) cut += "```";
        return $"{cut}\n{rest}";
    }

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

    private static int Occurrences(string text, string part)
    {
        var count = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal)) count++;
        return count;
    }

    [GeneratedRegex("&(?:amp|lt|gt);")]
    private static partial Regex Entity();

    [GeneratedRegex("^[UW][A-Z0-9]{2,}\\z")]
    private static partial Regex UserId();

    // Slack's angle-bracket tokens to keep, Markdown links and **bold** to convert.
    [GeneratedRegex(@"(?<token><(?:[@#!][^<>\s]+|(?:https?|mailto):[^<>\s|]+(?:\|[^<>]*)?)>)|\[(?<label>[^\]\r\n]+)\]\((?<url>https?://[^\s()<>]+)\)|\*\*(?<bold>[^*\r\n]+)\*\*")]
    private static partial Regex Markup();
}
