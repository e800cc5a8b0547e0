using System.Globalization;
using System.Text;
using ChatFlows.Bot.Tests.Browser;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ChatFlows.Bot.Tests.Canvas;

/// <summary>
/// Readable at first sight (README §Editor): a workflow opens at 100 %, or smaller down to 75 % to show all of it, centred;
/// zooming keeps the point under the pointer; the inspector scrolls inside its panel; the editor fits from 1024 px wide.
/// The palette and the forms come from the server's node kinds.
/// </summary>
[Collection(HostCollection.Name)]
[Trait("Host", "shared")]
public sealed class EditorViewportTests(HostFixture host, ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task Open_SmallWorkflow_At100PercentCentredInTheCanvas()
    {
        await host.CreateWorkflowAsync(Chain("view-small", 3));
        await using var browser = await chromium.NewPageAsync(host.BaseAddress);
        var page = browser.Page;
        await browser.OpenCanvasAsync("/workflows/view-small");

        await Expect(page.GetByTestId("zoom-level")).ToHaveTextAsync("100 %");
        var canvas = (await page.GetByTestId("canvas").BoundingBoxAsync())!;
        var graph = await NodesBoxAsync(page);
        Assert.InRange(graph.CentreX - (canvas.X + (canvas.Width / 2)), -12, 12);
        Assert.InRange(graph.CentreY - (canvas.Y + (canvas.Height / 2)), -12, 12);
        // At 100 % a node is drawn at its own size (190 px wide).
        var node = (await EditorPage.Node(page, "n1").Locator(".node-body").BoundingBoxAsync())!;
        Assert.InRange(node.Width, 188, 192);
        browser.AssertNoErrors();
    }

    [Fact]
    public async Task Open_LargeWorkflow_AtLeast75PercentWithItsStartInView()
    {
        await host.CreateWorkflowAsync(Chain("view-large", 30));
        await using var browser = await chromium.NewPageAsync(host.BaseAddress);
        var page = browser.Page;
        await browser.OpenCanvasAsync("/workflows/view-large");

        // Thirty nodes in a row do not fit at 75 %: it opens at 75 %, not smaller, with the trigger in view.
        await Expect(page.GetByTestId("zoom-level")).ToHaveTextAsync("75 %");
        var canvas = (await page.GetByTestId("canvas").BoundingBoxAsync())!;
        var start = (await EditorPage.Node(page, "start").BoundingBoxAsync())!;
        Assert.InRange(start.X, canvas.X, canvas.X + canvas.Width - start.Width);
        Assert.InRange(start.Y, canvas.Y, canvas.Y + canvas.Height - start.Height);
        Assert.InRange((await EditorPage.Node(page, "start").Locator(".node-body").BoundingBoxAsync())!.Width, 190 * 0.74, 190 * 0.76);

        // A workflow that fits at 75 % or more is shown whole, as large as it fits.
        await host.CreateWorkflowAsync(Chain("view-medium", 6));
        await browser.OpenCanvasAsync("/workflows/view-medium");
        var zoom = await ZoomAsync(page);
        Assert.InRange(zoom, 75, 100);
        var graph = await NodesBoxAsync(page);
        canvas = (await page.GetByTestId("canvas").BoundingBoxAsync())!;
        if (zoom > 75)
        {
            Assert.True(graph.Left >= canvas.X && graph.Right <= canvas.X + canvas.Width, $"At {zoom} % the graph ({graph.Left}–{graph.Right}) is cut off by the canvas ({canvas.X}–{canvas.X + canvas.Width}).");
        }
        browser.AssertNoErrors();
    }

    [Fact]
    public async Task Wheel_OverANode_KeepsThePointUnderThePointer()
    {
        await host.CreateWorkflowAsync(Chain("view-wheel", 3));
        await using var browser = await chromium.NewPageAsync(host.BaseAddress);
        var page = browser.Page;
        await browser.OpenCanvasAsync("/workflows/view-wheel");
        var before = (await EditorPage.Node(page, "n2").BoundingBoxAsync())!;
        // A point a quarter into the node, not its centre, so a zoom about another point would move it.
        var x = before.X + (before.Width / 4);
        var y = before.Y + (before.Height / 4);

        await page.Mouse.MoveAsync(x, y);
        await page.Mouse.WheelAsync(0, -100);
        await Expect(page.GetByTestId("zoom-level")).ToHaveTextAsync("110 %");
        var after = (await EditorPage.Node(page, "n2").BoundingBoxAsync())!;
        Assert.InRange(after.X + (after.Width / 4) - x, -2, 2);
        Assert.InRange(after.Y + (after.Height / 4) - y, -2, 2);
        Assert.True(after.Width > before.Width * 1.05);

        // The + key zooms about the pointer too; the toolbar's buttons about the canvas centre.
        await page.GetByTestId("canvas").FocusAsync();
        await page.Keyboard.PressAsync("+");
        await Expect(page.GetByTestId("zoom-level")).ToHaveTextAsync("132 %");
        var keyed = (await EditorPage.Node(page, "n2").BoundingBoxAsync())!;
        Assert.InRange(keyed.X + (keyed.Width / 4) - x, -2, 2);
        var canvas = (await page.GetByTestId("canvas").BoundingBoxAsync())!;
        var centre = (X: canvas.X + (canvas.Width / 2), Y: canvas.Y + (canvas.Height / 2));
        var fromCentre = (keyed.X - centre.X, keyed.Y - centre.Y);
        await page.GetByTestId("zoom-out").ClickAsync();
        await Expect(page.GetByTestId("zoom-level")).ToHaveTextAsync("110 %");
        var buttoned = (await EditorPage.Node(page, "n2").BoundingBoxAsync())!;
        Assert.InRange(buttoned.X - centre.X - (fromCentre.Item1 / 1.2), -2, 2);
        Assert.InRange(buttoned.Y - centre.Y - (fromCentre.Item2 / 1.2), -2, 2);
        browser.AssertNoErrors();
    }

    [Fact]
    public async Task Inspector_LongForm_ScrollsInsideItsPanelNotThePage()
    {
        await host.CreateWorkflowAsync("""
            {"id": "view-inspector", "nodes": [
              {"id": "go", "type": "trigger", "config": {"kind": "manual"}},
              {"id": "fetch", "type": "tool", "config": {"tool": "http", "method": "POST", "url": "https://example.com", "headers": {"X-One": "1"}, "query": {"q": "a"}, "body": {"a": 1}}}],
             "edges": [{"from": "go", "to": "fetch"}]}
            """);
        await using var browser = await chromium.NewPageAsync(host.BaseAddress);
        var page = browser.Page;
        await page.SetViewportSizeAsync(1024, 600);
        await browser.OpenCanvasAsync("/workflows/view-inspector");
        await EditorPage.Node(page, "fetch").ClickAsync();
        var inspector = page.GetByTestId("inspector");
        await Expect(inspector.GetByTestId("config-retries")).ToBeAttachedAsync();
        Assert.True(await inspector.EvaluateAsync<bool>("el => el.scrollHeight > el.clientHeight"),
            "The form should be longer than the panel at 600 px high: " + await inspector.EvaluateAsync<string>(
                "el => JSON.stringify({ client: el.clientHeight, scroll: el.scrollHeight, page: document.scrollingElement.scrollHeight, editor: document.querySelector('.editor').getBoundingClientRect().height, body: document.querySelector('.editor-body').getBoundingClientRect().height })"));

        var box = (await inspector.BoundingBoxAsync())!;
        await page.Mouse.MoveAsync(box.X + (box.Width / 2), box.Y + (box.Height / 2));
        await page.Mouse.WheelAsync(0, 2000);
        await page.WaitForFunctionAsync("() => document.querySelector('[data-testid=inspector]').scrollTop > 0");
        // Reaching a field at the end of the form by keyboard scrolls the panel, not the page either.
        await inspector.GetByTestId("node-retry-maxAttempts").FocusAsync();

        Assert.Equal(0, await page.EvaluateAsync<double>("() => document.scrollingElement.scrollTop"));
        var toolbar = (await page.GetByTestId("save").BoundingBoxAsync())!;
        Assert.InRange(toolbar.Y, 0, 600);
        var canvas = (await page.GetByTestId("canvas").BoundingBoxAsync())!;
        Assert.True(canvas.Y >= 0 && canvas.Y + canvas.Height <= 601, $"The canvas ({canvas.Y}, {canvas.Height} high) left the window.");
        browser.AssertNoErrors();
    }

    [Fact]
    public async Task Editor_At1024By768_NothingOverflowsTheWindowSideways()
    {
        await host.CreateWorkflowAsync(Chain("view-narrow", 4));
        await using var browser = await chromium.NewPageAsync(host.BaseAddress);
        var page = browser.Page;
        await page.SetViewportSizeAsync(1024, 768);
        await browser.OpenCanvasAsync("/workflows/view-narrow");
        await EditorPage.Node(page, "n1").ClickAsync();
        await Expect(page.GetByTestId("node-form")).ToBeVisibleAsync();

        // Every element outside the drawing (which the canvas clips on purpose) ends inside the window.
        var overflowing = await page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll("body *")]
              .filter(el => !el.closest("[data-testid=paper]") && !el.closest("dialog:not([open])") && el.getClientRects().length > 0)
              .filter(el => el.getBoundingClientRect().right > window.innerWidth + 0.5)
              .map(el => `${el.tagName.toLowerCase()}[${el.dataset.testid ?? el.className}] ends at ${Math.round(el.getBoundingClientRect().right)}`)
            """);
        Assert.True(overflowing.Length == 0, string.Join(Environment.NewLine, overflowing));
        Assert.True(await page.EvaluateAsync<bool>("() => document.scrollingElement.scrollWidth <= window.innerWidth"));
        foreach (var (testid, min) in new[] { ("palette", 120), ("canvas", 400), ("inspector", 260) })
        {
            var box = (await page.GetByTestId(testid).BoundingBoxAsync())!;
            Assert.True(box.Width >= min, $"{testid} is {box.Width} px wide at 1024 px.");
        }
        browser.AssertNoErrors();
    }

    [Fact]
    public async Task Palette_KindsFromTheServer_ListedInItsOrderAndFormsShowItsFields()
    {
        var kinds = await host.GetJsonAsync("/api/node-kinds");
        var expected = kinds.GetProperty("items").EnumerateArray()
            .Select(k => $"{k.GetProperty("type").GetString()}/{k.GetProperty("kind").GetString()}:{k.GetProperty("label").GetString()}").ToArray();
        await using var browser = await chromium.NewPageAsync(host.BaseAddress);
        var page = browser.Page;
        await browser.OpenCanvasAsync("/workflows/new?blank");

        var listed = await page.Locator("[data-testid=palette-item]").EvaluateAllAsync<string[]>(
            "items => items.map(i => `${i.dataset.type}/${i.dataset.kind}:${i.textContent.trim()}`)");
        Assert.Equal(expected, listed);

        await EditorPage.DropAsync(page, "tool", "http", 300, 200);
        var headers = page.Locator("[data-testid=field][data-field='config/headers']");
        await Expect(headers).ToContainTextAsync("Headers");
        await Expect(headers).ToContainTextAsync("credentials as {{ secrets.NAME }}");
        await Expect(page.GetByTestId("config-method")).ToHaveValueAsync("GET");
        var document = await EditorPage.DocumentAsync(page);
        Assert.Equal("""{"tool":"http","method":"GET","url":""}""", document!["nodes"]![0]!["config"]!.ToJsonString());
        browser.AssertNoErrors();
    }

    private static async Task<double> ZoomAsync(IPage page) =>
        double.Parse((await page.GetByTestId("zoom-level").TextContentAsync())!.TrimEnd('%', ' '), CultureInfo.InvariantCulture);

    private static async Task<(float Left, float Right, float CentreX, float CentreY)> NodesBoxAsync(IPage page)
    {
        var boxes = await EditorPage.Nodes(page).EvaluateAllAsync<float[][]>(
            "nodes => nodes.map(n => { const r = n.querySelector('.node-body').getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })");
        var left = boxes.Min(b => b[0]);
        var top = boxes.Min(b => b[1]);
        var right = boxes.Max(b => b[2]);
        var bottom = boxes.Max(b => b[3]);
        return (left, right, (left + right) / 2, (top + bottom) / 2);
    }

    // A trigger and a row of transforms, laid out by the editor (no layout in the document).
    private static string Chain(string id, int count)
    {
        var nodes = new List<string> { """{"id": "start", "type": "trigger", "config": {"kind": "manual"}}""" };
        var edges = new List<string>();
        for (var i = 1; i < count; i++)
        {
            nodes.Add("{\"id\": \"n" + i.ToString(CultureInfo.InvariantCulture) + "\", \"type\": \"tool\", \"config\": {\"tool\": \"transform\", \"value\": " + i.ToString(CultureInfo.InvariantCulture) + "}}");
            edges.Add($$"""{"from": "{{(i == 1 ? "start" : $"n{i - 1}")}}", "to": "n{{i}}"}""");
        }
        var json = new StringBuilder();
        json.Append(CultureInfo.InvariantCulture, $$"""{"id": "{{id}}", "nodes": [""");
        json.AppendJoin(",", nodes).Append("], \"edges\": [").AppendJoin(",", edges).Append("]}");
        return json.ToString();
    }
}
