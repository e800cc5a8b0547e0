using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.WebUtilities;

namespace ChatFlows.Bot.Tests.Canvas;

/// <summary>The canvas's pages as the host writes them (docs/architecture.md, the canvas), over HTTP.</summary>
[Collection(HostCollection.Name)]
[Trait("Host", "shared")]
public sealed partial class CanvasPagesTests(HostFixture host)
{
    [Fact]
    public async Task EditorPage_EveryScriptStyleAndModule_IsVersionedByItsContentAndServed()
    {
        var html = await host.Client.GetStringAsync("/workflows/new?blank");

        var assets = AssetUrl().Matches(html).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)).ToList();
        using var importMap = JsonDocument.Parse(ImportMap().Match(html).Groups[1].Value);
        var modules = importMap.RootElement.GetProperty("imports").EnumerateObject().ToList();
        Assert.Contains("/_content/ChatFlows.Canvas/canvas.css", assets.Select(Unversioned));
        Assert.Contains("/_content/ChatFlows.Canvas/editor/editor.js", assets.Select(Unversioned));
        Assert.Contains("/_content/ChatFlows.Canvas/editor/state.js", modules.Select(m => m.Name));
        // A module imported by its plain path gets the versioned URL of the same file.
        Assert.All(modules, module => Assert.Equal(module.Name, Unversioned(module.Value.GetString()!)));
        foreach (var url in assets.Concat(modules.Select(m => m.Value.GetString()!)))
        {
            using var response = await host.Client.GetAsync(url);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url} answered {(int)response.StatusCode}");
            var content = await response.Content.ReadAsByteArrayAsync();
            Assert.Equal($"{Unversioned(url)}?v={WebEncoders.Base64UrlEncode(SHA256.HashData(content))}", url);
        }
    }

    [Fact]
    public async Task HistoryPage_WorkflowIdWithMarkup_IsWrittenAsText()
    {
        var html = await host.Client.GetStringAsync("/workflows/%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E/history");

        Assert.DoesNotContain("<img src=x", html, StringComparison.Ordinal);
        Assert.Contains("<title>History of &lt;img src", html, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"history-title\">&lt;img src", html, StringComparison.Ordinal);
    }

    private static string Unversioned(string url) => url.Split('?')[0];

    [GeneratedRegex("(?:src|href)=\"(/_content/[^\"]+)\"")]
    private static partial Regex AssetUrl();

    [GeneratedRegex("""<script type="importmap">(.*?)</script>""", RegexOptions.Singleline)]
    private static partial Regex ImportMap();
}
