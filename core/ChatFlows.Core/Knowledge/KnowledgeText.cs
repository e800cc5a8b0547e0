using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using UglyToad.PdfPig;
using UglyToad.PdfPig.DocumentLayoutAnalysis.TextExtractor;

namespace ChatFlows.Core.Knowledge;

/// <summary>
/// Turns a document's bytes into the text that is chunked (README §Knowledge): Markdown and plain text as they are,
/// HTML without scripts and styles but with its headings and paragraphs on lines of their own, PDF page by page.
/// </summary>
public static class KnowledgeText
{
    /// <summary>The formats accepted, for messages.</summary>
    public const string Formats = "Markdown (.md), text (.txt), HTML (.html) or PDF (.pdf)";

    private static readonly HashSet<string> BlockElements = new(StringComparer.OrdinalIgnoreCase)
    {
        "address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
        "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "tr", "ul", "title",
    };

    private static readonly HashSet<string> SkippedElements = new(StringComparer.OrdinalIgnoreCase) { "script", "style", "noscript", "template", "svg", "head" };

    /// <summary>
    /// The text of a document named <paramref name="source"/> (its extension decides the format, else
    /// <paramref name="mediaType"/>); a <see cref="KnowledgeException"/> for <paramref name="field"/> when it is
    /// in no format known, cannot be read, or holds no text.
    /// </summary>
    public static string Extract(string source, string? mediaType, byte[] content, string field)
    {
        var format = FormatOf(source, mediaType)
            ?? throw new KnowledgeException(field, $"'{Shorten(source)}' is not a format knowledge bases read; add {Formats}.");
        string text;
        try
        {
            text = format switch
            {
                "html" => FromHtml(Decode(content)),
                "pdf" => FromPdf(content),
                _ => Decode(content),
            };
        }
        catch (Exception ex) when (ex is not KnowledgeException)
        {
            throw new KnowledgeException(field, $"'{Shorten(source)}' could not be read as {format.ToUpperInvariant()}: {ex.Message}", ex);
        }
        text = Normalize(text);
        if (text.Length == 0) throw new KnowledgeException(field, $"'{Shorten(source)}' holds no text to index (a scanned PDF has only images; add its text instead).");
        return text;
    }

    /// <summary><c>markdown</c>, <c>text</c>, <c>html</c>, <c>pdf</c>, or null when neither the name nor the media type says.</summary>
    public static string? FormatOf(string source, string? mediaType)
    {
        var path = Uri.TryCreate(source, UriKind.Absolute, out var url) && url.Scheme.StartsWith("http", StringComparison.Ordinal) ? url.AbsolutePath : source;
        switch (Path.GetExtension(path).ToLowerInvariant())
        {
            case ".md" or ".markdown":
                return "markdown";
            case ".txt" or ".text" or ".log" or ".csv":
                return "text";
            case ".html" or ".htm":
                return "html";
            case ".pdf":
                return "pdf";
        }
        return mediaType?.ToLowerInvariant() switch
        {
            "text/markdown" or "text/x-markdown" => "markdown",
            "text/plain" => "text",
            "text/html" or "application/xhtml+xml" => "html",
            "application/pdf" => "pdf",
            _ => null,
        };
    }

    private static string Decode(byte[] content)
    {
        // A byte order mark decides; otherwise UTF-8, which Markdown and most pages are written in.
        using var reader = new StreamReader(new MemoryStream(content), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }

    private static string FromHtml(string html)
    {
        var document = new HtmlParser().ParseDocument(html);
        var text = new StringBuilder();
        if (document.Title is { Length: > 0 } title) text.Append(title).Append("\n\n");
        if (document.Body is { } body) Walk(body, text);
        return text.ToString();
    }

    private static void Walk(INode node, StringBuilder text)
    {
        foreach (var child in node.ChildNodes)
        {
            switch (child)
            {
                case IText t:
                    text.Append(t.Data);
                    break;
                case IElement e when SkippedElements.Contains(e.LocalName):
                    break;
                case IElement { LocalName: "br" }:
                    text.Append('\n');
                    break;
                case IElement { LocalName: "td" or "th" } e:
                    Walk(e, text);
                    text.Append(" \t ");
                    break;
                case IElement e when BlockElements.Contains(e.LocalName):
                    text.Append("\n\n");
                    // Headings keep a Markdown mark, so the chunker starts a new piece there.
                    if (e.LocalName is ['h' or 'H', >= '1' and <= '6']) text.Append(new string('#', e.LocalName[1] - '0')).Append(' ');
                    else if (e.LocalName == "li") text.Append("- ");
                    Walk(e, text);
                    text.Append("\n\n");
                    break;
                default:
                    Walk(child, text);
                    break;
            }
        }
    }

    private static string FromPdf(byte[] content)
    {
        using var pdf = PdfDocument.Open(content);
        var text = new StringBuilder();
        foreach (var page in pdf.GetPages())
        {
            text.Append(ContentOrderTextExtractor.GetText(page)).Append("\n\n");
        }
        return text.ToString();
    }

    // Lines are trimmed and runs of spaces folded; paragraphs stay apart by exactly one blank line.
    private static string Normalize(string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Split('\n');
        var result = new StringBuilder();
        var blank = 0;
        foreach (var raw in lines)
        {
            var line = string.Join(' ', raw.Split([' ', '\t', '\u00a0'], StringSplitOptions.RemoveEmptyEntries));
            if (line.Length == 0)
            {
                blank++;
                continue;
            }
            if (result.Length > 0) result.Append(blank > 0 ? "\n\n" : "\n");
            result.Append(line);
            blank = 0;
        }
        return result.ToString();
    }

    private static string Shorten(string source) => source.Length > 200 ? source[..200] + "…" : source;
}
