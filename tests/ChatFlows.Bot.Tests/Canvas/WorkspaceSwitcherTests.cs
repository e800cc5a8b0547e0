using System.Net;
using ChatFlows.Bot.Tests.Browser;
using ChatFlows.Core.Workspaces;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ChatFlows.Bot.Tests.Canvas;

/// <summary>
/// The workspace switcher in the top bar (README §Workspaces and roles), in real Chromium against the real host: picking
/// a workspace opens its dashboard, which lists its workflows only, and the editor there saves into it.
/// </summary>
[Collection(HostCollection.Name)]
[Trait("Host", "shared")]
public sealed class WorkspaceSwitcherTests(HostFixture host, ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task Switcher_PickAWorkspace_DashboardListsOnlyItsWorkflowsAndTheEditorSavesIntoIt()
    {
        var store = host.Services.GetRequiredService<IWorkspaceStore>();
        if (await store.GetAsync("ui-team") is null) await store.CreateAsync(new Workspace("ui-team", "UI team", WorkspacePolicy.Open, [], DateTimeOffset.UtcNow));
        await host.CreateWorkflowAsync(TestWorkflows.Echo("ui-default-flow"));
        using (var created = await host.SendAsync(HttpMethod.Post, "/api/w/ui-team/workflows", TestWorkflows.Echo("ui-team-flow")))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }
        await using var browser = await chromium.NewPageAsync(host.BaseAddress);
        var page = browser.Page;
        await browser.OpenCanvasAsync("/");
        await Expect(page.Locator("[data-testid=workflow-edit]", new() { HasText = "ui-default-flow" })).ToHaveCountAsync(1);

        // Waited for from before the pick: a navigation that ends before the wait begins was missed now and then.
        var switched = page.WaitForURLAsync("**/w/ui-team/");
        await page.GetByTestId("workspace-switch").SelectOptionAsync("ui-team");
        await switched;
        await browser.WaitUntilCanvasReadyAsync();

        await Expect(page.GetByTestId("workspace-switch")).ToHaveValueAsync("ui-team");
        var listed = page.GetByTestId("workflow-edit");
        await Expect(listed).ToHaveCountAsync(1);
        await Expect(listed).ToHaveTextAsync("ui-team-flow");
        await Expect(listed).ToHaveAttributeAsync("href", "/w/ui-team/workflows/ui-team-flow");
        await Expect(page.GetByTestId("nav-runs")).ToHaveAttributeAsync("href", "/w/ui-team/runs");

        await page.GetByTestId("workflow-new").ClickAsync();
        var opened = page.WaitForURLAsync("**/w/ui-team/workflows/new?blank");
        await page.GetByTestId("template-blank").ClickAsync();
        await opened;
        await browser.WaitUntilCanvasReadyAsync();
        await EditorPage.DropAsync(page, "trigger", "manual", 130, 120);
        await EditorPage.DropAsync(page, "output", "end", 430, 120);
        await EditorPage.ConnectAsync(page, "manual", "out", "end");
        await page.GetByTestId("save").ClickAsync();
        await page.GetByTestId("save-id").FillAsync("ui-team-saved");
        await page.GetByTestId("save-confirm").ClickAsync();

        await Expect(page.GetByTestId("toast-success")).ToContainTextAsync("Saved version 1");
        Assert.EndsWith("/w/ui-team/workflows/ui-team-saved", page.Url, StringComparison.Ordinal);
        Assert.Equal("ui-team", (await host.GetJsonAsync("/api/w/ui-team/workflows/ui-team-saved")).GetProperty("workspace").GetString());
        using var fromDefault = await host.Client.GetAsync("/api/workflows/ui-team-saved");
        Assert.Equal(HttpStatusCode.NotFound, fromDefault.StatusCode);
        browser.AssertNoErrors();
    }
}
