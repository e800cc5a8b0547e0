using ChatFlows.Bot.Tests.Browser;
using static Microsoft.Playwright.Assertions;

namespace ChatFlows.Bot.Tests.Canvas;

/// <summary>The editor's form for tool/github in real Chromium: it shows the fields of the chosen action only.</summary>
[Collection(HostCollection.Name)]
[Trait("Host", "shared")]
public sealed class GithubInspectorTests(HostFixture host, ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task Inspector_ActionChanged_ShowsThatActionsFieldsAndListsTheOthersThatAreSet()
    {
        // Stored past validation: this host has no github connection, and the form is what is under test.
        await host.StoreUncheckedAsync("editor-github", """
            {"id": "editor-github", "version": 1, "nodes": [
              {"id": "go", "type": "trigger", "config": {"kind": "manual"}},
              {"id": "gh", "type": "tool", "config": {"tool": "github", "connection": "github", "action": "comment", "repository": "octo-org/website", "number": "{{ trigger.issue }}", "body": "Thanks!"}}],
             "edges": [{"from": "go", "to": "gh"}]}
            """);
        await using var browser = await chromium.NewPageAsync(host.BaseAddress);
        var page = browser.Page;
        await browser.OpenCanvasAsync("/workflows/editor-github");

        await EditorPage.Node(page, "gh").ClickAsync();
        await Expect(page.GetByTestId("config-number")).ToHaveValueAsync("{{ trigger.issue }}");
        await Expect(page.GetByTestId("config-body")).ToHaveValueAsync("Thanks!");
        await Expect(page.GetByTestId("config-title")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("config-state")).ToHaveCountAsync(0);

        await page.GetByTestId("config-action").SelectOptionAsync("list-issues");

        await Expect(page.GetByTestId("config-state")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("config-labels")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("config-number")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("node-form")).ToContainTextAsync("Also set: number, body (kept as they are).");
        await Expect(EditorPage.Node(page, "gh")).ToContainTextAsync("list-issues octo-org/website");
    }
}
