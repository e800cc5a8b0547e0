using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ChatFlows.Bot.Tests.Browser;

/// <summary>
/// The deploy-approval sample end to end in real Chromium (README §Approvals): two Playground people approve a deploy
/// that needs both, and "My approvals" lists what waits for the person using the canvas. This host's local user is
/// <c>playground:ana</c>, so the canvas pages act as ana while the Playground speaks as whoever picked a name.
/// </summary>
public sealed class DeployApprovalTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>, IAsyncLifetime
{
    private readonly HostFixture _host = new(new Dictionary<string, string> { ["ChatFlows:Auth:LocalUser"] = "playground:ana" });

    public Task InitializeAsync() => _host.InitializeAsync();

    public Task DisposeAsync() => _host.DisposeAsync();

    [Fact]
    public async Task DeployApproval_AnaThenBoApproveInThePlayground_WaitsForBothThenDeploys()
    {
        await CreateChannelAsync("deploys");
        await using var ana = await chromium.NewPageAsync(_host.BaseAddress, name: "ana");
        await using var bo = await chromium.NewPageAsync(_host.BaseAddress, name: "bo");
        await using var inbox = await chromium.NewPageAsync(_host.BaseAddress);
        await ana.OpenPlaygroundAsync("deploys");
        await bo.OpenPlaygroundAsync("deploys");

        await Send(ana.Page, "/run deploy-approval service=web");
        await Expect(ana.Page.GetByTestId("ephemeral-note")).ToContainTextAsync("Started Deploy approval");
        await OpenRunThreadAsync(ana.Page);
        var card = ana.Page.GetByTestId("reply-item").Filter(new() { HasText = "Deploy web to production?" }).First;
        await Expect(card).ToBeVisibleAsync();

        // Before ana decides, her approvals page lists the deploy.
        await inbox.OpenCanvasAsync("/approvals");
        var item = inbox.Page.GetByTestId("approval-item").Filter(new() { HasText = "Deploy web to production?" });
        await Expect(item).ToHaveCountAsync(1);
        await Expect(item.GetByTestId("approval-tally")).ToHaveTextAsync("0 of 2 approvals");
        await Expect(item.GetByTestId("approval-workflow")).ToHaveTextAsync("Deploy approval");

        await card.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await Expect(ana.Page.GetByTestId("ephemeral-note").Last).ToContainTextAsync("1 of 2");
        await Expect(card).ToContainTextAsync("1 of 2");
        // The same click again changes nothing.
        await card.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await Expect(ana.Page.GetByTestId("ephemeral-note").Last).ToContainTextAsync("nothing changed");
        await Expect(card).ToContainTextAsync("1 of 2");
        // Once she voted, it no longer waits for her.
        await Expect(item).ToHaveCountAsync(0);

        await OpenRunThreadAsync(bo.Page);
        var boCard = bo.Page.GetByTestId("reply-item").Filter(new() { HasText = "Deploy web to production?" }).First;
        await boCard.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();

        await Expect(ana.Page.GetByTestId("reply-item").Filter(new() { HasText = "web is deployed" })).ToHaveCountAsync(1);
        await Expect(card).ToContainTextAsync("playground:ana");
        await Expect(card).ToContainTextAsync("playground:bo");
        var runs = await _host.GetJsonAsync("/api/runs?workflow=deploy-approval");
        var run = await _host.WaitForRunAsync(runs.GetProperty("items")[0].GetProperty("id").GetString()!);
        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        var votes = run.GetProperty("data").GetProperty("approve").GetProperty("votes").EnumerateArray().Select(v => v.GetProperty("by").GetString());
        Assert.Equal(["playground:ana", "playground:bo"], votes);
        ana.AssertNoErrors();
        bo.AssertNoErrors();
        inbox.AssertNoErrors();
    }

    [Fact]
    public async Task MyApprovals_ApproveFromThePage_CountsAnasVoteAndTheItemLeavesHerList()
    {
        var runId = await _host.StartRunAsync("deploy-approval", """{"args": {"service": "billing"}}""");
        await _host.WaitForRunAsync(runId, "waiting");
        await using var browser = await chromium.NewPageAsync(_host.BaseAddress);
        var page = browser.Page;

        await browser.OpenCanvasAsync("/");
        await page.GetByTestId("nav-approvals").ClickAsync();
        await page.WaitForURLAsync("**/approvals");
        await browser.WaitUntilCanvasReadyAsync();

        var item = page.Locator($"[data-testid=approval-item][data-run='{runId}']");
        await Expect(item.GetByTestId("approval-prompt")).ToHaveTextAsync("Deploy billing to production?");
        await Expect(item.GetByTestId("approval-still-needed")).ToContainTextAsync("playground:bo");
        await Expect(item.GetByTestId("approval-deadline")).Not.ToHaveTextAsync("none");
        await Expect(item.GetByTestId("approval-escalation")).ToBeVisibleAsync();
        await Expect(item.GetByTestId("approval-draft")).ToHaveValueAsync("Deploying billing to production.");
        // Rejecting needs a comment (requireComment: reject): refused next to the item, nothing sent.
        await item.GetByTestId("approval-reject").ClickAsync();
        await Expect(item.GetByTestId("approval-error")).ToContainTextAsync("comment");

        await item.GetByTestId("approval-approve").ClickAsync();

        await Expect(page.GetByTestId("toast-success")).ToContainTextAsync("1 of 2");
        await Expect(item).ToHaveCountAsync(0);
        var state = Assert.Single((await _host.GetJsonAsync($"/api/runs/{runId}")).GetProperty("approvals").EnumerateArray());
        Assert.Equal("playground:ana", Assert.Single(state.GetProperty("votes").EnumerateArray()).GetProperty("by").GetString());
        browser.AssertNoErrors();
    }

    [Fact]
    public async Task RunPage_VoteShortOfTheQuorum_ShowsTheTallyAndJournalLive()
    {
        var runId = await _host.StartRunAsync("deploy-approval", """{"args": {"service": "search"}}""");
        await _host.WaitForRunAsync(runId, "waiting");
        await using var browser = await chromium.NewPageAsync(_host.BaseAddress);
        var page = browser.Page;
        await browser.OpenCanvasAsync($"/runs/{runId}");
        var approval = page.GetByTestId("approval");
        await Expect(approval.GetByTestId("approval-tally")).ToHaveTextAsync("0 of 2 approvals");
        await Expect(approval.GetByTestId("approval-next-reminder")).ToBeVisibleAsync();

        // Ana votes elsewhere (the API, as chat would): the page follows approval.changed without a reload.
        using (var vote = await _host.SendAsync(HttpMethod.Post, $"/api/runs/{runId}/decisions", """{"decision": "approve", "nodeId": "approve"}"""))
        {
            Assert.Equal(System.Net.HttpStatusCode.Accepted, vote.StatusCode);
        }

        await Expect(approval.GetByTestId("approval-tally")).ToHaveTextAsync("1 of 2 approvals");
        await Expect(approval.GetByTestId("approval-approved-by")).ToHaveTextAsync("playground:ana");
        await Expect(approval.GetByTestId("approval-still-needed")).ToContainTextAsync("playground:bo");
        await page.Locator("[data-testid=timeline-node][data-id='approve'] > summary").ClickAsync();
        await Expect(page.GetByTestId("approval-journal-entry").Filter(new() { HasText = "playground:ana approved" })).ToHaveCountAsync(1);
        browser.AssertNoErrors();
    }

    private static async Task OpenRunThreadAsync(IPage page)
    {
        var progress = page.GetByTestId("message-list").GetByTestId("message-item").Filter(new() { Has = page.GetByTestId("message-card") }).Last;
        var replies = progress.GetByTestId("reply-count");
        await Expect(replies).ToBeVisibleAsync();
        await replies.ClickAsync();
        await Expect(page.GetByTestId("thread-panel")).ToBeVisibleAsync();
    }

    private static async Task Send(IPage page, string text)
    {
        await page.GetByTestId("composer-input").FillAsync(text);
        await page.GetByTestId("composer-input").PressAsync("Enter");
    }

    private async Task CreateChannelAsync(string name)
    {
        using var response = await _host.SendAsync(HttpMethod.Post, "/playground/api/channels", JsonSerializer.Serialize(new { name }));
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
}
