using System.Text.Json.Nodes;
using ChatFlows.Bot.Tests.Browser;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ChatFlows.Bot.Tests.Canvas;

/// <summary>What the editor tests do on the page: drop nodes from the palette, connect ports, read the document.</summary>
internal static class EditorPage
{
    public static ILocator Nodes(IPage page) => page.Locator("[data-testid=node]");

    public static ILocator Node(IPage page, string id) => page.Locator($"[data-testid=node][data-node-id='{id}']");

    /// <summary>Drags a palette item onto the canvas with real HTML5 drag and drop, its centre at (x, y) in the canvas.</summary>
    public static async Task DropAsync(IPage page, string type, string kind, float x, float y)
    {
        var count = await Nodes(page).CountAsync();
        await page.Locator($"[data-testid=palette-item][data-type='{type}'][data-kind='{kind}']")
            .DragToAsync(page.GetByTestId("canvas"), new() { TargetPosition = new() { X = x, Y = y } });
        await Expect(Nodes(page)).ToHaveCountAsync(count + 1);
    }

    /// <summary>Drags with the mouse from a node's output port to another node's input port.</summary>
    public static async Task ConnectAsync(IPage page, string from, string port, string to)
    {
        var source = await Centre(page.Locator($"[data-node-id='{from}'] [data-testid=port][data-port='{port}']"));
        var target = await Centre(page.Locator($"[data-node-id='{to}'] [data-testid=port][data-port='in']"));
        await page.Mouse.MoveAsync(source.X, source.Y);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync((source.X + target.X) / 2, (source.Y + target.Y) / 2, new() { Steps = 4 });
        await page.Mouse.MoveAsync(target.X, target.Y, new() { Steps = 4 });
        await page.Mouse.UpAsync();
        var edge = port == "out" ? $"[data-testid=edge][data-from='{from}'][data-port=''][data-to='{to}']" : $"[data-testid=edge][data-from='{from}'][data-port='{port}'][data-to='{to}']";
        await Expect(page.Locator(edge)).ToHaveCountAsync(1);
    }

    /// <summary>
    /// No script errors and no failed requests but the answers the test provoked: Chromium logs every 4xx the page
    /// receives, also the 400 and 409 the editor reads and shows.
    /// </summary>
    public static void AssertNoErrors(BrowserPage browser, int expectedStatus)
    {
        var expected = $"Failed to load resource: the server responded with a status of {expectedStatus} ";
        var unexpected = browser.Errors.Where(e => !e.Contains(expected, StringComparison.Ordinal)).ToArray();
        Assert.True(unexpected.Length == 0, string.Join(Environment.NewLine, unexpected));
    }

    /// <summary>The document as the editor holds it.</summary>
    public static async Task<JsonNode?> DocumentAsync(IPage page) =>
        JsonNode.Parse(await page.EvaluateAsync<string>("() => JSON.stringify(window.editorDocument())"));

    private static async Task<(float X, float Y)> Centre(ILocator locator)
    {
        var box = await locator.BoundingBoxAsync() ?? throw new InvalidOperationException($"{locator} is not on the page.");
        return (box.X + (box.Width / 2), box.Y + (box.Height / 2));
    }
}
