using ChatFlows.Bot.Tests.Browser;
using static Microsoft.Playwright.Assertions;

namespace ChatFlows.Bot.Tests.Canvas;

/// <summary>The workflow's tests in the editor (README §Workflow tests): their status in the toolbar, the panel, re-runs.</summary>
[Collection(HostCollection.Name)]
[Trait("Host", "shared")]
public sealed class WorkflowTestsEditorTests(HostFixture host, ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private const string Passing = """{"name": "says the status", "mocks": {"fetch": {"output": {"status": 200}}}, "expect": {"outputs": {"say": {"text": "status 200"}}}}""";
    private const string Failing = """{"name": "expects a healthy fetch", "mocks": {"fetch": {"output": {"status": 503}}}, "expect": {"outputs": {"fetch": {"status": 200}}}}""";
    private const string Fixed = """{"name": "expects a healthy fetch", "mocks": {"fetch": {"output": {"status": 503}}}, "expect": {"outputs": {"fetch": {"status": 503}}}}""";

    [Fact]
    public async Task Toolbar_WorkflowWithAFailingTest_ShowsTheCountAndThePanelShowsTheMismatch()
    {
        await host.CreateWorkflowAsync($$$"""
            {"id": "editor-tests", "nodes": [
              {"id": "go", "type": "trigger", "config": {"kind": "manual"}},
              {"id": "fetch", "type": "tool", "config": {"tool": "http", "method": "GET", "url": "https://status.example/api"}},
              {"id": "say", "type": "output", "config": {"kind": "message", "text": "status {{ data.fetch.status }}"}}],
             "edges": [{"from": "go", "to": "fetch"}, {"from": "fetch", "to": "say"}],
             "tests": [{{{Passing}}}, {{{Failing}}}]}
            """);
        await using var browser = await chromium.NewPageAsync(host.BaseAddress);
        var page = browser.Page;
        await browser.OpenCanvasAsync("/workflows/editor-tests");

        var status = page.GetByTestId("tests-status");
        await Expect(status).ToHaveTextAsync("Tests: 1 ✓ / 1 ✗");
        await Expect(status).ToHaveAttributeAsync("data-status", "failed");
        await status.ClickAsync();
        var panel = page.GetByTestId("tests-panel");
        await Expect(panel).ToBeVisibleAsync();
        var failing = panel.Locator("[data-testid=test-result][data-name='expects a healthy fetch']");
        await Expect(failing).ToContainTextAsync("✗ expects a healthy fetch");
        await Expect(failing.GetByTestId("test-mismatch")).ToHaveTextAsync("outputs.fetch.status: expected 200, got 503");
        await Expect(panel.Locator("[data-testid=test-result][data-name='says the status']")).ToContainTextAsync("✓ says the status");
        await Expect(panel.GetByTestId("tests-summary")).ToHaveTextAsync("1 passed, 1 failed.");
        await Expect(panel).Not.ToContainTextAsync("null");

        // Edited in the panel: the unsaved tests run at once.
        await panel.GetByTestId("tests-json").FillAsync($"[{Passing}, {Fixed}]");
        await panel.GetByTestId("tests-apply").ClickAsync();
        await Expect(status).ToHaveTextAsync("Tests: 2 ✓");
        await Expect(status).ToHaveAttributeAsync("data-status", "passed");
        await panel.GetByTestId("tests-close").ClickAsync();

        // An edit that breaks a test shows once saved.
        await EditorPage.Node(page, "say").ClickAsync();
        await page.GetByTestId("config-text").FillAsync("status is {{ data.fetch.status }}");
        await page.GetByTestId("config-text").PressAsync("Tab");
        await Expect(status).ToHaveTextAsync("Tests: 2 ✓");
        await page.GetByTestId("save").ClickAsync();
        await Expect(page.GetByTestId("toast-success")).ToContainTextAsync("Saved version 2");
        await Expect(status).ToHaveTextAsync("Tests: 1 ✓ / 1 ✗");
        await status.ClickAsync();
        await Expect(panel.Locator("[data-testid=test-result][data-name='says the status'] [data-testid=test-mismatch]"))
            .ToHaveTextAsync("outputs.say.text: expected \"status 200\", got \"status is 200\"");

        var saved = await host.GetJsonAsync("/api/workflows/editor-tests");
        Assert.Equal(503, saved.GetProperty("tests")[1].GetProperty("expect").GetProperty("outputs").GetProperty("fetch").GetProperty("status").GetInt32());
        EditorPage.AssertNoErrors(browser, expectedStatus: 400);
    }
}
