using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ChatFlows.Bot.Tests.Browser;

/// <summary>
/// Runs started by typing <c>/run</c> in the Playground, in real Chromium against the real host: the progress card
/// advances, the approval appears in the run's thread, and Approve / Reject go through the approval flow.
/// </summary>
[Collection(HostCollection.Name)]
[Trait("Host", "shared")]
public sealed class ChatRunPageTests(HostFixture host, ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task Run_StandupDigestApproved_CardAdvancesAndTheDigestIsPostedInTheThread()
    {
        await CreateChannelAsync("e2e-approve");
        await using var browser = await chromium.NewPageAsync(host.BaseAddress, name: "ada");
        var page = browser.Page;
        await browser.OpenPlaygroundAsync("e2e-approve");

        await SendAsync(page, "/run standup-digest");

        await Expect(page.GetByTestId("ephemeral-note")).ToContainTextAsync("Started Standup digest");
        await Expect(page.GetByTestId("ephemeral-note").GetByTestId("note-run")).ToHaveAttributeAsync("href", new Regex("^/runs/[0-9a-f]{32}$"));
        var progress = ProgressCard(page);
        await Expect(progress).ToContainTextAsync("waiting");
        await Expect(progress).ToContainTextAsync("waiting for anyone to approve");
        await Expect(progress).ToContainTextAsync("Started by");
        await Expect(progress).ToContainTextAsync("playground:ada");

        await OpenRunThreadAsync(page);
        var approval = page.GetByTestId("reply-item").First;
        await Expect(approval).ToContainTextAsync("Post this standup digest?");
        await approval.Locator("textarea").FillAsync("Standup digest, edited: all good.");
        await approval.Locator("input").First.FillAsync("ship it");
        await approval.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();

        await Expect(page.GetByTestId("ephemeral-note").Last).ToContainTextAsync("Approved by playground:ada");
        await Expect(approval).ToContainTextAsync("Approved by playground:ada");
        await Expect(approval).ToContainTextAsync("ship it");
        await Expect(approval.GetByRole(AriaRole.Button, new() { Name = "Approve" })).ToHaveCountAsync(0);
        var replies = page.GetByTestId("reply-item");
        await Expect(replies).ToHaveCountAsync(2);
        await Expect(replies.Last).ToContainTextAsync("Standup digest, edited: all good.");
        await Expect(progress).ToContainTextAsync("succeeded");
        await Expect(progress).ToContainTextAsync("approved by playground:ada");

        // History, cards and thread survive a reload.
        await page.ReloadAsync();
        await browser.WaitUntilReadyAsync();
        await Expect(ProgressCard(page)).ToContainTextAsync("succeeded");
        await OpenRunThreadAsync(page);
        await Expect(page.GetByTestId("reply-item")).ToHaveCountAsync(2);
        await Expect(page.GetByTestId("reply-item").First).ToContainTextAsync("Approved by playground:ada");
        browser.AssertNoErrors();
    }

    [Fact]
    public async Task Run_StandupDigestRejected_PostsNothingAndTheCardSaysWhoRejected()
    {
        await CreateChannelAsync("e2e-reject");
        await using var browser = await chromium.NewPageAsync(host.BaseAddress, name: "linus");
        var page = browser.Page;
        await browser.OpenPlaygroundAsync("e2e-reject");

        await SendAsync(page, "/run digest items=\"Linus: blocked on review\"");
        await Expect(ProgressCard(page)).ToContainTextAsync("waiting");
        await OpenRunThreadAsync(page);
        var approval = page.GetByTestId("reply-item").First;
        await approval.GetByRole(AriaRole.Button, new() { Name = "Reject" }).ClickAsync();

        await Expect(approval).ToContainTextAsync("Rejected by playground:linus");
        await Expect(ProgressCard(page)).ToContainTextAsync("succeeded");
        await Expect(ProgressCard(page)).ToContainTextAsync("Standup digest not posted (rejected by playground:linus).");
        await Expect(page.GetByTestId("reply-item")).ToHaveCountAsync(1);
        browser.AssertNoErrors();
    }

    [Fact]
    public async Task Approve_ByAPersonNotListed_IsRefusedAndTheApproverStillCan()
    {
        await host.CreateWorkflowAsync("""
            {"id": "e2e-guarded", "name": "Guarded rollout", "version": 1, "nodes": [
              {"id": "cmd", "type": "trigger", "config": {"kind": "command", "command": "guarded"}},
              {"id": "ask", "type": "approval", "config": {"prompt": "Roll out?", "approvers": ["playground:ada"]}},
              {"id": "done", "type": "output", "config": {"kind": "message", "text": "Rolled out by {{ data.ask.by }}."}}
            ], "edges": [{"from": "cmd", "to": "ask"}, {"from": "ask", "port": "approved", "to": "done"}]}
            """);
        await CreateChannelAsync("e2e-guarded");
        await using var mallory = await chromium.NewPageAsync(host.BaseAddress, name: "mallory");
        await using var ada = await chromium.NewPageAsync(host.BaseAddress, name: "ada");
        await mallory.OpenPlaygroundAsync("e2e-guarded");
        await ada.OpenPlaygroundAsync("e2e-guarded");

        await SendAsync(mallory.Page, "/run guarded");
        await Expect(mallory.Page.GetByTestId("ephemeral-note")).ToContainTextAsync("Started Guarded rollout");
        await Expect(ProgressCard(mallory.Page)).ToContainTextAsync("waiting for playground:ada to approve");
        await OpenRunThreadAsync(mallory.Page);
        await mallory.Page.GetByTestId("reply-item").First.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();

        await Expect(mallory.Page.GetByTestId("ephemeral-note").Last).ToContainTextAsync("Only playground:ada may decide this; nothing changed.");
        await Expect(ProgressCard(mallory.Page)).ToContainTextAsync("waiting for playground:ada to approve");

        await OpenRunThreadAsync(ada.Page);
        await ada.Page.GetByTestId("reply-item").First.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();

        await Expect(ProgressCard(mallory.Page)).ToContainTextAsync("succeeded");
        await Expect(mallory.Page.GetByTestId("reply-item").Last).ToContainTextAsync("Rolled out by playground:ada.");
        mallory.AssertNoErrors();
        ada.AssertNoErrors();
    }

    [Fact]
    public async Task Run_UnknownWorkflow_SuggestsTheClosestNamesOnlyToTheSender()
    {
        await CreateChannelAsync("e2e-typo");
        await using var browser = await chromium.NewPageAsync(host.BaseAddress, name: "grace");
        var page = browser.Page;
        await browser.OpenPlaygroundAsync("e2e-typo");

        await SendAsync(page, "/run deplyo-check service=api");

        var note = page.GetByTestId("ephemeral-note");
        await Expect(note).ToContainTextAsync("There is no workflow deplyo-check. Did you mean deploy-check?");
        await Expect(page.GetByTestId("message-item")).ToHaveCountAsync(1);
        await page.ReloadAsync();
        await browser.WaitUntilReadyAsync();
        await Expect(page.GetByTestId("ephemeral-note")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("message-item")).ToHaveCountAsync(1);
        browser.AssertNoErrors();
    }

    // The run's progress card: the bot's card in the channel.
    private static ILocator ProgressCard(IPage page) => ProgressItem(page).GetByTestId("message-card");

    private static ILocator ProgressItem(IPage page) =>
        page.GetByTestId("message-list").GetByTestId("message-item").Filter(new() { Has = page.GetByTestId("message-card") }).Last;

    // Opens the thread of the run's progress card once the run has said something there.
    private static async Task OpenRunThreadAsync(IPage page)
    {
        var replies = ProgressItem(page).GetByTestId("reply-count");
        await Expect(replies).ToBeVisibleAsync();
        await replies.ClickAsync();
        await Expect(page.GetByTestId("thread-panel")).ToBeVisibleAsync();
    }

    private static async Task SendAsync(IPage page, string text)
    {
        await page.GetByTestId("composer-input").FillAsync(text);
        await page.GetByTestId("composer-input").PressAsync("Enter");
    }

    private async Task CreateChannelAsync(string name)
    {
        using var response = await host.SendAsync(HttpMethod.Post, "/playground/api/channels", JsonSerializer.Serialize(new { name }));
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
}
