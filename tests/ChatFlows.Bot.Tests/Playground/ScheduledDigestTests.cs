using System.Diagnostics;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace ChatFlows.Bot.Tests.Playground;

/// <summary>
/// The seeded standup digest on its own schedule (weekdays 09:00 Berlin, <c>channel: playground:general</c>), in the
/// real host whose clock is a fake: at 09:00 the digest appears in the Playground's #general without anyone asking.
/// </summary>
public sealed class ScheduledDigestTests : IAsyncLifetime
{
    private ClockedHost _host = null!;

    public Task InitializeAsync()
    {
        // Tuesday 24 November 2026, 08:59 in Berlin (UTC+1).
        _host = new ClockedHost(new DateTimeOffset(2026, 11, 24, 7, 59, 0, TimeSpan.Zero), new Dictionary<string, string>
        {
            ["ChatFlows:Chat:UpdateInterval"] = "00:00:00",
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Schedule_NineOClockInBerlin_PostsTheDigestToPlaygroundGeneral()
    {
        Assert.Empty(await DigestsAsync());

        var clock = Stopwatch.StartNew();
        JsonElement[] digests;
        while ((digests = await DigestsAsync()).Length == 0)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"No digest in #general by {_host.Time.GetUtcNow():O}.");
            if (_host.Time.GetUtcNow() < new DateTimeOffset(2026, 11, 24, 8, 1, 0, TimeSpan.Zero)) _host.Time.Advance(TimeSpan.FromSeconds(5));
            await Task.Delay(20);
        }

        var digest = Assert.Single(digests);
        Assert.True(digest.GetProperty("fromBot").GetBoolean());
        Assert.Null(digest.GetProperty("card").GetString());
        Assert.StartsWith("Standup digest: 3 updates.", digest.GetProperty("text").GetString(), StringComparison.Ordinal);
        var run = JsonElement.Parse(await _host.Client.GetStringAsync($"/api/runs/{digest.GetProperty("runId").GetString()}"));
        Assert.Equal("weekdays", run.GetProperty("trigger").GetProperty("triggerId").GetString());
        Assert.Equal("skipped", run.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("nodeId").GetString() == "review").GetProperty("status").GetString());
    }

    private async Task<JsonElement[]> DigestsAsync()
    {
        var messages = JsonElement.Parse(await _host.Client.GetStringAsync("/playground/api/channels/general/messages"));
        return messages.EnumerateArray().Where(m => m.GetProperty("text").GetString()?.StartsWith("Standup digest", StringComparison.Ordinal) == true).ToArray();
    }
}
