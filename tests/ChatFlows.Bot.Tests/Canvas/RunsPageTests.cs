using System.Net;
using System.Text.RegularExpressions;
using ChatFlows.Bot.Tests.Browser;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ChatFlows.Bot.Tests.Canvas;

/// <summary>The run history (<c>/runs</c>) and one run (<c>/runs/{id}</c>) in real Chromium against the real host.</summary>
[Collection(HostCollection.Name)]
[Trait("Host", "shared")]
public sealed class RunsPageTests(HostFixture host, ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    /// <summary>Play → ok (an approval anyone may decide, so the run waits) → done.</summary>
    private static string Approval(string id) => """
        {
          "id": "__ID__",
          "nodes": [
            {"id": "play", "type": "trigger", "config": {"kind": "manual"}},
            {"id": "ok", "type": "approval", "config": {"prompt": "Go ahead?", "approvers": ["anyone"]}},
            {"id": "done", "type": "output", "config": {"kind": "end", "value": "went ahead"}}
          ],
          "edges": [{"from": "play", "to": "ok"}, {"from": "ok", "port": "approved", "to": "done"}]
        }
        """.Replace("__ID__", id, StringComparison.Ordinal);

    [Fact]
    public async Task List_FilteredByWorkflowAndStatus_ShowsOnlyThoseAndKeepsTheFiltersInTheUrl()
    {
        await host.CreateWorkflowAsync(TestWorkflows.Echo("runs-filter-a"));
        await host.CreateWorkflowAsync(Approval("runs-filter-b"));
        var a = await host.StartRunAsync("runs-filter-a");
        await host.WaitForRunAsync(a);
        var b = await host.StartRunAsync("runs-filter-b");
        await host.WaitForRunAsync(b, "waiting");
        await using var browser = await chromium.NewPageAsync(host.BaseAddress);
        var page = browser.Page;

        await browser.OpenCanvasAsync("/runs?workflow=runs-filter-a");

        await Expect(page.GetByTestId("filter-workflow")).ToHaveValueAsync("runs-filter-a");
        await Expect(Rows(page)).ToHaveCountAsync(1);
        await Expect(Row(page, a)).ToHaveAttributeAsync("data-status", "succeeded");
        await Expect(Row(page, a).GetByTestId("run-link")).ToHaveAttributeAsync("href", $"/runs/{a}");

        await page.GetByTestId("filter-workflow").SelectOptionAsync("runs-filter-b");
        await Expect(Row(page, b)).ToHaveAttributeAsync("data-status", "waiting");
        await Expect(Rows(page)).ToHaveCountAsync(1);
        Assert.EndsWith("/runs?workflow=runs-filter-b", page.Url, StringComparison.Ordinal);

        await page.GetByTestId("filter-status").SelectOptionAsync("succeeded");
        await Expect(page.GetByTestId("run-empty")).ToBeVisibleAsync();
        await Expect(Rows(page)).ToHaveCountAsync(0);
        Assert.EndsWith("/runs?workflow=runs-filter-b&status=succeeded", page.Url, StringComparison.Ordinal);

        await browser.OpenCanvasAsync("/runs?workflow=runs-filter-b&status=waiting");
        await Expect(page.GetByTestId("filter-status")).ToHaveValueAsync("waiting");
        await Expect(Rows(page)).ToHaveCountAsync(1);
        await Expect(Row(page, b)).ToHaveCountAsync(1);

        await page.GetByTestId("filter-workflow").SelectOptionAsync("");
        await Expect(Row(page, a)).ToHaveCountAsync(0);
        await Expect(Row(page, b)).ToHaveCountAsync(1);
        Assert.EndsWith("/runs?status=waiting", page.Url, StringComparison.Ordinal);
        browser.AssertNoErrors();
    }

    [Fact]
    public async Task List_RunStartedWhileOpen_AppearsWithoutAReload()
    {
        await host.CreateWorkflowAsync(Approval("runs-appear"));
        await using var browser = await chromium.NewPageAsync(host.BaseAddress);
        var page = browser.Page;
        var first = await host.StartRunAsync("runs-appear");
        await host.WaitForRunAsync(first, "waiting");
        await browser.OpenCanvasAsync("/runs?workflow=runs-appear");
        await Expect(Rows(page)).ToHaveCountAsync(1);

        var second = await host.StartRunAsync("runs-appear");

        await Expect(Row(page, second)).ToHaveAttributeAsync("data-status", "waiting", new() { Timeout = 10_000 });
        await Expect(Rows(page).First).ToHaveAttributeAsync("data-id", second);
        browser.AssertNoErrors();
    }

    [Fact]
    public async Task Detail_FinishedRun_ShowsATimelineBarPerNodeAndWhatEachProduced()
    {
        await host.CreateWorkflowAsync(TestWorkflows.Order("runs-detail", pause: "PT0.4S"));
        var runId = await host.StartRunAsync("runs-detail", """{"customer": "ada", "quantity": 3, "price": 50}""");
        await host.WaitForRunAsync(runId);
        await using var browser = await chromium.NewPageAsync(host.BaseAddress);
        var page = browser.Page;

        await browser.OpenCanvasAsync($"/runs/{runId}");

        await Expect(page.GetByTestId("run-id")).ToHaveTextAsync(runId);
        await Expect(page.GetByTestId("run-status")).ToHaveTextAsync("succeeded");
        await Expect(page.GetByTestId("run-cancel")).ToBeHiddenAsync();
        await Expect(page.GetByTestId("run-open-canvas")).ToHaveAttributeAsync("href", $"/workflows/runs-detail?run={runId}");
        await Expect(page.GetByTestId("fact-started-by")).ToHaveTextAsync("local");
        await Expect(page.GetByTestId("run-trigger")).ToContainTextAsync("\"customer\": \"ada\"");
        await Expect(page.GetByTestId("run-data")).ToContainTextAsync("\"total\"");

        var nodes = page.GetByTestId("timeline-node");
        await Expect(nodes).ToHaveCountAsync(6);
        var pause = Node(page, "pause");
        await Expect(pause).ToHaveAttributeAsync("data-status", "succeeded");
        await Expect(pause.GetByTestId("timeline-meta")).ToHaveTextAsync(new Regex("^\\d+ ms$"));
        // The delay is most of the run: its bar covers most of the track, after the short nodes before it.
        var width = await pause.GetByTestId("timeline-bar").EvaluateAsync<double>("bar => parseFloat(bar.style.width)");
        var left = await pause.GetByTestId("timeline-bar").EvaluateAsync<double>("bar => parseFloat(bar.style.left)");
        Assert.InRange(width, 40, 100);
        Assert.InRange(left, 0, 50);
        await Expect(Node(page, "stop")).ToHaveAttributeAsync("data-status", "skipped");
        await Expect(Node(page, "stop").GetByTestId("timeline-bar")).ToHaveCountAsync(0);

        await Node(page, "shape").Locator("summary").ClickAsync();
        await Expect(Node(page, "shape").GetByTestId("node-output")).ToContainTextAsync("\"customer\": \"ada\"");
        await Node(page, "answer").Locator("summary").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(Node(page, "answer").GetByTestId("node-output")).ToBeVisibleAsync();
        browser.AssertNoErrors();
    }

    [Fact]
    public async Task Detail_FailedRun_NamesTheNodeAndItsError()
    {
        await host.CreateWorkflowAsync(TestWorkflows.Hook("runs-failed", "s3cret"));
        var runId = await host.StartRunAsync("runs-failed", """{"quantity": 3}""");
        var run = await host.WaitForRunAsync(runId);
        Assert.Equal("failed", run.GetProperty("status").GetString());
        await using var browser = await chromium.NewPageAsync(host.BaseAddress);
        var page = browser.Page;

        await browser.OpenCanvasAsync($"/runs/{runId}");

        await Expect(page.GetByTestId("run-status")).ToHaveTextAsync("failed");
        await Expect(page.GetByTestId("run-error")).ToContainTextAsync("Node packing failed:");
        await Expect(Node(page, "packing")).ToHaveAttributeAsync("data-status", "failed");
        await Node(page, "packing").Locator("summary").ClickAsync();
        await Expect(Node(page, "packing").GetByTestId("node-error")).ToContainTextAsync(run.GetProperty("error").GetProperty("message").GetString()!);
        browser.AssertNoErrors();
    }

    [Fact]
    public async Task Detail_WaitingRun_CancelEndsIt()
    {
        await host.CreateWorkflowAsync(Approval("runs-cancel"));
        var runId = await host.StartRunAsync("runs-cancel");
        await host.WaitForRunAsync(runId, "waiting");
        await using var browser = await chromium.NewPageAsync(host.BaseAddress);
        var page = browser.Page;
        await browser.OpenCanvasAsync($"/runs/{runId}");
        await Expect(page.GetByTestId("run-status")).ToHaveTextAsync("waiting");
        await Expect(Node(page, "ok")).ToHaveAttributeAsync("data-status", "waiting");

        await page.GetByTestId("run-cancel").ClickAsync();

        await Expect(page.GetByTestId("run-status")).ToHaveTextAsync("cancelled");
        await Expect(page.GetByTestId("run-cancel")).ToBeHiddenAsync();
        Assert.Equal("cancelled", (await host.GetJsonAsync($"/api/runs/{runId}")).GetProperty("status").GetString());
        browser.AssertNoErrors();
    }

    [Fact]
    public async Task Detail_WaitingRun_DecidedElsewhere_UpdatesLive()
    {
        await host.CreateWorkflowAsync(Approval("runs-live"));
        var runId = await host.StartRunAsync("runs-live");
        await host.WaitForRunAsync(runId, "waiting");
        await using var browser = await chromium.NewPageAsync(host.BaseAddress);
        var page = browser.Page;
        await browser.OpenCanvasAsync($"/runs/{runId}");
        await Expect(page.GetByTestId("approval")).ToHaveAttributeAsync("data-id", "ok");
        await Node(page, "ok").Locator("summary").FocusAsync();

        using (var decided = await host.SendAsync(HttpMethod.Post, $"/api/runs/{runId}/decisions", """{"decision": "approve"}"""))
        {
            Assert.Equal(HttpStatusCode.Accepted, decided.StatusCode);
        }

        await Expect(page.GetByTestId("run-status")).ToHaveTextAsync("succeeded");
        await Expect(Node(page, "done")).ToHaveAttributeAsync("data-status", "succeeded");
        await Expect(page.GetByTestId("run-approvals")).ToBeHiddenAsync();
        await Expect(page.GetByTestId("run-result")).ToContainTextAsync("went ahead");
        // The timeline was rebuilt under the keyboard's focus, which stayed where it was.
        await Expect(Node(page, "ok").Locator("summary")).ToBeFocusedAsync();
        browser.AssertNoErrors();
    }

    [Fact]
    public async Task Detail_WaitingApproval_DecidedOnThePage()
    {
        await host.CreateWorkflowAsync(Approval("runs-decide"));
        var runId = await host.StartRunAsync("runs-decide");
        await host.WaitForRunAsync(runId, "waiting");
        await using var browser = await chromium.NewPageAsync(host.BaseAddress);
        var page = browser.Page;
        await browser.OpenCanvasAsync($"/runs/{runId}");

        // Nobody is asked for a name: the page decides as whoever uses it (here, this machine's local user).
        await Expect(page.GetByTestId("approval-as")).ToHaveTextAsync("local");
        await Expect(page.GetByTestId("approval-by")).ToHaveCountAsync(0);
        await page.GetByTestId("approval-comment").FillAsync("looks fine");
        await page.GetByTestId("approval-approve").ClickAsync();

        await Expect(page.GetByTestId("run-status")).ToHaveTextAsync("succeeded");
        var run = await host.GetJsonAsync($"/api/runs/{runId}");
        var ok = run.GetProperty("data").GetProperty("ok");
        Assert.Equal("local", ok.GetProperty("by").GetString());
        Assert.Equal("looks fine", ok.GetProperty("comment").GetString());
        browser.AssertNoErrors();
    }

    [Fact]
    public async Task Detail_UnknownRun_SaysSo()
    {
        await using var browser = await chromium.NewPageAsync(host.BaseAddress);

        await browser.OpenCanvasAsync("/runs/0123456789abcdef0123456789abcdef");

        await Expect(browser.Page.GetByTestId("run-load-error")).ToContainTextAsync("There is no run '0123456789abcdef0123456789abcdef'.");
        await Expect(browser.Page.GetByTestId("run-body")).ToBeHiddenAsync();
        CanvasErrors.AssertNoneBut(browser, 404);
    }

    private static ILocator Rows(IPage page) => page.GetByTestId("run-row");

    private static ILocator Row(IPage page, string id) => page.Locator($"[data-testid=run-row][data-id='{id}']");

    private static ILocator Node(IPage page, string id) => page.Locator($"[data-testid=timeline-node][data-id='{id}']");
}
