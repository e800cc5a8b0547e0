using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using ChatFlows.Bot.Tests.Browser;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ChatFlows.Bot.Tests.Canvas;

/// <summary>The dashboard (<c>/</c>) in real Chromium against the real host: workflows and agents, as a person uses them.</summary>
[Collection(HostCollection.Name)]
[Trait("Host", "shared")]
public sealed class DashboardPageTests(HostFixture host, ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task Workflows_Listed_ShowTriggersNextScheduledTimeAndLastRun()
    {
        await host.CreateWorkflowAsync("""
            {
              "id": "dash-list",
              "name": "Dash list",
              "nodes": [
                {"id": "yearly", "type": "trigger", "config": {"kind": "schedule", "cron": "0 0 1 1 *", "timeZone": "Europe/Berlin"}},
                {"id": "cmd", "type": "trigger", "config": {"kind": "command", "command": "dash-list"}},
                {"id": "done", "type": "output", "config": {"kind": "end"}}
              ],
              "edges": [{"from": "yearly", "to": "done"}, {"from": "cmd", "to": "done"}]
            }
            """);
        var runId = await host.StartRunAsync("dash-list");
        await host.WaitForRunAsync(runId);
        await using var browser = await chromium.NewPageAsync(host.BaseAddress);

        await browser.OpenCanvasAsync("/");

        var row = WorkflowRow(browser.Page, "dash-list");
        await Expect(row.GetByTestId("workflow-edit")).ToHaveAttributeAsync("href", "/workflows/dash-list");
        await Expect(row.GetByTestId("workflow-triggers")).ToContainTextAsync("0 0 1 1 * (Europe/Berlin)");
        await Expect(row.GetByTestId("workflow-triggers")).ToContainTextAsync("/run dash-list");
        await Expect(row.GetByTestId("workflow-next").Locator("time")).ToHaveCountAsync(1);
        var last = row.GetByTestId("workflow-last-run");
        await Expect(last).ToHaveAttributeAsync("data-status", "succeeded");
        await Expect(last).ToHaveAttributeAsync("href", $"/runs/{runId}");
        await Expect(row.GetByTestId("workflow-runs")).ToHaveAttributeAsync("href", "/runs?workflow=dash-list");
        await Expect(browser.Page.GetByTestId("workflow-new")).ToHaveAttributeAsync("href", "/workflows/new");
        browser.AssertNoErrors();
    }

    [Fact]
    public async Task Play_AsksForAPayload_StartsTheRunAndOpensItOnTheCanvas()
    {
        await host.CreateWorkflowAsync(TestWorkflows.Echo("dash-play"));
        await using var browser = await chromium.NewPageAsync(host.BaseAddress);
        var page = browser.Page;
        await browser.OpenCanvasAsync("/");

        await WorkflowRow(page, "dash-play").GetByTestId("workflow-play").ClickAsync();
        var dialog = page.GetByTestId("play-dialog");
        await Expect(dialog).ToBeVisibleAsync();
        await Expect(page.GetByTestId("play-trigger")).ToHaveValueAsync("play");
        await Expect(page.GetByTestId("play-payload")).ToHaveValueAsync("{}");

        await page.GetByTestId("play-payload").FillAsync("""{"n": """);
        await page.GetByTestId("play-start").ClickAsync();
        await Expect(page.GetByTestId("play-error")).ToContainTextAsync("not valid JSON at line 1");
        await page.GetByTestId("play-payload").FillAsync("[1, 2]");
        await page.GetByTestId("play-start").ClickAsync();
        await Expect(page.GetByTestId("play-error")).ToContainTextAsync("must be a JSON object");

        await page.GetByTestId("play-payload").FillAsync("""{"n": 7}""");
        await page.GetByTestId("play-start").ClickAsync();

        await page.WaitForURLAsync(new Regex("/workflows/dash-play\\?run=[0-9a-f]{32}$"));
        var runId = new Uri(page.Url).Query["?run=".Length..];
        var run = await host.WaitForRunAsync(runId);
        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        Assert.Equal(7, run.GetProperty("trigger").GetProperty("n").GetInt32());
        Assert.Equal("play", run.GetProperty("triggerNodeId").GetString());
        CanvasErrors.AssertNoneBut(browser, 400);
    }

    [Fact]
    public async Task Duplicate_UnderANewId_CopiesTheDocument()
    {
        var original = await host.CreateWorkflowAsync(TestWorkflows.Order("dash-dup"));
        await using var browser = await chromium.NewPageAsync(host.BaseAddress);
        var page = browser.Page;
        await browser.OpenCanvasAsync("/");

        await WorkflowRow(page, "dash-dup").GetByTestId("workflow-duplicate").ClickAsync();
        await Expect(page.GetByTestId("duplicate-id")).ToHaveValueAsync("dash-dup-copy");
        await Expect(page.GetByTestId("duplicate-name")).ToHaveValueAsync("Order check (copy)");
        await page.GetByTestId("duplicate-id").FillAsync("Not An Id");
        await page.GetByTestId("duplicate-save").ClickAsync();
        await Expect(page.GetByTestId("duplicate-error").GetByTestId("problem")).ToHaveAttributeAsync("data-path", "id");
        await page.GetByTestId("duplicate-id").FillAsync("dash-dup-copy");
        await page.GetByTestId("duplicate-save").ClickAsync();

        await Expect(page.GetByTestId("duplicate-dialog")).ToBeHiddenAsync();
        await Expect(WorkflowRow(page, "dash-dup-copy").GetByTestId("workflow-edit")).ToHaveTextAsync("Order check (copy)");
        var copy = await host.GetJsonAsync("/api/workflows/dash-dup-copy");
        Assert.Equal(1, copy.GetProperty("version").GetInt32());
        Assert.Equal(Compact(original.GetProperty("nodes")), Compact(copy.GetProperty("nodes")));
        Assert.Equal(Compact(original.GetProperty("edges")), Compact(copy.GetProperty("edges")));
        CanvasErrors.AssertNoneBut(browser, 400);
    }

    [Fact]
    public async Task Delete_AfterConfirmation_RemovesTheWorkflow()
    {
        await host.CreateWorkflowAsync(TestWorkflows.Echo("dash-delete"));
        await using var browser = await chromium.NewPageAsync(host.BaseAddress);
        var page = browser.Page;
        await browser.OpenCanvasAsync("/");

        await WorkflowRow(page, "dash-delete").GetByTestId("workflow-delete").ClickAsync();
        await Expect(page.GetByTestId("confirm-dialog")).ToBeVisibleAsync();
        await page.GetByTestId("confirm-cancel").ClickAsync();
        await Expect(page.GetByTestId("confirm-dialog")).ToBeHiddenAsync();
        using (var kept = await host.Client.GetAsync("/api/workflows/dash-delete")) Assert.Equal(HttpStatusCode.OK, kept.StatusCode);

        await WorkflowRow(page, "dash-delete").GetByTestId("workflow-delete").ClickAsync();
        await Expect(page.GetByTestId("confirm-text")).ToContainTextAsync("dash-delete");
        await page.GetByTestId("confirm-ok").ClickAsync();

        await Expect(WorkflowRow(page, "dash-delete")).ToHaveCountAsync(0);
        using var gone = await host.Client.GetAsync("/api/workflows/dash-delete");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        browser.AssertNoErrors();
    }

    [Fact]
    public async Task ExportThenImport_RoundTrip_RestoresTheWorkflowAndAsksBeforeReplacingOne()
    {
        var original = await host.CreateWorkflowAsync(TestWorkflows.Order("dash-trip"));
        await using var browser = await chromium.NewPageAsync(host.BaseAddress);
        var page = browser.Page;
        await browser.OpenCanvasAsync("/");

        var download = await page.RunAndWaitForDownloadAsync(() => WorkflowRow(page, "dash-trip").GetByTestId("workflow-export").ClickAsync());
        Assert.Equal("dash-trip.json", download.SuggestedFilename);
        var exported = await File.ReadAllTextAsync(await download.PathAsync());
        var document = JsonElement.Parse(exported);
        Assert.Equal("dash-trip", document.GetProperty("id").GetString());
        Assert.False(document.TryGetProperty("version", out _));
        Assert.Equal(Compact(original.GetProperty("nodes")), Compact(document.GetProperty("nodes")));

        using (var deleted = await host.SendAsync(HttpMethod.Delete, "/api/workflows/dash-trip")) Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await page.ReloadAsync();
        await browser.WaitUntilCanvasReadyAsync();
        await Expect(WorkflowRow(page, "dash-trip")).ToHaveCountAsync(0);

        // Import into an empty slot: created as it was.
        await ImportFileAsync(page, exported);
        await page.GetByTestId("import-submit").ClickAsync();
        await Expect(page.GetByTestId("import-dialog")).ToBeHiddenAsync();
        await Expect(WorkflowRow(page, "dash-trip")).ToHaveCountAsync(1);
        var imported = await host.GetJsonAsync("/api/workflows/dash-trip");
        Assert.Equal(Compact(original.GetProperty("nodes")), Compact(imported.GetProperty("nodes")));
        Assert.Equal(Compact(original.GetProperty("edges")), Compact(imported.GetProperty("edges")));

        // The same id again: the dialog asks; under a new id it is a second workflow.
        await ImportFileAsync(page, exported);
        await page.GetByTestId("import-submit").ClickAsync();
        await Expect(page.GetByTestId("import-conflict")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("import-conflict-id")).ToHaveTextAsync("dash-trip");
        await page.GetByTestId("import-new-id").FillAsync("dash-trip-two");
        await page.GetByTestId("import-submit").ClickAsync();
        await Expect(WorkflowRow(page, "dash-trip-two")).ToHaveCountAsync(1);
        Assert.Equal(Compact(original.GetProperty("nodes")), Compact((await host.GetJsonAsync("/api/workflows/dash-trip-two")).GetProperty("nodes")));

        // Or it replaces the stored one, as its next version.
        await ImportFileAsync(page, exported.Replace("Order check", "Order check, replaced", StringComparison.Ordinal));
        await page.GetByTestId("import-submit").ClickAsync();
        await page.GetByTestId("import-replace").ClickAsync();
        await Expect(WorkflowRow(page, "dash-trip").GetByTestId("workflow-edit")).ToHaveTextAsync("Order check, replaced");
        var replaced = await host.GetJsonAsync("/api/workflows/dash-trip");
        Assert.Equal(imported.GetProperty("version").GetInt32() + 1, replaced.GetProperty("version").GetInt32());
        browser.AssertNoErrors();
    }

    [Fact]
    public async Task Import_BadJsonOrInvalidWorkflow_ShowsTheServersProblemsAndSavesNothing()
    {
        await using var browser = await chromium.NewPageAsync(host.BaseAddress);
        var page = browser.Page;
        await browser.OpenCanvasAsync("/");
        await page.GetByTestId("workflow-import").ClickAsync();

        await page.GetByTestId("import-text").FillAsync("""{"id": "dash-bad", """);
        await page.GetByTestId("import-submit").ClickAsync();
        await Expect(page.GetByTestId("import-error")).ToContainTextAsync("could not be read");
        await Expect(page.GetByTestId("import-error")).ToContainTextAsync("line 1, column");

        await ImportFileAsync(page, """
            {
              "id": "dash-bad",
              "nodes": [
                {"id": "play", "type": "trigger", "config": {"kind": "manual"}},
                {"id": "x", "type": "tool", "config": {"tool": "nope"}}
              ],
              "edges": [{"from": "play", "to": "ghost"}]
            }
            """, open: false);
        await page.GetByTestId("import-submit").ClickAsync();

        var problems = page.GetByTestId("import-error").GetByTestId("problem");
        await Expect(problems).ToHaveCountAsync(3);
        await Expect(page.GetByTestId("import-error")).ToContainTextAsync("Fix the 3 problems");
        await Expect(problems.And(page.Locator("[data-path='nodes/x/config/tool']"))).ToContainTextAsync("'nope' is not a tool tool");
        await Expect(problems.And(page.Locator("[data-path='edges/0/to']"))).ToContainTextAsync("No node has the id 'ghost'.");
        await Expect(page.GetByTestId("import-dialog")).ToBeVisibleAsync();
        using var none = await host.Client.GetAsync("/api/workflows/dash-bad");
        Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
        CanvasErrors.AssertNoneBut(browser, 400);
    }

    [Fact]
    public async Task Agents_CreateEditDelete_ThroughTheForm()
    {
        await using var browser = await chromium.NewPageAsync(host.BaseAddress);
        var page = browser.Page;
        await browser.OpenCanvasAsync("/");

        await page.GetByTestId("agent-new").ClickAsync();
        await page.GetByTestId("agent-id").FillAsync("dash-agent");
        await page.GetByTestId("agent-name").FillAsync("Dash agent");
        await page.GetByTestId("agent-instructions").FillAsync("Answer briefly.");
        await page.GetByTestId("agent-temperature").FillAsync("0.4");
        await page.GetByTestId("agent-max-tokens").FillAsync("250");
        await page.GetByTestId("agent-tool-current_time").CheckAsync();
        await page.GetByTestId("agent-save").ClickAsync();

        await Expect(page.GetByTestId("agent-dialog")).ToBeHiddenAsync();
        var row = AgentRow(page, "dash-agent");
        await Expect(row).ToContainTextAsync("Dash agent");
        await Expect(row).ToContainTextAsync("current_time");
        var created = await host.GetJsonAsync("/api/agents/dash-agent");
        Assert.Equal(0.4, created.GetProperty("temperature").GetDouble());
        Assert.Equal(250, created.GetProperty("maxOutputTokens").GetInt32());
        Assert.Equal("Answer briefly.", created.GetProperty("instructions").GetString());
        Assert.Equal(JsonValueKind.Null, created.GetProperty("model").ValueKind);

        await row.GetByTestId("agent-edit").ClickAsync();
        await Expect(page.GetByTestId("agent-id")).ToHaveValueAsync("dash-agent");
        await Expect(page.GetByTestId("agent-id")).Not.ToBeEditableAsync();
        await Expect(page.GetByTestId("agent-tool-current_time")).ToBeCheckedAsync();
        await page.GetByTestId("agent-name").FillAsync("Dash agent, renamed");
        await page.GetByTestId("agent-temperature").FillAsync("");
        await page.GetByTestId("agent-tool-current_time").UncheckAsync();
        await page.GetByTestId("agent-save").ClickAsync();

        await Expect(AgentRow(page, "dash-agent")).ToContainTextAsync("Dash agent, renamed");
        var edited = await host.GetJsonAsync("/api/agents/dash-agent");
        Assert.Equal(2, edited.GetProperty("version").GetInt32());
        Assert.Equal(JsonValueKind.Null, edited.GetProperty("temperature").ValueKind);
        Assert.Empty(edited.GetProperty("tools").EnumerateArray());

        await AgentRow(page, "dash-agent").GetByTestId("agent-delete").ClickAsync();
        await page.GetByTestId("confirm-ok").ClickAsync();

        await Expect(AgentRow(page, "dash-agent")).ToHaveCountAsync(0);
        using var gone = await host.Client.GetAsync("/api/agents/dash-agent");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        browser.AssertNoErrors();
    }

    [Fact]
    public async Task Agent_BadFields_ShowsTheServersSentenceAtEachField()
    {
        await using var browser = await chromium.NewPageAsync(host.BaseAddress);
        var page = browser.Page;
        await browser.OpenCanvasAsync("/");

        await page.GetByTestId("agent-new").ClickAsync();
        await page.GetByTestId("agent-id").FillAsync("Dash Bad");
        await page.GetByTestId("agent-name").FillAsync("Bad");
        await page.GetByTestId("agent-temperature").FillAsync("5");
        await page.GetByTestId("agent-save").ClickAsync();

        await Expect(page.GetByTestId("agent-error-temperature")).ToHaveTextAsync("temperature must be between 0 and 2.");
        await Expect(page.GetByTestId("agent-error-id")).ToContainTextAsync("'Dash Bad' is not an agent id");
        await Expect(page.GetByTestId("agent-dialog")).ToBeVisibleAsync();

        await page.GetByTestId("agent-id").FillAsync("dash-bad-fixed");
        await page.GetByTestId("agent-temperature").FillAsync("1.5");
        await page.GetByTestId("agent-save").ClickAsync();
        await Expect(page.GetByTestId("agent-dialog")).ToBeHiddenAsync();
        await Expect(AgentRow(page, "dash-bad-fixed")).ToHaveCountAsync(1);
        CanvasErrors.AssertNoneBut(browser, 400);
    }

    [Fact]
    public async Task Agent_UsedByAWorkflow_DeleteIsRefusedNamingTheWorkflow()
    {
        using (var created = await host.SendAsync(HttpMethod.Post, "/api/agents", """{"id": "dash-used", "name": "Used", "instructions": "Help."}"""))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }
        await host.CreateWorkflowAsync("""
            {
              "id": "dash-uses-agent",
              "nodes": [
                {"id": "play", "type": "trigger", "config": {"kind": "manual"}},
                {"id": "ask", "type": "agent", "config": {"agent": "dash-used", "input": "Hello"}}
              ],
              "edges": [{"from": "play", "to": "ask"}]
            }
            """);
        await using var browser = await chromium.NewPageAsync(host.BaseAddress);
        var page = browser.Page;
        await browser.OpenCanvasAsync("/");

        await AgentRow(page, "dash-used").GetByTestId("agent-delete").ClickAsync();
        await page.GetByTestId("confirm-ok").ClickAsync();

        await Expect(page.GetByTestId("confirm-error")).ToContainTextAsync("is used by 'dash-uses-agent'");
        var user = page.GetByTestId("confirm-workflow");
        await Expect(user).ToHaveAttributeAsync("href", "/workflows/dash-uses-agent");
        await page.Keyboard.PressAsync("Escape");
        await Expect(page.GetByTestId("confirm-dialog")).ToBeHiddenAsync();
        await Expect(AgentRow(page, "dash-used")).ToHaveCountAsync(1);
        using var kept = await host.Client.GetAsync("/api/agents/dash-used");
        Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
        CanvasErrors.AssertNoneBut(browser, 409);
    }

    [Fact]
    public async Task AgentQuery_NewOrAnId_OpensItsForm()
    {
        using (var created = await host.SendAsync(HttpMethod.Post, "/api/agents", """{"id": "dash-linked", "name": "Linked", "instructions": "Link me.", "tools": ["http_get"]}"""))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }
        await using var browser = await chromium.NewPageAsync(host.BaseAddress);
        var page = browser.Page;

        await browser.OpenCanvasAsync("/?agent=new");
        await Expect(page.GetByTestId("agent-dialog")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("agent-id")).ToHaveValueAsync("");
        await Expect(page.GetByTestId("agent-id")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Escape");
        await Expect(page.GetByTestId("agent-dialog")).ToBeHiddenAsync();
        // The dialog's close event, which forgets the query, is queued after the dialog hides.
        await Expect(page).ToHaveURLAsync(new Uri(host.BaseAddress, "/").ToString());

        await browser.OpenCanvasAsync("/?agent=dash-linked");
        await Expect(page.GetByTestId("agent-dialog")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("agent-name")).ToHaveValueAsync("Linked");
        await Expect(page.GetByTestId("agent-instructions")).ToHaveValueAsync("Link me.");
        await Expect(page.GetByTestId("agent-tool-http_get")).ToBeCheckedAsync();
        browser.AssertNoErrors();
    }

    [Fact]
    public async Task Keyboard_NewAgent_CreatedWithoutTheMouse()
    {
        await using var browser = await chromium.NewPageAsync(host.BaseAddress);
        var page = browser.Page;
        await browser.OpenCanvasAsync("/");

        await page.GetByTestId("agent-new").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByTestId("agent-id")).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync("dash-keys");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync("Typed agent");
        await page.Keyboard.PressAsync("Enter");

        await Expect(page.GetByTestId("agent-dialog")).ToBeHiddenAsync();
        await Expect(AgentRow(page, "dash-keys")).ToContainTextAsync("Typed agent");
        browser.AssertNoErrors();
    }

    private static string Compact(JsonElement json) => JsonSerializer.Serialize(json);

    private static ILocator WorkflowRow(IPage page, string id) => page.Locator($"[data-testid=workflow-row][data-id='{id}']");

    private static ILocator AgentRow(IPage page, string id) => page.Locator($"[data-testid=agent-row][data-id='{id}']");

    // Picks a file as a person would: the dialog reads it into the text box.
    private static async Task ImportFileAsync(IPage page, string json, bool open = true)
    {
        if (open) await page.GetByTestId("workflow-import").ClickAsync();
        await page.GetByTestId("import-file").SetInputFilesAsync(new FilePayload { Name = "workflow.json", MimeType = "application/json", Buffer = Encoding.UTF8.GetBytes(json) });
        await Expect(page.GetByTestId("import-text")).ToHaveValueAsync(json);
    }
}
