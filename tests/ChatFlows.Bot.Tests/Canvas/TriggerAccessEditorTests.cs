using ChatFlows.Bot.Tests.Browser;
using static Microsoft.Playwright.Assertions;

namespace ChatFlows.Bot.Tests.Canvas;

/// <summary>The editor's forms for who may run a command and for timestamped webhooks, in real Chromium against the real host.</summary>
[Collection(HostCollection.Name)]
[Trait("Host", "shared")]
public sealed class TriggerAccessEditorTests(HostFixture host, ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task Save_AllowedPeopleAndTimestampedWebhook_AreStoredAndABadIdentityIsMarked()
    {
        await host.CreateWorkflowAsync("""
            {"id": "editor-access", "nodes": [
              {"id": "cmd", "type": "trigger", "config": {"kind": "command", "command": "editor-access"}},
              {"id": "hook", "type": "trigger", "config": {"kind": "webhook", "secret": "s3cret"}},
              {"id": "done", "type": "output", "config": {"kind": "end"}}],
             "edges": [{"from": "cmd", "to": "done"}, {"from": "hook", "to": "done"}]}
            """);
        await using var browser = await chromium.NewPageAsync(host.BaseAddress);
        var page = browser.Page;
        await browser.OpenCanvasAsync("/workflows/editor-access");

        await EditorPage.Node(page, "cmd").ClickAsync();
        await page.GetByTestId("config-allow/users").FillAsync("playground:ada\nada");
        await page.GetByTestId("config-allow/channels").FillAsync("playground:ops");
        await page.GetByTestId("save").ClickAsync();

        var users = page.Locator("[data-testid=field][data-field='config/allow/users']");
        await Expect(users.GetByTestId("field-error")).ToContainTextAsync("1: 'ada' is not an approver");
        await page.GetByTestId("config-allow/users").FillAsync("playground:ada");
        await EditorPage.Node(page, "hook").ClickAsync();
        await page.GetByTestId("config-timestamped").CheckAsync();
        await Expect(page.GetByText("X-ChatFlows-Timestamp: <unix seconds>")).ToBeVisibleAsync();
        await page.GetByTestId("save").ClickAsync();
        await Expect(page.GetByTestId("toast-success")).ToContainTextAsync("Saved version 2");

        var stored = await host.GetJsonAsync("/api/workflows/editor-access");
        var allow = stored.GetProperty("nodes")[0].GetProperty("config").GetProperty("allow");
        Assert.Equal("""{"users":["playground:ada"],"channels":["playground:ops"]}""", allow.GetRawText());
        Assert.True(stored.GetProperty("nodes")[1].GetProperty("config").GetProperty("timestamped").GetBoolean());
        EditorPage.AssertNoErrors(browser, expectedStatus: 400);
    }
}
