using ChatFlows.Bot.Tests.Browser;
using static Microsoft.Playwright.Assertions;

namespace ChatFlows.Bot.Tests.Canvas;

/// <summary>
/// README §Approvals in the editor: the approval node's policy (quorum, reminders, escalation, comment rule) is edited
/// in its inspector form, a bad value is shown at its field after saving, and what was saved is there after a reload.
/// </summary>
[Collection(HostCollection.Name)]
[Trait("Host", "shared")]
public sealed class ApprovalInspectorTests(HostFixture host, ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task Inspector_QuorumAndEscalation_BadValuesShownAtTheirFieldsThenSavedAndReloaded()
    {
        await host.CreateWorkflowAsync("""
            {"id": "editor-approval", "nodes": [
              {"id": "go", "type": "trigger", "config": {"kind": "manual"}},
              {"id": "ok", "type": "approval", "config": {"prompt": "Ship it?", "approvers": ["playground:ana", "playground:bo"]}}],
             "edges": [{"from": "go", "to": "ok"}]}
            """);
        await using var browser = await chromium.NewPageAsync(host.BaseAddress);
        var page = browser.Page;
        await browser.OpenCanvasAsync("/workflows/editor-approval");
        await EditorPage.Node(page, "ok").ClickAsync();

        await page.GetByTestId("config-quorum").FillAsync("two");
        await page.GetByTestId("config-quorum").PressAsync("Tab");
        await page.GetByTestId("config-escalate").FillAsync("""{"after": "soon", "to": ["playground:oncall"]}""");
        await page.GetByTestId("config-escalate").PressAsync("Tab");
        await page.GetByTestId("save").ClickAsync();

        await Expect(EditorPage.Node(page, "ok")).ToHaveAttributeAsync("data-invalid", "true");
        await EditorPage.Node(page, "ok").ClickAsync();
        await Expect(page.Locator("[data-testid=field][data-field='config/quorum'] [data-testid=field-error]")).ToContainTextAsync("quorum must be");
        await Expect(page.Locator("[data-testid=field][data-field='config/escalate'] [data-testid=field-error]")).ToContainTextAsync("after");

        await page.GetByTestId("config-quorum").FillAsync("2");
        await page.GetByTestId("config-quorum").PressAsync("Tab");
        await page.GetByTestId("config-escalate").FillAsync("""{"after": "PT30M", "to": ["playground:oncall"], "notify": "playground:oncall"}""");
        await page.GetByTestId("config-escalate").PressAsync("Tab");
        await page.GetByTestId("config-remind").FillAsync("PT10M");
        await page.GetByTestId("config-remind").PressAsync("Tab");
        await page.GetByTestId("config-requireComment").SelectOptionAsync("reject");
        await page.GetByTestId("save").ClickAsync();
        await Expect(page.GetByTestId("toast-success")).ToContainTextAsync("Saved version 2");

        var config = (await host.GetJsonAsync("/api/workflows/editor-approval")).GetProperty("nodes")[1].GetProperty("config");
        Assert.Equal("2", config.GetProperty("quorum").ToString());
        Assert.Equal("PT30M", config.GetProperty("escalate").GetProperty("after").GetString());
        Assert.Equal("playground:oncall", config.GetProperty("escalate").GetProperty("notify").GetString());
        Assert.Equal("PT10M", config.GetProperty("remind").GetString());
        Assert.Equal("reject", config.GetProperty("requireComment").GetString());

        await page.ReloadAsync();
        await browser.WaitUntilCanvasReadyAsync();
        await EditorPage.Node(page, "ok").ClickAsync();
        await Expect(page.GetByTestId("config-quorum")).ToHaveValueAsync("2");
        await Expect(page.GetByTestId("config-escalate")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("PT30M"));
        await Expect(page.GetByTestId("config-requireComment")).ToHaveValueAsync("reject");
        EditorPage.AssertNoErrors(browser, expectedStatus: 400);
    }
}
