using System.Diagnostics;
using System.Text.Json;
using ChatFlows.Bot.Tests.Browser;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ChatFlows.Bot.Tests.Widgets;

/// <summary>
/// The seeded release board on its hourly schedule, in the real host whose clock is a fake, watched on the dashboard in
/// real Chromium: each hour's run updates the widgets, the number shows its trend and the series is drawn as a chart.
/// </summary>
public sealed class WidgetDashboardTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>, IAsyncLifetime
{
    // Tuesday 24 November 2026, 07:59:30 UTC: the first hourly run is at 08:00, 80 hours before Friday's 16:00 cut.
    private static readonly DateTimeOffset Start = new(2026, 11, 24, 7, 59, 30, TimeSpan.Zero);
    private ClockedHost _host = null!;

    public Task InitializeAsync()
    {
        _host = new ClockedHost(Start, new Dictionary<string, string>());
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Schedule_TwoHourlyRuns_DashboardShowsTheNumberWithItsTrendTheChartAndTheRun()
    {
        // A fresh host compiles its pages on the first request; make that request here, not in the browser's first load.
        using (var warm = await _host.Client.GetAsync("/")) warm.EnsureSuccessStatusCode();
        await using var browser = await chromium.NewPageAsync(new Uri(_host.Client.BaseAddress!, "/"));
        var page = browser.Page;
        await browser.OpenCanvasAsync("/");
        await Expect(page.GetByTestId("widget-empty")).ToBeVisibleAsync();

        await FireAtAsync(Start.AddSeconds(30), expectedRuns: 1);
        var hours = page.Locator("[data-testid=widget][data-widget=release-cut-hours]");
        await Expect(hours.GetByTestId("widget-value")).ToHaveTextAsync("80", AfterARefresh);
        await Expect(page.GetByTestId("widget-empty")).ToBeHiddenAsync();

        var second = await FireAtAsync(Start.AddSeconds(30).AddHours(1), expectedRuns: 2);

        await Expect(hours.GetByTestId("widget-value")).ToHaveTextAsync("79", AfterARefresh);
        await Expect(hours.GetByTestId("widget-trend")).ToHaveTextAsync("▼ -1");
        await Expect(hours.GetByTestId("widget-title")).ToHaveTextAsync("Hours to the release cut");
        await Expect(hours.GetByTestId("widget-run")).ToHaveAttributeAsync("href", $"/runs/{second}");
        var chart = page.Locator("[data-testid=widget][data-widget=release-cut-chart]").GetByTestId("widget-chart");
        await Expect(chart).ToBeVisibleAsync();
        // Chart.js has drawn on the canvas: it registers the chart instance against it.
        await page.WaitForFunctionAsync("() => { const c = document.querySelector('[data-widget=release-cut-chart] canvas'); const chart = c && window.Chart.getChart(c); return chart && chart.data.datasets[0].data.length === 2; }");
        await Expect(page.Locator("[data-widget=release-checklist] li")).ToHaveCountAsync(3);
        await Expect(page.Locator("[data-widget=release-note] [data-testid=widget-value] strong")).ToHaveTextAsync("Friday 16:00 UTC");
        browser.AssertNoErrors();
    }

    // The page refreshes its widgets every 5 s (widgets.js): a value set just after a refresh shows at the next one, so
    // waiting less than a whole period plus the fetch could miss it.
    private static readonly LocatorAssertionsToHaveTextOptions AfterARefresh = new() { Timeout = 15_000 };

    // Moves the fake clock to the hour and waits for that run of the schedule to succeed; returns its id.
    private async Task<string> FireAtAsync(DateTimeOffset at, int expectedRuns)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (_host.Time.GetUtcNow() < at) _host.Time.Advance(TimeSpan.FromSeconds(5));
            var runs = JsonElement.Parse(await _host.Client.GetStringAsync("/api/runs?workflow=release-board")).GetProperty("items").EnumerateArray().ToArray();
            if (runs.Length >= expectedRuns && runs.All(r => r.GetProperty("status").GetString() == "succeeded"))
            {
                return runs.OrderByDescending(r => r.GetProperty("createdAt").GetDateTimeOffset()).First().GetProperty("id").GetString()!;
            }
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"{runs.Length} runs of release-board by {_host.Time.GetUtcNow():O}: {string.Join(", ", runs.Select(r => r.GetProperty("status").GetString()))}.");
            await Task.Delay(20);
        }
    }
}
