using System.Net;
using System.Text.Json;
using ChatFlows.Core.Running;
using ChatFlows.Core.Scheduling;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace ChatFlows.Bot.Tests.Scheduling;

/// <summary>
/// A scheduled workflow stored earlier that no longer validates, in the real host whose clock is a fake: its tick is
/// refused naming what to fix, the scheduler goes on, and once a fixed version is saved the next tick runs.
/// </summary>
public sealed class BrokenScheduleTests : IAsyncLifetime
{
    private const string Broken = """
        {
          "id": "sched-broken",
          "version": 1,
          "nodes": [
            {"id": "every", "type": "trigger", "config": {"kind": "schedule", "cron": "* * * * *", "timeZone": "UTC"}},
            {"id": "send", "type": "tool", "config": {"tool": "fax"}}
          ],
          "edges": [{"from": "every", "to": "send"}]
        }
        """;

    private const string Fixed = """
        {
          "id": "sched-broken",
          "nodes": [
            {"id": "every", "type": "trigger", "config": {"kind": "schedule", "cron": "* * * * *", "timeZone": "UTC"}},
            {"id": "send", "type": "output", "config": {"kind": "end", "value": "sent"}}
          ],
          "edges": [{"from": "every", "to": "send"}]
        }
        """;

    private ClockedHost _host = null!;

    public Task InitializeAsync()
    {
        _host = new ClockedHost(new DateTimeOffset(2026, 11, 24, 7, 58, 50, TimeSpan.Zero), new Dictionary<string, string>
        {
            ["ChatFlows:Samples:Seed"] = "false",
            ["ChatFlows:Schedules:RefreshInterval"] = "00:00:05",
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Schedule_WorkflowThatNoLongerValidates_IsRefusedNamingTheProblemAndRunsOnceFixed()
    {
        var scheduler = _host.Services.GetRequiredService<Scheduler>();
        var refusals = new List<StartOutcome.Refused>();
        scheduler.Refused += (_, refused) => refusals.Add(refused);
        await StoreUncheckedAsync(Broken);

        // A full refresh reads the stored workflow; then 08:00 falls due.
        _host.Time.Advance(TimeSpan.FromSeconds(6));
        await scheduler.NextPassAsync();
        Assert.Contains(scheduler.Schedules, s => s.WorkflowId == "sched-broken");
        _host.Time.Advance(TimeSpan.FromSeconds(10));
        await scheduler.NextPassAsync();

        var refused = Assert.Single(refusals);
        Assert.Equal(StartProblemKind.InvalidWorkflow, refused.Kind);
        Assert.Equal("nodes/send/config/tool", Assert.Single(refused.Problems).Path);
        Assert.Empty(await RunsAsync());

        using (var saved = await SendAsync(HttpMethod.Put, "/api/workflows/sched-broken", Fixed, "\"1\""))
        {
            Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        }
        await scheduler.NextPassAsync();
        _host.Time.Advance(TimeSpan.FromMinutes(1));
        await scheduler.NextPassAsync();

        var run = Assert.Single(await RunsAsync());
        Assert.Equal("schedule", run.GetProperty("startedBy").GetString());
        Assert.Single(refusals);
    }

    private async Task<JsonElement[]> RunsAsync() =>
        JsonElement.Parse(await _host.Client.GetStringAsync("/api/runs?workflow=sched-broken")).GetProperty("items").EnumerateArray().ToArray();

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string json, string ifMatch)
    {
        using var request = new HttpRequestMessage(method, path) { Content = HostFixture.Json(json) };
        request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return await _host.Client.SendAsync(request);
    }

    private async Task StoreUncheckedAsync(string json)
    {
        const string WorkflowSql = "insert into workflows (id, version, document, created_at, updated_at) values ('sched-broken', 1, $document, $now, $now)";
        const string VersionSql = "insert into workflow_versions (workflow_id, version, document, created_at) values ('sched-broken', 1, $document, $now)";
        await using var connection = new SqliteConnection($"Data Source={_host.DatabasePath}");
        await connection.OpenAsync();
        foreach (var sql in new[] { WorkflowSql, VersionSql })
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.Parameters.AddWithValue("$document", json);
            command.Parameters.AddWithValue("$now", _host.Time.GetUtcNow().ToUnixTimeMilliseconds());
            await command.ExecuteNonQueryAsync();
        }
    }
}
