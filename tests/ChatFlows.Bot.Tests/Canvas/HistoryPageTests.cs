using System.Net;
using System.Net.Http.Headers;
using ChatFlows.Bot.Tests.Access;
using ChatFlows.Bot.Tests.Api;
using ChatFlows.Bot.Tests.Browser;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ChatFlows.Bot.Tests.Canvas;

/// <summary>
/// A workflow's History page (<c>/workflows/{id}/history</c>, README §Workflow history) in real Chromium against a host
/// where a program saves with the API key as <c>email:ana@corp.example</c> and this machine's user as <c>local</c>.
/// </summary>
public sealed class HistoryPageTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private const string Key = "history-test-key-0123456789";

    [Fact]
    public async Task History_ThreeVersionsByTwoPeople_ShowsAuthorsDiffsOneToThreeAndRestoresOneAsVersionFour()
    {
        await using var host = new AccessHost(Key, new Dictionary<string, string> { ["ChatFlows:Auth:ApiKeyUser"] = "email:ana@corp.example" });
        using var program = host.Client(remote: null);
        program.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        using var person = host.Client(remote: null);
        await SendAsync(program, HttpMethod.Post, "/api/workflows", WorkflowVersionsApiTests.First("hist-ui"), null, HttpStatusCode.Created);
        await SendAsync(person, HttpMethod.Put, "/api/workflows/hist-ui", WorkflowVersionsApiTests.Second("hist-ui"), "\"1\"", HttpStatusCode.OK);
        await SendAsync(program, HttpMethod.Put, "/api/workflows/hist-ui", WorkflowVersionsApiTests.Third("hist-ui"), "\"2\"", HttpStatusCode.OK);
        await using var browser = await chromium.NewPageAsync(host.BaseAddress);
        var page = browser.Page;

        // From the editor, as a person finds it.
        await browser.OpenCanvasAsync("/workflows/hist-ui");
        await page.GetByTestId("history-link").ClickAsync();
        await page.WaitForURLAsync("**/workflows/hist-ui/history");
        await browser.WaitUntilCanvasReadyAsync();

        var rows = page.GetByTestId("version-row");
        await Expect(rows).ToHaveCountAsync(3);
        await Expect(rows.GetByTestId("version-author")).ToHaveTextAsync(["ana@corp.example", "local", "ana@corp.example"]);
        await Expect(rows.GetByTestId("version-summary")).ToHaveTextAsync(["1 changed", "+1 node, +2 edges, −1 edge", "created with 3 nodes"]);
        await Expect(Row(page, 3).GetByTestId("version-current")).ToBeVisibleAsync();

        await page.GetByTestId("diff-from").SelectOptionAsync("1");
        await page.GetByTestId("diff-to").SelectOptionAsync("3");

        await Expect(page.GetByTestId("diff-summary")).ToHaveTextAsync("Version 1 → version 3: +1 node, 1 changed, +2 edges, −1 edge.");
        await Expect(page.GetByTestId("diff-old-title")).ToHaveTextAsync("Version 1");
        await Expect(page.GetByTestId("diff-new-title")).ToHaveTextAsync("Version 3");
        var label = page.Locator("[data-testid=diff-row][data-node=echo][data-path='config/value/label']");
        await Expect(label).ToHaveAttributeAsync("data-change", "changed");
        await Expect(label.GetByTestId("diff-old")).ToHaveTextAsync("first");
        await Expect(label.GetByTestId("diff-new")).ToHaveTextAsync("third");
        var added = page.Locator("[data-testid=diff-row][data-node=note]");
        await Expect(added).ToHaveAttributeAsync("data-change", "added");
        await Expect(added.GetByTestId("diff-old")).ToHaveTextAsync("—");
        await Expect(added.GetByTestId("diff-new")).ToContainTextAsync("noted");
        await Expect(page.Locator("[data-testid=diff-row][data-path=edge][data-change=removed] [data-testid=diff-old]")).ToHaveTextAsync("echo → done");

        await Row(page, 1).GetByTestId("version-restore").ClickAsync();
        await Expect(page.GetByTestId("restore-message")).ToContainTextAsync("It becomes version 4");
        await page.GetByTestId("restore-confirm").ClickAsync();

        await page.WaitForURLAsync(url => url.EndsWith("/workflows/hist-ui", StringComparison.Ordinal));
        await browser.WaitUntilCanvasReadyAsync();
        await Expect(page.GetByTestId("workflow-version")).ToHaveTextAsync("version 4");
        var document = await EditorPage.DocumentAsync(page);
        Assert.Equal(["play", "echo", "done"], document!["nodes"]!.AsArray().Select(n => n!["id"]!.GetValue<string>()));
        Assert.Equal("first", document["nodes"]![1]!["config"]!["value"]!["label"]!.GetValue<string>());
        using var sameAsFirst = await person.GetAsync("/api/workflows/hist-ui/versions/1/diff?to=4");
        Assert.Contains("\"summary\":\"no changes\"", await sameAsFirst.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        browser.AssertNoErrors();
    }

    private static ILocator Row(IPage page, int version) => page.Locator($"[data-testid=version-row][data-version='{version}']");

    private static async Task SendAsync(HttpClient client, HttpMethod method, string path, string json, string? ifMatch, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(method, path) { Content = HostFixture.Json(json) };
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        using var response = await client.SendAsync(request);
        Assert.True(response.StatusCode == expected, $"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
}
