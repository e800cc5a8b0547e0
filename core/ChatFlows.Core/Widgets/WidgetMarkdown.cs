using Markdig;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace ChatFlows.Core.Widgets;

/// <summary>
/// Renders a text widget's Markdown to HTML for the dashboard: raw HTML is shown as text, and links or images other
/// than http, https and mailto lose their address, so a widget set from untrusted data cannot run script in the page.
/// </summary>
public static class WidgetMarkdown
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UseAdvancedExtensions().DisableHtml().Build();

    /// <summary>The HTML of <paramref name="markdown"/>.</summary>
    public static string ToHtml(string markdown)
    {
        var document = Markdown.Parse(markdown, Pipeline);
        foreach (var link in document.Descendants<LinkInline>())
        {
            if (!IsSafe(link.Url)) link.Url = "";
        }
        foreach (var link in document.Descendants<AutolinkInline>())
        {
            if (!link.IsEmail && !IsSafe(link.Url)) link.Url = "";
        }
        return document.ToHtml(Pipeline);
    }

    private static bool IsSafe(string? url) =>
        string.IsNullOrEmpty(url)
        || (Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.Scheme is "http" or "https" or "mailto" : !url.Contains(':', StringComparison.Ordinal));
}
