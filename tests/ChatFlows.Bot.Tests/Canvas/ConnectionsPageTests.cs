using System.Net;
using System.Text.Json;
using ChatFlows.Bot.Tests.Browser;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ChatFlows.Bot.Tests.Canvas;

/// <summary>
/// README §Connections in real Chromium against the real host: connections made in the dashboard (credentials write-only,
/// the server's field problems at each field), picked in the editor's inspector and in the agent form.
/// </summary>
[Collection(HostCollection.Name)]
[Trait("Host", "shared")]
public sealed class ConnectionsPageTests(HostFixture host, ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private const string ApiKey = "dash-key-6e1b90c4";

    [Fact]
    public async Task Connection_CreatedInDashboardAfterAFieldError_PickedInTheInspectorAndSaved()
    {
        await host.CreateWorkflowAsync("""
            {"id": "conn-editor",
             "nodes": [
              {"id": "go", "type": "trigger", "config": {"kind": "manual"}},
              {"id": "fetch", "type": "tool", "config": {"tool": "http", "method": "GET", "url": "https://example.com/status"}}],
             "edges": [{"from": "go", "to": "fetch"}]}
            """);
        await using var browser = await chromium.NewPageAsync(host.BaseAddress);
        var page = browser.Page;
        await browser.OpenCanvasAsync("/");

        await page.GetByTestId("connection-new").ClickAsync();
        await page.GetByTestId("connection-name").FillAsync("dash-api");
        await page.GetByTestId("connection-type").SelectOptionAsync("http");
        await page.GetByTestId("connection-workflows").FillAsync("conn-editor");
        await page.GetByTestId("connection-setting-BaseUrl").FillAsync("ftp://files.example.test/");
        await page.GetByTestId("connection-setting-Headers").FillAsync($"X-Api-Key: {ApiKey}");
        await page.GetByTestId("connection-save").ClickAsync();

        await Expect(page.GetByTestId("connection-error-settings.BaseUrl")).ToContainTextAsync("absolute http:// or https:// URL");
        await Expect(page.GetByTestId("connection-dialog")).ToBeVisibleAsync();
        await page.GetByTestId("connection-setting-BaseUrl").FillAsync("https://api.example.test/v1/");
        await page.GetByTestId("connection-save").ClickAsync();

        await Expect(page.GetByTestId("connection-dialog")).ToBeHiddenAsync();
        var row = ConnectionRow(page, "dash-api");
        await Expect(row.GetByTestId("connection-type-cell")).ToHaveTextAsync("http");
        await Expect(row.GetByTestId("connection-workflows-cell")).ToHaveTextAsync("conn-editor");
        await Expect(row.GetByTestId("connection-credentials")).ToContainTextAsync("Headers:X-Api-Key");
        var item = await ListedAsync("dash-api");
        Assert.Equal("https://api.example.test/v1/", item.GetProperty("settings").GetProperty("BaseUrl").GetString());
        Assert.Equal("stored", item.GetProperty("source").GetString());

        // Editing shows every setting but the credential, which stays as it was when left empty.
        await row.GetByTestId("connection-edit").ClickAsync();
        await Expect(page.GetByTestId("connection-setting-BaseUrl")).ToHaveValueAsync("https://api.example.test/v1/");
        await Expect(page.GetByTestId("connection-setting-Headers")).ToHaveValueAsync("");
        await Expect(page.GetByTestId("connection-dialog")).ToContainTextAsync("Set: X-Api-Key");
        await page.GetByTestId("connection-workflows").FillAsync("conn-editor\nconn-other");
        await page.GetByTestId("connection-save").ClickAsync();
        await Expect(page.GetByTestId("connection-dialog")).ToBeHiddenAsync();
        await Expect(row.GetByTestId("connection-workflows-cell")).ToContainTextAsync("conn-other");
        await Expect(row.GetByTestId("connection-credentials")).ToContainTextAsync("Headers:X-Api-Key");
        Assert.DoesNotContain(ApiKey, await page.ContentAsync(), StringComparison.Ordinal);

        await browser.OpenCanvasAsync("/workflows/conn-editor");
        await EditorPage.Node(page, "fetch").ClickAsync();
        await Expect(page.GetByTestId("config-connection").Locator("option[value='dash-api']")).ToHaveCountAsync(1);
        await page.GetByTestId("config-connection").SelectOptionAsync("dash-api");
        await page.GetByTestId("config-url").FillAsync("status");
        await page.GetByTestId("save").ClickAsync();

        await Expect(page.GetByTestId("toast-success")).ToContainTextAsync("Saved version 2");
        var saved = (await host.GetJsonAsync("/api/workflows/conn-editor")).GetProperty("nodes")[1].GetProperty("config");
        Assert.Equal("dash-api", saved.GetProperty("connection").GetString());
        Assert.Equal("status", saved.GetProperty("url").GetString());
        CanvasErrors.AssertNoneBut(browser, 400);
    }

    [Fact]
    public async Task Inspector_ConnectionThatIsGone_StaysSelectedAndSavingShowsTheServersProblem()
    {
        await host.StoreUncheckedAsync("conn-gone", """
            {"id": "conn-gone", "version": 1,
             "nodes": [
              {"id": "go", "type": "trigger", "config": {"kind": "manual"}},
              {"id": "fetch", "type": "tool", "config": {"tool": "http", "connection": "gone-api", "url": "status"}}],
             "edges": [{"from": "go", "to": "fetch"}]}
            """);
        await using var browser = await chromium.NewPageAsync(host.BaseAddress);
        var page = browser.Page;
        await browser.OpenCanvasAsync("/workflows/conn-gone");

        await EditorPage.Node(page, "fetch").ClickAsync();
        await Expect(page.GetByTestId("config-connection")).ToHaveValueAsync("gone-api");
        await Expect(page.GetByTestId("config-connection").Locator("option:checked")).ToHaveTextAsync("gone-api (not found)");
        await page.GetByTestId("config-url").FillAsync("status/all");
        await page.GetByTestId("save").ClickAsync();

        var field = page.Locator("[data-testid=field][data-field='config/connection']");
        await Expect(field.GetByTestId("field-error")).ToContainTextAsync("There is no connection 'gone-api'");
        await Expect(page.GetByTestId("config-connection")).ToHaveValueAsync("gone-api");
        EditorPage.AssertNoErrors(browser, expectedStatus: 400);
    }

    [Fact]
    public async Task Connection_Deleted_AfterConfirming()
    {
        using (var put = await host.SendAsync(HttpMethod.Put, "/api/connections/dash-doomed", """{"type": "github", "workflows": ["*"], "settings": {"Token": "ghp_doomed"}}"""))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }
        await using var browser = await chromium.NewPageAsync(host.BaseAddress);
        var page = browser.Page;
        await browser.OpenCanvasAsync("/");

        await ConnectionRow(page, "dash-doomed").GetByTestId("connection-delete").ClickAsync();
        await Expect(page.GetByTestId("confirm-text")).ToContainTextAsync("dash-doomed");
        await page.GetByTestId("confirm-ok").ClickAsync();

        await Expect(ConnectionRow(page, "dash-doomed")).ToHaveCountAsync(0);
        var list = await host.GetJsonAsync("/api/connections");
        Assert.DoesNotContain(list.GetProperty("items").EnumerateArray(), i => i.GetProperty("name").GetString() == "dash-doomed");
        browser.AssertNoErrors();
    }

    [Fact]
    public async Task Agent_ConnectionsPicked_AreSavedWithTheAgent()
    {
        using (var put = await host.SendAsync(HttpMethod.Put, "/api/connections/dash-agent-db", """{"type": "database", "workflows": ["*"], "settings": {"Provider": "sqlite", "ConnectionString": "Data Source=x.db"}}"""))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }
        await using var browser = await chromium.NewPageAsync(host.BaseAddress);
        var page = browser.Page;
        await browser.OpenCanvasAsync("/");

        await page.GetByTestId("agent-new").ClickAsync();
        await page.GetByTestId("agent-id").FillAsync("dash-conn-agent");
        await page.GetByTestId("agent-name").FillAsync("Uses a database");
        await page.GetByTestId("agent-instructions").FillAsync("Answer from the database.");
        await page.GetByTestId("agent-connection-dash-agent-db").CheckAsync();
        await page.GetByTestId("agent-save").ClickAsync();
        await Expect(page.GetByTestId("agent-dialog")).ToBeHiddenAsync();

        var agent = await host.GetJsonAsync("/api/agents/dash-conn-agent");
        Assert.Equal(["dash-agent-db"], agent.GetProperty("connections").EnumerateArray().Select(c => c.GetString()));
        await page.Locator("[data-testid=agent-row][data-id='dash-conn-agent']").GetByTestId("agent-edit").ClickAsync();
        await Expect(page.GetByTestId("agent-connection-dash-agent-db")).ToBeCheckedAsync();
        browser.AssertNoErrors();
    }

    private static ILocator ConnectionRow(IPage page, string name) => page.Locator($"[data-testid=connection-row][data-id='{name}']");

    private async Task<JsonElement> ListedAsync(string name) =>
        (await host.GetJsonAsync("/api/connections")).GetProperty("items").EnumerateArray().Single(i => i.GetProperty("name").GetString() == name);
}
