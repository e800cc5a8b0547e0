using System.Text.Encodings.Web;

namespace ChatFlows.Canvas.Pages;

/// <summary>
/// One canvas page as <see cref="PageLayout"/> frames it: its title, the top-bar link it lights, what it adds to the
/// head, its body and its scripts. Every value put into the markup goes through <see cref="Encode"/>.
/// </summary>
internal sealed record PageView(string Title, string Section, string Head, string Body, string Scripts, string? BodyClass = null)
{
    /// <summary>HTML-encodes <paramref name="value"/> for text or a quoted attribute (null as empty).</summary>
    public static string Encode(string? value) => HtmlEncoder.Default.Encode(value ?? "");
}
