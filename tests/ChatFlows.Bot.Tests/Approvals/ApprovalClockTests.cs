using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;
using Microsoft.Extensions.DependencyInjection;

namespace ChatFlows.Bot.Tests.Approvals;

/// <summary>
/// Reminders and escalation driven by the real host's clock (a fake one, advanced by the test) over HTTP, and a
/// restart of the host between a reminder and the decision over the same SQLite file (README §Approvals).
/// </summary>
public sealed class ApprovalClockTests : IAsyncDisposable
{
    private static readonly DateTimeOffset Nine = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly string _folder = Directory.CreateTempSubdirectory("chatflows-approvals-").FullName;
    private readonly List<ClockedHost> _hosts = [];

    private const string Workflow = """
        {
          "id": "deploy-gate",
          "nodes": [
            {"id": "play", "type": "trigger", "config": {"kind": "manual"}},
            {"id": "ok", "type": "approval", "config": {"prompt": "Deploy?", "approvers": ["local", "slack:U0BOB"], "quorum": 2, "remind": "PT1H",
                                                      "escalate": {"after": "PT30M", "to": ["slack:U0ONCALL"], "notify": "slack:C0ONCALL"}}},
            {"id": "yes", "type": "tool", "config": {"tool": "transform", "value": "shipped"}}
          ],
          "edges": [{"from": "play", "to": "ok"}, {"from": "ok", "port": "approved", "to": "yes"}]
        }
        """;

    private ClockedHost Start(DateTimeOffset now, RecordingNotifier notices)
    {
        var host = new ClockedHost(now, new Dictionary<string, string> { ["ChatFlows:Approvals:SweepInterval"] = "00:05:00" },
            services => services.AddSingleton<IApprovalNotifier>(notices), _folder);
        _hosts.Add(host);
        return host;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts) await host.DisposeAsync();
        TestFolder.Delete(_folder);
    }

    [Fact]
    public async Task Host_RemindersAndEscalation_FireAtTheirTimesOnceAndStopWhenDecided()
    {
        var notices = new RecordingNotifier();
        var host = Start(Nine, notices);
        var runId = await StartRunAsync(host);

        await AdvanceUntilAsync(host, notices, Nine.AddMinutes(29), _ => true);
        Assert.Empty(notices.All);
        await AdvanceUntilAsync(host, notices, Nine.AddMinutes(30), n => n.Count == 1);
        var escalation = Assert.Single(notices.All);
        Assert.Equal(ApprovalEventKinds.Escalation, escalation.Event.Kind);
        Assert.InRange(escalation.Event.At, Nine.AddMinutes(30), Nine.AddMinutes(31));
        Assert.Equal(["local", "slack:U0BOB", "slack:U0ONCALL"], escalation.Recipients);

        await AdvanceUntilAsync(host, notices, Nine.AddHours(1), n => n.Count == 2);
        var reminder = notices.All[1];
        Assert.Equal("reminder:1", reminder.Event.Key);
        Assert.InRange(reminder.Event.At, Nine.AddHours(1), Nine.AddMinutes(61));

        // One vote of the quorum of two, over HTTP as this machine's local user; the reminders then skip local.
        using (var counted = await DecideAsync(host, runId))
        {
            Assert.True((int)counted.StatusCode < 500, $"{(int)counted.StatusCode} {await counted.Content.ReadAsStringAsync()}");
        }
        await AdvanceUntilAsync(host, notices, Nine.AddHours(2), n => n.Count == 3);
        Assert.Equal("reminder:2", notices.All[2].Event.Key);
        Assert.Equal(["slack:U0BOB", "slack:U0ONCALL"], notices.All[2].Recipients);
        var bob = await host.Services.GetRequiredService<Core.Running.Approvals>().DecideAsync(runId, "ok", new Decider("slack:U0BOB"), approve: true);
        Assert.Equal(ApprovalOutcome.Accepted, bob.Outcome);
        await WaitForRunAsync(host, runId, "succeeded");

        await AdvanceUntilAsync(host, notices, Nine.AddHours(5), _ => true);
        Assert.Equal(3, notices.All.Count);
    }

    [Fact]
    public async Task Host_RestartBetweenReminderAndDecision_LosesNothingAndSendsNoSecondCopy()
    {
        var before = new RecordingNotifier();
        var first = Start(Nine, before);
        var runId = await StartRunAsync(first);
        await AdvanceUntilAsync(first, before, Nine.AddHours(1), n => n.Count == 2);
        var counted = await first.Services.GetRequiredService<Core.Running.Approvals>().DecideAsync(runId, "ok", new Decider("slack:U0BOB"), approve: true);
        Assert.Equal(ApprovalOutcome.Counted, counted.Outcome);
        await first.DisposeAsync();
        _hosts.Remove(first);

        var after = new RecordingNotifier();
        var second = Start(Nine.AddMinutes(90), after);
        await AdvanceUntilAsync(second, after, Nine.AddMinutes(119), _ => true);
        var state = await second.Services.GetRequiredService<Core.Running.Approvals>().StateAsync(runId, "ok");

        Assert.Empty(after.All);
        Assert.NotNull(state);
        Assert.Equal((1, true), (state.Reminders, state.Escalated));
        Assert.Equal(["slack:U0BOB"], state.Votes.Select(v => v.By));
        Assert.Equal(Nine.AddHours(2), state.NextReminderAt);
        var local = await second.Services.GetRequiredService<Core.Running.Approvals>().DecideAsync(runId, "ok", new Decider("local"), approve: true);
        Assert.Equal(ApprovalOutcome.Accepted, local.Outcome);
        var run = await WaitForRunAsync(second, runId, "succeeded");
        var output = run.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("nodeId").GetString() == "ok").GetProperty("output");
        Assert.Equal(["slack:U0BOB", "local"], output.GetProperty("votes").EnumerateArray().Select(v => v.GetProperty("by").GetString()));
    }

    private static async Task<string> StartRunAsync(ClockedHost host)
    {
        using (var created = await host.Client.PostAsync("/api/workflows", new StringContent(Workflow, Encoding.UTF8, "application/json")))
        {
            Assert.True(created.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, $"{(int)created.StatusCode} {await created.Content.ReadAsStringAsync()}");
        }
        using var started = await host.Client.PostAsync("/api/workflows/deploy-gate/runs", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var runId = JsonElement.Parse(await started.Content.ReadAsStringAsync()).GetProperty("runId").GetString()!;
        await WaitForRunAsync(host, runId, "waiting");
        return runId;
    }

    private static Task<HttpResponseMessage> DecideAsync(ClockedHost host, string runId) =>
        host.Client.PostAsync($"/api/runs/{runId}/decisions", new StringContent("""{"decision": "approve"}""", Encoding.UTF8, "application/json"));

    private static async Task<JsonElement> WaitForRunAsync(ClockedHost host, string runId, string status)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var run = JsonElement.Parse(await host.Client.GetStringAsync($"/api/runs/{runId}"));
            if (run.GetProperty("status").GetString() == status) return run;
            Assert.True(clock.Elapsed < Patience, $"Run {runId} is {run.GetProperty("status").GetString()}, not {status}.");
            await Task.Delay(20);
        }
    }

    // Moves the clock a minute at a time up to `until`, giving the host's sweeper time to act at each step; then waits
    // (in real time) until the notices satisfy `done`.
    private static async Task AdvanceUntilAsync(ClockedHost host, RecordingNotifier notices, DateTimeOffset until, Func<IReadOnlyList<ApprovalNotice>, bool> done)
    {
        var clock = Stopwatch.StartNew();
        while (host.Time.GetUtcNow() < until)
        {
            var step = until - host.Time.GetUtcNow();
            host.Time.Advance(step < TimeSpan.FromMinutes(1) ? step : TimeSpan.FromMinutes(1));
            await Task.Delay(5);
        }
        var nudged = Stopwatch.StartNew();
        while (!done(notices.All))
        {
            Assert.True(clock.Elapsed < Patience, $"At {host.Time.GetUtcNow():O} the notices are: {string.Join(", ", notices.All.Select(n => n.Event.Key))}.");
            // The sweeper's timer may have been set a step late while the clock moved; a second more wakes it.
            if (nudged.Elapsed > TimeSpan.FromSeconds(1))
            {
                host.Time.Advance(TimeSpan.FromSeconds(1));
                nudged.Restart();
            }
            await Task.Delay(20);
        }
    }
}

/// <summary>Every notice the host's approvals send, in order.</summary>
internal sealed class RecordingNotifier : IApprovalNotifier
{
    private readonly Lock _gate = new();
    private readonly List<ApprovalNotice> _notices = [];

    public IReadOnlyList<ApprovalNotice> All
    {
        get
        {
            lock (_gate) return _notices.ToList();
        }
    }

    public Task NotifyAsync(ApprovalNotice notice, CancellationToken ct = default)
    {
        lock (_gate) _notices.Add(notice);
        return Task.CompletedTask;
    }
}
