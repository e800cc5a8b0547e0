using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ChatFlows.Bot.Tests.Playground;

/// <summary>
/// The seeded standup digest on its own schedule (weekdays 09:00 Berlin, <c>channel: playground:general</c>), in the
/// real host whose clock is a fake: at 09:00 the digest appears in the Playground's #general without anyone asking.
/// </summary>
public sealed class ScheduledDigestTests : IAsyncLifetime
{
    // Tuesday 24 November 2026, 08:59 in Berlin (UTC+1).
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 7, 59, 0, TimeSpan.Zero));
    private readonly string _folder = Directory.CreateTempSubdirectory("chatflows-digest-").FullName;
    private WebApplicationFactory<Program> _factory = null!;
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder => builder
            .UseSetting("urls", "http://127.0.0.1:0")
            .UseSetting("ChatFlows:Storage:ConnectionString", $"Data Source={Path.Combine(_folder, "chatflows.db")}")
            .UseSetting("ChatFlows:Storage:KeysDirectory", Path.Combine(_folder, "keys"))
            .UseSetting("ChatFlows:Chat:UpdateInterval", "00:00:00")
            .ConfigureTestServices(services => services.AddSingleton<TimeProvider>(_time)));
        _factory.UseKestrel(0);
        _factory.StartServer();
        _client = new HttpClient { BaseAddress = _factory.ClientOptions.BaseAddress };
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
        SqliteConnection.ClearAllPools();
        TestFolder.Delete(_folder);
    }

    [Fact]
    public async Task Schedule_NineOClockInBerlin_PostsTheDigestToPlaygroundGeneral()
    {
        Assert.Empty(await DigestsAsync());

        var clock = Stopwatch.StartNew();
        JsonElement[] digests;
        while ((digests = await DigestsAsync()).Length == 0)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"No digest in #general by {_time.GetUtcNow():O}.");
            if (_time.GetUtcNow() < new DateTimeOffset(2026, 11, 24, 8, 1, 0, TimeSpan.Zero)) _time.Advance(TimeSpan.FromSeconds(5));
            await Task.Delay(20);
        }

        var digest = Assert.Single(digests);
        Assert.True(digest.GetProperty("fromBot").GetBoolean());
        Assert.Null(digest.GetProperty("card").GetString());
        Assert.StartsWith("Standup digest: 3 updates.", digest.GetProperty("text").GetString(), StringComparison.Ordinal);
        var run = JsonElement.Parse(await _client.GetStringAsync($"/api/runs/{digest.GetProperty("runId").GetString()}"));
        Assert.Equal("weekdays", run.GetProperty("trigger").GetProperty("triggerId").GetString());
        Assert.Equal("skipped", run.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("nodeId").GetString() == "review").GetProperty("status").GetString());
    }

    private async Task<JsonElement[]> DigestsAsync()
    {
        var messages = JsonElement.Parse(await _client.GetStringAsync("/playground/api/channels/general/messages"));
        return messages.EnumerateArray().Where(m => m.GetProperty("text").GetString()?.StartsWith("Standup digest", StringComparison.Ordinal) == true).ToArray();
    }
}
