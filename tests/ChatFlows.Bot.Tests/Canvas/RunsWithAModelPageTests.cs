using System.Text.Json;
using System.Text.RegularExpressions;
using ChatFlows.Bot.Tests.Agents;
using ChatFlows.Bot.Tests.Browser;
using ChatFlows.Core.Tests.Agents;
using static Microsoft.Playwright.Assertions;

namespace ChatFlows.Bot.Tests.Canvas;

/// <summary>
/// The canvas against a host with a priced model profile (a local fake model server): an agent run's steps, tokens
/// and cost on the run page, and the profile offered by the agent form.
/// </summary>
public sealed class RunsWithAModelPageTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>, IAsyncLifetime
{
    private ModelHost _host = null!;

    public async Task InitializeAsync() => _host = await ModelHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Detail_AgentRun_ShowsItsToolStepTokensAndCost()
    {
        _host.Model.Reply = request => request.Index == 0
            ? ModelReply.ToolCalls(1000, 100, ("call_1", "current_time", """{"timeZone": "Europe/Berlin"}"""))
            : FakeModelServer.AfterToolResult(request, "call_1", ModelReply.Answer("It is Tuesday.", 3000, 400));
        await PostAsync("/api/agents", """{"id": "clock", "name": "Clock", "instructions": "Tell the day.", "tools": ["current_time"]}""");
        await PostAsync("/api/workflows", """
            {
              "id": "which-day",
              "nodes": [
                {"id": "play", "type": "trigger", "config": {"kind": "manual"}},
                {"id": "ask", "type": "agent", "config": {"agent": "clock", "input": "Which day is it?"}}
              ],
              "edges": [{"from": "play", "to": "ask"}]
            }
            """);
        var runId = (await PostAsync("/api/workflows/which-day/runs", "{}")).GetProperty("runId").GetString();
        await using var browser = await chromium.NewPageAsync(_host.BaseAddress);
        var page = browser.Page;

        await browser.OpenCanvasAsync($"/runs/{runId}");

        // Opened while the run may still go: the page follows it to the end.
        await Expect(page.GetByTestId("run-status")).ToHaveTextAsync("succeeded");
        var ask = page.Locator("[data-testid=timeline-node][data-id=ask]");
        // Numbers in the reader's locale: 4,500 or 4.500 or 4 500.
        var usage = new Regex("^4\\D?500 tokens \\(4\\D?000 in, 500 out\\), cost 0\\.0150$");
        await Expect(ask.GetByTestId("timeline-meta")).ToHaveTextAsync(new Regex("4\\D?500 tokens \\(4\\D?000 in, 500 out\\), cost 0\\.0150$"));
        await Expect(page.GetByTestId("fact-usage")).ToHaveTextAsync(usage);
        await ask.Locator("summary").ClickAsync();
        await Expect(ask.GetByTestId("node-step")).ToContainTextAsync("current_time");
        await Expect(ask.GetByTestId("node-step")).ToContainTextAsync("Europe/Berlin");
        await Expect(ask.GetByTestId("node-output")).ToContainTextAsync("It is Tuesday.");
        browser.AssertNoErrors();
    }

    [Fact]
    public async Task Detail_AgentCalledAWorkflow_StepLinksTheChildRunWhosePageNamesItsParent()
    {
        _host.Model.Reply = request => request.Index == 0
            ? ModelReply.ToolCalls(10, 5, ("call_1", "workflow_deploy_status", """{"service": "web"}"""))
            : FakeModelServer.AfterToolResult(request, "call_1", ModelReply.Answer("web is deployed.", 20, 5));
        await PostAsync("/api/workflows", """
            {
              "id": "deploy-status",
              "nodes": [
                {"id": "start", "type": "trigger", "config": {"kind": "manual", "input": {"type": "object", "properties": {"service": {"type": "string"}}, "required": ["service"]}}},
                {"id": "done", "type": "output", "config": {"kind": "end", "value": {"service": "{{ trigger.args.service }}", "state": "deployed"}}}
              ],
              "edges": [{"from": "start", "to": "done"}]
            }
            """);
        await PostAsync("/api/agents", """{"id": "ops", "name": "Ops", "tools": ["workflow:deploy-status"]}""");
        await PostAsync("/api/workflows", """
            {
              "id": "ask-ops",
              "nodes": [
                {"id": "play", "type": "trigger", "config": {"kind": "manual"}},
                {"id": "ask", "type": "agent", "config": {"agent": "ops", "input": "Is web deployed?"}}
              ],
              "edges": [{"from": "play", "to": "ask"}]
            }
            """);
        var runId = (await PostAsync("/api/workflows/ask-ops/runs", "{}")).GetProperty("runId").GetString()!;
        await using var browser = await chromium.NewPageAsync(_host.BaseAddress);
        var page = browser.Page;
        await browser.OpenCanvasAsync($"/runs/{runId}");
        await Expect(page.GetByTestId("run-status")).ToHaveTextAsync("succeeded");
        var ask = page.Locator("[data-testid=timeline-node][data-id=ask]");
        await ask.Locator("summary").ClickAsync();

        var link = ask.GetByTestId("node-step-run");
        await Expect(link).ToHaveTextAsync(new Regex("^run [0-9a-f]{32}$"));
        await link.ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/runs/[0-9a-f]{32}$"));
        Assert.NotEqual(runId, page.Url[(page.Url.LastIndexOf('/') + 1)..]);
        await Expect(page.GetByTestId("run-status")).ToHaveTextAsync("succeeded");
        await Expect(page.GetByTestId("fact-parent")).ToHaveTextAsync($"{runId} (node ask)");
        browser.AssertNoErrors();
    }

    [Fact]
    public async Task AgentForm_OffersTheConfiguredProfile_AndSavesTheChoice()
    {
        await using var browser = await chromium.NewPageAsync(_host.BaseAddress);
        var page = browser.Page;
        await browser.OpenCanvasAsync("/?agent=new");

        var model = page.GetByTestId("agent-model");
        await Expect(model.Locator("option")).ToHaveTextAsync(["Default profile (fake)", "fake — openai-compatible fake-model"]);
        await page.GetByTestId("agent-id").FillAsync("picky");
        await page.GetByTestId("agent-name").FillAsync("Picky");
        await model.SelectOptionAsync("fake");
        await page.GetByTestId("agent-save").ClickAsync();

        await Expect(page.Locator("[data-testid=agent-row][data-id=picky] [data-testid=agent-model-cell]")).ToHaveTextAsync("fake");
        var agent = JsonElement.Parse(await _host.Client.GetStringAsync("/api/agents/picky"));
        Assert.Equal("fake", agent.GetProperty("model").GetString());
        browser.AssertNoErrors();
    }

    private async Task<JsonElement> PostAsync(string path, string json)
    {
        using var response = await _host.Client.PostAsync(path, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {body}");
        return JsonElement.Parse(body);
    }
}
