using System.Text.RegularExpressions;
using ChatFlows.Bot.Tests.Browser;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ChatFlows.Bot.Tests.Canvas;

/// <summary>README §Test a node and §Replay a run in real Chromium against the real host, as a person uses them.</summary>
[Collection(HostCollection.Name)]
[Trait("Host", "shared")]
public sealed class NodeTestAndReplayPageTests(HostFixture host, ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    /// <summary>play → fetch (a transform standing in for a call) → shape → done; fetch and shape have names.</summary>
    private static string Pipeline(string id) => """
        {
          "id": "__ID__",
          "nodes": [
            {"id": "play", "type": "trigger", "config": {"kind": "manual"}},
            {"id": "fetch", "name": "Fetch the numbers", "type": "tool", "config": {"tool": "transform", "value": {"count": 3}}},
            {"id": "shape", "name": "Shape the report", "type": "tool", "config": {"tool": "transform", "value": {"line": "{{ trigger.who | default: 'nobody' }} has {{ data.fetch.count }}"}}},
            {"id": "done", "type": "tool", "config": {"tool": "transform", "value": "{{ data.shape.line }}!"}}
          ],
          "edges": [{"from": "play", "to": "fetch"}, {"from": "fetch", "to": "shape"}, {"from": "shape", "to": "done"}]
        }
        """.Replace("__ID__", id, StringComparison.Ordinal);

    [Fact]
    public async Task Inspector_TestNodeWithEditedInputsThenPin_ShowsTheOutputAndKeepsItAsSample()
    {
        await host.CreateWorkflowAsync(Pipeline("ui-node-test"));
        await using var browser = await chromium.NewPageAsync(host.BaseAddress);
        var page = browser.Page;
        await browser.OpenCanvasAsync("/workflows/ui-node-test");

        await EditorPage.Node(page, "shape").ClickAsync();
        await page.Locator("[data-testid=node-test] summary").ClickAsync();
        await page.GetByTestId("node-test-source").SelectOptionAsync("custom");
        await page.GetByTestId("node-test-input").FillAsync("""{"trigger": {"who": "Ada"}, "data": {"fetch": {"count": 7}}}""");
        await page.GetByTestId("node-test-run").ClickAsync();

        await Expect(page.GetByTestId("node-test-output")).ToContainTextAsync("\"line\": \"Ada has 7\"");
        await Expect(page.GetByTestId("node-test-facts")).ToContainTextAsync("succeeded");
        await page.GetByTestId("node-test-pin").ClickAsync();
        await Expect(page.GetByTestId("dirty")).ToBeVisibleAsync();
        var document = await EditorPage.DocumentAsync(page);
        Assert.Equal("Ada has 7", document?["pinned"]?["nodes"]?["shape"]?["line"]?.GetValue<string>());
        var runs = await host.GetJsonAsync("/api/runs?workflow=ui-node-test");
        Assert.Empty(runs.GetProperty("items").EnumerateArray());
        browser.AssertNoErrors();
    }

    [Fact]
    public async Task Inspector_TestSideEffectNode_AsksFirstNamingTheEffect()
    {
        await host.CreateWorkflowAsync("""
            {"id": "ui-node-confirm", "nodes": [
              {"id": "play", "type": "trigger", "config": {"kind": "manual"}},
              {"id": "call", "type": "tool", "config": {"tool": "http", "method": "POST", "url": "http://10.255.255.1/deploy"}}],
             "edges": [{"from": "play", "to": "call"}]}
            """);
        await using var browser = await chromium.NewPageAsync(host.BaseAddress);
        var page = browser.Page;
        await browser.OpenCanvasAsync("/workflows/ui-node-confirm");
        string? asked = null;
        page.Dialog += async (_, dialog) =>
        {
            asked = dialog.Message;
            await dialog.DismissAsync();
        };

        await EditorPage.Node(page, "call").ClickAsync();
        await page.Locator("[data-testid=node-test] summary").ClickAsync();
        await page.GetByTestId("node-test-source").SelectOptionAsync("custom");
        await page.GetByTestId("node-test-run").ClickAsync();

        await Expect(page.GetByTestId("node-test-problem")).ToHaveTextAsync("Not tested: the node was not confirmed.");
        Assert.Equal("This node sends an HTTP request. Test it for real?", asked);
        EditorPage.AssertNoErrors(browser, 409);
    }

    [Fact]
    public async Task RunPage_ReplayFromTheMiddleNode_OpensTheNewRunLinkedToTheOldOne()
    {
        await host.CreateWorkflowAsync(Pipeline("ui-replay"));
        var oldId = await host.StartRunAsync("ui-replay", """{"who": "Grace"}""");
        await host.WaitForRunAsync(oldId);
        await using var browser = await chromium.NewPageAsync(host.BaseAddress);
        var page = browser.Page;
        await browser.OpenCanvasAsync($"/runs/{oldId}");

        var shape = page.Locator("[data-testid=timeline-node][data-id=shape]");
        await shape.Locator("summary").ClickAsync();
        await shape.GetByTestId("replay-from-here").ClickAsync();

        // The new run's address is enough (its page's readiness is waited for next): waiting for the whole load here timed
        // out on a busy machine while the page was still fetching its scripts.
        await page.WaitForURLAsync(new Regex(@"/runs/(?!" + oldId + ")[0-9a-f]+$"), new() { WaitUntil = WaitUntilState.Commit, Timeout = 30_000 });
        await browser.WaitUntilCanvasReadyAsync();
        await Expect(page.GetByTestId("run-replay-of")).ToContainTextAsync("Replay of");
        await Expect(page.GetByTestId("replay-of-link")).ToHaveAttributeAsync("href", $"/runs/{oldId}");
        await Expect(page.GetByTestId("replay-of-node")).ToHaveTextAsync("Shape the report");
        await Expect(page.Locator("[data-testid=timeline-node][data-id=done]")).ToHaveAttributeAsync("data-status", "succeeded");
        await Expect(page.Locator("[data-testid=timeline-node][data-id=fetch] [data-testid=timeline-reused]")).ToContainTextAsync("reused from");
        await Expect(page.Locator("[data-testid=timeline-node][data-id=shape] [data-testid=timeline-reused]")).ToHaveCountAsync(0);
        var newId = page.Url.Split('/').Last();

        await browser.OpenCanvasAsync($"/runs/{oldId}");
        await Expect(page.GetByTestId("replay")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("replay").Locator("a")).ToHaveAttributeAsync("href", $"/runs/{newId}");
        await Expect(page.GetByTestId("replay")).ToContainTextAsync("from Shape the report");
        browser.AssertNoErrors();
    }
}
