using ChatFlows.Bot.Tests.Browser;
using ChatFlows.Core.Workspaces;
using static Microsoft.Playwright.Assertions;

namespace ChatFlows.Bot.Tests.Roles;

/// <summary>
/// The Members page in Chromium (README §Workspaces and roles): an admin of 'hr', signed in with the provider, finds
/// it in the top bar, grants a group a role, changes it and removes it; removing the last admin is refused on the page.
/// </summary>
[Collection(RolesCollection.Name)]
public sealed class MembersPageTests(RolesFixture roles, ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task MembersPage_AdminGrantsChangesAndRemovesARole_TheListFollowsAndTheLastAdminStays()
    {
        roles.Provider.User = new SignIn.TestPerson("admin-sub", "admin@corp.example", "admin@corp.example");
        await using var browser = await chromium.NewPageAsync(roles.Host.BaseAddress);
        var page = browser.Page;
        await page.GotoAsync($"/w/{RolesFixture.Workspace}/runs");
        await page.GetByTestId("provider-signin").ClickAsync();
        await browser.WaitUntilCanvasReadyAsync();

        await page.GetByTestId("nav-members").ClickAsync();
        await browser.WaitUntilCanvasReadyAsync();
        await Expect(page.GetByTestId("members-workspace")).ToHaveTextAsync(RolesFixture.Workspace);
        await page.GetByTestId("member-principal").FillAsync("group:finance-page");
        await page.GetByTestId("member-role").SelectOptionAsync("editor");
        await page.GetByTestId("member-add-submit").ClickAsync();

        var row = page.Locator("[data-testid=member-row][data-principal='group:finance-page']");
        await Expect(row.GetByTestId("member-row-role")).ToHaveValueAsync("editor");
        await row.GetByTestId("member-row-role").SelectOptionAsync("viewer");
        await Expect(page.GetByTestId("toast-info").Last).ToContainTextAsync("group:finance-page is now viewer.");
        await page.ReloadAsync();
        await browser.WaitUntilCanvasReadyAsync();
        await Expect(row.GetByTestId("member-row-role")).ToHaveValueAsync("viewer");
        await row.GetByTestId("member-row-remove").ClickAsync();
        await Expect(row).ToHaveCountAsync(0);
        browser.AssertNoErrors();

        await page.Locator($"[data-testid=member-row][data-principal='{RolesFixture.Person(Role.Admin)}']").GetByTestId("member-row-remove").ClickAsync();
        await Expect(page.GetByTestId("member-error")).ToContainTextAsync("is the only admin of workspace 'hr'");
        await Expect(page.Locator($"[data-testid=member-row][data-principal='{RolesFixture.Person(Role.Admin)}']")).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task TopBar_EditorOfTheWorkspace_HasNoMembersLink()
    {
        roles.Provider.User = new SignIn.TestPerson("editor-sub", "editor@corp.example", "editor@corp.example");
        await using var browser = await chromium.NewPageAsync(roles.Host.BaseAddress);
        var page = browser.Page;

        await page.GotoAsync($"/w/{RolesFixture.Workspace}/runs");
        await page.GetByTestId("provider-signin").ClickAsync();
        await browser.WaitUntilCanvasReadyAsync();

        await Expect(page.GetByTestId("nav-runs")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("nav-members")).ToHaveCountAsync(0);
    }
}
