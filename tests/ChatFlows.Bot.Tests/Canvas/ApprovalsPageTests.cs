using System.Text.Json;
using ChatFlows.Bot.Tests.Browser;
using static Microsoft.Playwright.Assertions;

namespace ChatFlows.Bot.Tests.Canvas;

/// <summary>
/// README §Approvals: "My approvals" in real Chromium as this machine's local user, an admin by default: every waiting
/// approval behind the admin toggle, Reassign there, and Delegate handing an approval on.
/// </summary>
[Collection(HostCollection.Name)]
[Trait("Host", "shared")]
public sealed class ApprovalsPageTests(HostFixture host, ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task ApprovalsPage_AdminReassignsToThemselvesThenDelegates_TheItemComesAndGoes()
    {
        await host.CreateWorkflowAsync(Api.ApprovalsApiTests.Workflow("page-reassign", """["playground:zed"]"""));
        var runId = await host.StartRunAsync("page-reassign", JsonSerializer.Serialize(new { service = "cache" }));
        await host.WaitForRunAsync(runId, "waiting");
        await using var browser = await chromium.NewPageAsync(host.BaseAddress);
        var page = browser.Page;
        await browser.OpenCanvasAsync("/approvals");
        var item = page.Locator($"[data-testid=approval-item][data-run='{runId}']");
        // Not local's to decide: only the admin's list shows it.
        await Expect(item).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("nav-approvals")).ToHaveAttributeAsync("aria-current", "page");

        await page.GetByTestId("approvals-all").CheckAsync();
        await Expect(item.GetByTestId("approval-prompt")).ToHaveTextAsync("Deploy cache?");
        await Expect(item.GetByTestId("approval-still-needed")).ToContainTextAsync("playground:zed");
        await item.GetByTestId("approval-reassign-to").FillAsync("local, playground:bo");
        await item.GetByTestId("approval-reassign-submit").ClickAsync();
        await Expect(item.GetByTestId("approval-still-needed")).ToContainTextAsync("local, playground:bo");
        await page.GetByTestId("approvals-all").UncheckAsync();
        await Expect(item).ToHaveCountAsync(1);

        await item.GetByTestId("approval-delegate-to").FillAsync("not an approver");
        await item.GetByTestId("approval-delegate").ClickAsync();
        await Expect(item.GetByTestId("approval-error")).ToContainTextAsync("to:");
        await item.GetByTestId("approval-delegate-to").FillAsync("playground:ana");
        await item.GetByTestId("approval-delegate").ClickAsync();

        await Expect(item).ToHaveCountAsync(0);
        var state = Assert.Single((await host.GetJsonAsync($"/api/runs/{runId}")).GetProperty("approvals").EnumerateArray());
        Assert.Equal(["playground:bo", "playground:ana"], state.GetProperty("approvers").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal("playground:ana", Assert.Single(state.GetProperty("delegations").EnumerateArray()).GetProperty("to").GetString());
        EditorPage.AssertNoErrors(browser, expectedStatus: 400);
    }
}
