using System.Text.Json;
using ChatFlows.Bot.Tests.Browser;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ChatFlows.Bot.Tests.Widgets;

/// <summary>
/// ChatFlows:Runs:MaxOutputBytes in the real host (README §Bounded outputs): an output larger than the limit is
/// kept as a marker with a preview, and the run page says so in Chromium.
/// </summary>
public sealed class TruncatedOutputPageTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>, IAsyncLifetime
{
    private ClockedHost _host = null!;

    public Task InitializeAsync()
    {
        _host = new ClockedHost(DateTimeOffset.UtcNow, new Dictionary<string, string> { ["ChatFlows:Runs:MaxOutputBytes"] = "2048" });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task RunPage_OutputOverTheLimit_ShowsTheMarkerAndSaysWhy()
    {
        const string Workflow = """
            {"id": "big-output", "version": 1,
             "nodes": [
               {"id": "play", "type": "trigger", "config": {"kind": "manual"}},
               {"id": "shape", "type": "tool", "config": {"tool": "transform", "value": {"text": "{{ trigger.text }}"}}},
               {"id": "small", "type": "tool", "config": {"tool": "transform", "value": {"kept": "{{ data.shape.truncated }}"}}}
             ],
             "edges": [{"from": "play", "to": "shape"}, {"from": "shape", "to": "small"}]}
            """;
        using (var created = await _host.Client.PostAsync("/api/workflows", HostFixture.Json(Workflow))) Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        using var started = await _host.Client.PostAsync("/api/workflows/big-output/runs", HostFixture.Json(JsonSerializer.Serialize(new { text = new string('x', 5000) })));
        var runId = JsonElement.Parse(await started.Content.ReadAsStringAsync()).GetProperty("runId").GetString()!;
        var run = await WaitAsync(runId);
        var shape = run.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("nodeId").GetString() == "shape").GetProperty("output");
        Assert.True(shape.GetProperty("truncated").GetBoolean());
        Assert.Equal(5011, shape.GetProperty("bytes").GetInt32());

        await using var browser = await chromium.NewPageAsync(_host.Client.BaseAddress!);
        var page = browser.Page;
        await browser.OpenCanvasAsync($"/runs/{runId}");
        var node = page.Locator("[data-testid=timeline-node][data-id=shape]");
        await node.Locator("summary").ClickAsync();

        await Expect(node.GetByTestId("node-output-truncated")).ToContainTextAsync("ChatFlows:Runs:MaxOutputBytes");
        await Expect(node.GetByTestId("node-output")).ToContainTextAsync("\"truncated\": true");
        await Expect(page.Locator("[data-testid=timeline-node][data-id=small]").GetByTestId("node-output-truncated")).ToHaveCountAsync(0);
        browser.AssertNoErrors();
    }

    private async Task<JsonElement> WaitAsync(string runId)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var run = JsonElement.Parse(await _host.Client.GetStringAsync($"/api/runs/{runId}"), new JsonDocumentOptions { MaxDepth = 256 });
            if (run.GetProperty("status").GetString() is "succeeded" or "failed") return run;
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"Run {runId} is still {run.GetProperty("status").GetString()}.");
            // The host's clock is a fake: the worker's polls tick only when it moves.
            _host.Time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(20);
        }
    }
}
