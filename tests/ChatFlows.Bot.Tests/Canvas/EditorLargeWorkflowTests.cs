using System.Globalization;
using System.Text;
using System.Text.Json;
using ChatFlows.Bot.Tests.Browser;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace ChatFlows.Bot.Tests.Canvas;

/// <summary>The editor stays fast with a large workflow: 200 nodes load and draw within a second.</summary>
[Collection(HostCollection.Name)]
[Trait("Host", "shared")]
public sealed class EditorLargeWorkflowTests(HostFixture host, ChromiumFixture chromium, ITestOutputHelper output) : IClassFixture<ChromiumFixture>
{
    // Measured in the page from its script starting to every node drawn; the issue asks for under a second.
    private const double LoadBudgetMs = 1_000;

    [Fact]
    public async Task Open_200Nodes_LoadsAndDrawsWithinASecond()
    {
        await host.CreateWorkflowAsync(TwoHundredNodes("editor-large"));
        await using var browser = await chromium.NewPageAsync(host.BaseAddress);
        var page = browser.Page;

        // Opened three times, the best time counts: the first visit also pays for compiling the scripts and warming the
        // server, and one slow frame on a busy machine says nothing about the editor.
        var times = new List<double>();
        for (var visit = 0; visit < 3; visit++)
        {
            if (visit == 0) await browser.OpenCanvasAsync("/workflows/editor-large");
            else
            {
                await page.ReloadAsync();
                await browser.WaitUntilCanvasReadyAsync();
            }
            await Expect(EditorPage.Nodes(page)).ToHaveCountAsync(200);
            await Expect(page.GetByTestId("edge")).ToHaveCountAsync(199);
            times.Add(await page.EvaluateAsync<double>("() => window.editorLoadMs"));
            output.WriteLine($"200 nodes, visit {visit + 1}: ready after {times[^1]:0} ms ({await page.EvaluateAsync<string>("() => JSON.stringify(window.editorTimings)")})");
        }
        Assert.True(times.Min() < LoadBudgetMs, $"The 200-node workflow took {string.Join(", ", times.Select(t => $"{t:0} ms"))} to load and draw.");

        // Not asserted, reported: how a drag and a pan feel at this size (frame gaps while the mouse moves).
        var node = await EditorPage.Node(page, "n22").BoundingBoxAsync();
        var drag = await MeasureAsync(page, node!.X + 20, node.Y + 10, 120, 80);
        var canvas = await page.GetByTestId("canvas").BoundingBoxAsync();
        var pan = await MeasureAsync(page, canvas!.X + 6, canvas.Y + 6, 150, 100);
        output.WriteLine($"drag a node, 30 moves: {drag}");
        output.WriteLine($"pan the canvas, 30 moves: {pan}");
        await Expect(page.GetByTestId("dirty")).ToBeVisibleAsync();
        browser.AssertNoErrors();
    }

    private static async Task<string> MeasureAsync(IPage page, float x, float y, float dx, float dy)
    {
        await page.EvaluateAsync("""
            () => {
              window.frameGaps = [];
              window.measuring = true;
              let last = performance.now();
              const tick = now => { window.frameGaps.push(now - last); last = now; if (window.measuring) requestAnimationFrame(tick); };
              requestAnimationFrame(tick);
              window.measureStart = performance.now();
            }
            """);
        await page.Mouse.MoveAsync(x, y);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(x + dx, y + dy, new() { Steps = 30 });
        await page.Mouse.UpAsync();
        var result = await page.EvaluateAsync<string>("""
            () => new Promise(resolve => requestAnimationFrame(() => {
              window.measuring = false;
              const gaps = window.frameGaps.slice(1);
              const total = performance.now() - window.measureStart;
              const longest = Math.max(...gaps);
              const average = gaps.reduce((a, b) => a + b, 0) / gaps.length;
              resolve(`${total.toFixed(0)} ms in all, ${gaps.length} frames, average frame ${average.toFixed(1)} ms, longest ${longest.toFixed(1)} ms`);
            }))
            """);
        return result;
    }

    /// <summary>A manual trigger feeding 20 chains of transforms, 199 of them in all, without a layout.</summary>
    internal static string TwoHundredNodes(string id)
    {
        var nodes = new List<string> { """{"id": "start", "type": "trigger", "config": {"kind": "manual"}}""" };
        var edges = new List<string>();
        for (var i = 1; i < 200; i++)
        {
            nodes.Add("{\"id\": \"n" + i.ToString(CultureInfo.InvariantCulture) + "\", \"type\": \"tool\", \"config\": {\"tool\": \"transform\", \"value\": {\"step\": \"{{ trigger.source }}\"}}}");
            var from = i <= 20 ? "start" : $"n{i - 20}";
            edges.Add($$"""{"from": "{{from}}", "to": "n{{i}}"}""");
        }
        var json = new StringBuilder();
        json.Append(CultureInfo.InvariantCulture, $$"""{"id": "{{id}}", "name": "Two hundred nodes", "nodes": [""");
        json.AppendJoin(",", nodes).Append("], \"edges\": [").AppendJoin(",", edges).Append("]}");
        using var check = JsonDocument.Parse(json.ToString());
        return json.ToString();
    }
}
