using System.Text.Json;
using ChatFlows.Bot.Playground;
using ChatFlows.Core.Messaging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ChatFlows.Bot.Tests.Browser;

/// <summary>The Playground page in real Chromium against the real host, as a person uses it.</summary>
[Collection(HostCollection.Name)]
[Trait("Host", "shared")]
public sealed class PlaygroundPageTests(HostFixture host, ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task Page_FirstVisit_LoadsWithoutErrorsAndAsksForAName()
    {
        await using var browser = await chromium.NewPageAsync(host.BaseAddress);

        await browser.OpenPlaygroundAsync();

        await Expect(browser.Page.GetByTestId("name-picker")).ToBeVisibleAsync();
        await Expect(browser.Page.GetByTestId("channel-list").GetByTestId("channel-item").First).ToHaveAttributeAsync("data-channel", "general");
        await Expect(browser.Page.GetByTestId("connection-status")).ToHaveAttributeAsync("data-state", "live");
        browser.AssertNoErrors();
    }

    [Fact]
    public async Task Message_PickNameAndSend_ShowsItAndKeepsItAfterReload()
    {
        await CreateChannelAsync("page-send");
        await using var browser = await chromium.NewPageAsync(host.BaseAddress);
        var page = browser.Page;
        await browser.OpenPlaygroundAsync("page-send");

        await page.GetByTestId("name-input").FillAsync("grace");
        await page.GetByTestId("name-confirm").ClickAsync();
        await Expect(page.GetByTestId("name-picker")).ToBeHiddenAsync();
        await page.GetByTestId("composer-input").FillAsync("Hello from *the browser*");
        await page.GetByTestId("composer-input").PressAsync("Enter");

        var sent = page.GetByTestId("message-list").GetByTestId("message-item");
        await Expect(sent).ToHaveCountAsync(1);
        await Expect(sent).ToContainTextAsync("Hello from the browser");
        await Expect(sent.Locator("strong")).ToHaveTextAsync("the browser");
        await Expect(sent).ToHaveAttributeAsync("data-author", "grace");
        await Expect(page.GetByTestId("composer-input")).ToHaveValueAsync("");

        await page.ReloadAsync();
        await browser.WaitUntilReadyAsync();

        await Expect(page.GetByTestId("name-picker")).ToBeHiddenAsync();
        await Expect(page.GetByTestId("me-name")).ToHaveTextAsync("grace");
        await Expect(page.GetByTestId("message-item")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("message-item")).ToContainTextAsync("Hello from the browser");
        browser.AssertNoErrors();
    }

    [Fact]
    public async Task Message_SentInOneBrowser_AppearsLiveInAnother()
    {
        await CreateChannelAsync("page-live");
        await using var sender = await chromium.NewPageAsync(host.BaseAddress, name: "ada");
        await using var watcher = await chromium.NewPageAsync(host.BaseAddress, name: "bob");
        await watcher.OpenPlaygroundAsync("page-live");
        await sender.OpenPlaygroundAsync("page-live");
        await Expect(watcher.Page.GetByTestId("connection-status")).ToHaveAttributeAsync("data-state", "live");

        await sender.Page.GetByTestId("composer-input").FillAsync("Is anyone there?");
        await sender.Page.GetByTestId("composer-send").ClickAsync();

        var seen = watcher.Page.GetByTestId("message-item");
        await Expect(seen).ToHaveCountAsync(1);
        await Expect(seen).ToContainTextAsync("Is anyone there?");
        await Expect(seen).ToHaveAttributeAsync("data-author", "ada");
        sender.AssertNoErrors();
        watcher.AssertNoErrors();
    }

    [Fact]
    public async Task BotCardAndThreadReply_PostedByARun_ShowLiveAndOpenInTheThread()
    {
        await CreateChannelAsync("page-cards");
        await using var browser = await chromium.NewPageAsync(host.BaseAddress, name: "ada");
        var page = browser.Page;
        await browser.OpenPlaygroundAsync("page-cards");
        var channel = host.Services.GetRequiredService<PlaygroundChannel>();
        var card = JsonElement.Parse("""
            {"type": "AdaptiveCard", "version": "1.5",
             "body": [{"type": "TextBlock", "text": "Deploy check is **running**", "wrap": true},
                      {"type": "Input.Text", "id": "comment", "placeholder": "Comment"}],
             "actions": [{"type": "Action.Execute", "title": "Approve", "verb": "approve", "data": {"runId": "run-page", "nodeId": "ok"}}]}
            """);

        var progress = await channel.PostAsync(Message("playground:page-cards", null, card), CancellationToken.None);

        var item = page.GetByTestId("message-item");
        await Expect(item).ToHaveCountAsync(1);
        await Expect(item).ToHaveAttributeAsync("data-message-id", progress.MessageId);
        await Expect(item.GetByTestId("message-card").Locator(".ac-adaptiveCard")).ToBeVisibleAsync();
        await Expect(item.GetByTestId("message-card")).ToContainTextAsync("Deploy check is running");
        await Expect(item.GetByTestId("message-card").Locator("strong")).ToHaveTextAsync("running");
        await Expect(item.GetByRole(AriaRole.Button, new() { Name = "Approve" })).ToBeVisibleAsync();

        await channel.PostAsync(Message(channel.ThreadOf(progress), "All checks passed.", null), CancellationToken.None);

        await Expect(item.GetByTestId("reply-count")).ToHaveTextAsync("1 reply");
        await item.GetByTestId("reply-count").ClickAsync();
        await Expect(page.GetByTestId("thread-panel")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("thread-root").Locator(".ac-adaptiveCard")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("reply-item")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("reply-item")).ToContainTextAsync("All checks passed.");
        browser.AssertNoErrors();
    }

    private static ChatMessage Message(string target, string? text, JsonElement? card) => new()
    {
        Target = target,
        Text = text,
        Card = card,
        RunId = "run-page",
        WorkflowId = "deploy-check",
        NodeId = "post",
    };

    private async Task CreateChannelAsync(string name)
    {
        using var response = await host.SendAsync(HttpMethod.Post, "/playground/api/channels", JsonSerializer.Serialize(new { name }));
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
}
