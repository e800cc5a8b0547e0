using System.Text;
using ChatFlows.Core.Knowledge;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;

namespace ChatFlows.Core.Tests.Knowledge;

/// <summary>What text each document format gives for chunking.</summary>
public sealed class KnowledgeTextTests
{
    [Fact]
    public void Extract_Markdown_KeepsHeadingsAndParagraphs()
    {
        var text = KnowledgeText.Extract("runbook.md", null, Encoding.UTF8.GetBytes("# Disk full\r\n\r\nRun   `df -h`.\r\n\r\n\r\n## Then\nPage the DBA."), "file");

        Assert.Equal("# Disk full\n\nRun `df -h`.\n\n## Then\nPage the DBA.", text);
    }

    [Fact]
    public void Extract_PlainTextWithByteOrderMark_IsReadAsItIs()
    {
        var text = KnowledgeText.Extract("notes.txt", "text/plain", [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes("Café opens at 9.")], "file");

        Assert.Equal("Café opens at 9.", text);
    }

    [Fact]
    public void Extract_Html_DropsScriptsAndStylesAndKeepsBlocksApart()
    {
        const string Html = """
            <html><head><title>Runbook</title><style>p { color: red }</style></head>
            <body><script>alert('x')</script><nav>Home</nav>
            <h2>Disk full</h2><p>Run <b>df -h</b> on the host.</p><p>Then clear /tmp.</p>
            <ul><li>one</li><li>two</li></ul></body></html>
            """;

        var text = KnowledgeText.Extract("https://wiki.example.com/runbook", "text/html", Encoding.UTF8.GetBytes(Html), "url");

        Assert.Equal("Runbook\n\nHome\n\n## Disk full\n\nRun df -h on the host.\n\nThen clear /tmp.\n\n- one\n\n- two", text);
    }

    [Fact]
    public void Extract_Pdf_ReadsEveryPage()
    {
        var builder = new PdfDocumentBuilder();
        var font = builder.AddStandard14Font(Standard14Font.Helvetica);
        builder.AddPage(PageSize.A4).AddText("Restart the payments API first.", 12, new PdfPoint(40, 700), font);
        builder.AddPage(PageSize.A4).AddText("Escalate to the database team.", 12, new PdfPoint(40, 700), font);

        var text = KnowledgeText.Extract("guide.pdf", "application/pdf", builder.Build(), "file");

        Assert.Contains("Restart the payments API first.", text, StringComparison.Ordinal);
        Assert.Contains("Escalate to the database team.", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Extract_UnknownFormat_FailsNamingTheField()
    {
        var error = Assert.Throws<KnowledgeException>(() => KnowledgeText.Extract("photo.png", "image/png", [1, 2, 3], "file"));

        Assert.Equal("file", error.Field);
        Assert.StartsWith("'photo.png' is not a format knowledge bases read", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Extract_BrokenPdf_FailsSayingSo()
    {
        var error = Assert.Throws<KnowledgeException>(() => KnowledgeText.Extract("broken.pdf", null, Encoding.ASCII.GetBytes("not a pdf at all"), "file"));

        Assert.StartsWith("'broken.pdf' could not be read as PDF", error.Message, StringComparison.Ordinal);
    }
}
