using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;
using ChatFlows.Core.Storage;

namespace ChatFlows.Core.Tests.Approving;

/// <summary>
/// Reminders, escalation, the deadline's policy and the inbox (README §Approvals), on the real engine and a real
/// SQLite journal with a fake clock.
/// </summary>
public sealed class ApprovalLifecycleTests : IAsyncLifetime
{
    private readonly ApprovalBench _bench = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _bench.DisposeAsync();

    private Task<DateTimeOffset?> SweepAtAsync(TimeSpan afterNine)
    {
        _bench.Time.SetUtcNow(ApprovalBench.Nine + afterNine);
        return _bench.Lifecycle.SweepAsync(_bench.Time.GetUtcNow());
    }

    [Fact]
    public async Task SweepAsync_Remind_FiresAtItsTimesToTheUndecidedAndStopsWhenDecided()
    {
        var runId = await _bench.StartAsync("remind", Config.Of("\"approvers\": [\"slack:U1\", \"slack:U2\"], \"quorum\": 2, \"remind\": \"PT1H\""));

        var next = await SweepAtAsync(TimeSpan.FromMinutes(59));
        Assert.Empty(_bench.Notices.All);
        Assert.Equal(ApprovalBench.Nine.AddHours(1), next);

        await SweepAtAsync(TimeSpan.FromHours(1));
        await SweepAtAsync(TimeSpan.FromHours(1));
        var first = Assert.Single(_bench.Notices.Of(ApprovalEventKinds.Reminder));
        Assert.Equal(("reminder:1", ApprovalBench.Nine.AddHours(1)), (first.Event.Key, first.Event.At));
        Assert.Equal(["slack:U1", "slack:U2"], first.Recipients);

        _bench.Time.SetUtcNow(ApprovalBench.Nine.AddMinutes(70));
        await _bench.DecideAsync(runId, "slack:U1", approve: true);
        await SweepAtAsync(TimeSpan.FromHours(2));
        var second = _bench.Notices.Of(ApprovalEventKinds.Reminder)[1];
        Assert.Equal(["slack:U2"], second.Recipients);
        Assert.Equal(2, second.State.Reminders);
        Assert.Equal(ApprovalBench.Nine.AddHours(3), second.State.NextReminderAt);

        await _bench.DecideAsync(runId, "slack:U2", approve: true);
        await _bench.EndedAsync(runId);
        await SweepAtAsync(TimeSpan.FromHours(5));
        Assert.Equal(2, _bench.Notices.Of(ApprovalEventKinds.Reminder).Count);
    }

    [Fact]
    public async Task SweepAsync_AfterDowntime_SendsOneReminderForTheLatestSlotNotABurst()
    {
        var runId = await _bench.StartAsync("downtime", Config.Of("\"approvers\": [\"slack:U1\"], \"remind\": \"PT1H\""));

        await SweepAtAsync(TimeSpan.FromHours(6.5));

        var only = Assert.Single(_bench.Notices.Of(ApprovalEventKinds.Reminder));
        Assert.Equal("reminder:6", only.Event.Key);
        Assert.Equal(ApprovalBench.Nine.AddHours(7), (await _bench.Approvals.StateAsync(runId, "ok"))!.NextReminderAt);
    }

    [Fact]
    public async Task SweepAsync_Escalate_AddsTheApproversOnceAndOnlyThenMayTheyDecide()
    {
        var runId = await _bench.StartAsync("escalate", Config.Of(
            "\"approvers\": [\"slack:U1\"], \"escalate\": {\"after\": \"PT30M\", \"to\": [\"slack:U9\"], \"notify\": \"slack:C0ONCALL\"}"));

        var before = await _bench.DecideAsync(runId, "slack:U9", approve: true);
        await SweepAtAsync(TimeSpan.FromMinutes(29));
        Assert.Empty(_bench.Notices.All);
        await SweepAtAsync(TimeSpan.FromMinutes(30));
        await SweepAtAsync(TimeSpan.FromMinutes(45));

        Assert.Equal(ApprovalOutcome.NotAllowed, before.Outcome);
        var escalation = Assert.Single(_bench.Notices.Of(ApprovalEventKinds.Escalation));
        Assert.Equal(["slack:U1", "slack:U9"], escalation.State.Approvers);
        Assert.Equal(["slack:U1", "slack:U9"], escalation.Recipients);
        Assert.Equal("slack:C0ONCALL", escalation.State.Policy.Escalate!.Notify);
        Assert.True(escalation.State.Escalated);
        var after = await _bench.DecideAsync(runId, "slack:U9", approve: true);
        Assert.Equal(ApprovalOutcome.Accepted, after.Outcome);
    }

    [Theory]
    [InlineData("approve", "yes", "approved")]
    [InlineData("reject", "no", "rejected")]
    [InlineData("expire", "late", "expired")]
    public async Task Timeout_OnTimeoutPolicy_TakesItsPort(string onTimeout, string next, string decision)
    {
        var runId = await _bench.StartAsync($"timeout-{onTimeout}", Config.Of($"\"approvers\": [\"slack:U1\"], \"timeout\": \"PT1H\", \"onTimeout\": \"{onTimeout}\""));

        _bench.Time.Advance(TimeSpan.FromHours(1));
        var run = await _bench.EndedAsync(runId);

        Assert.Contains(run.Nodes, n => n.NodeId == next);
        var output = ApprovalBench.Output(run, "ok");
        Assert.Equal(decision, output.GetProperty("decision").GetString());
        if (onTimeout != "expire")
        {
            Assert.Equal(("timeout", "onTimeout"), (output.GetProperty("by").GetString(), output.GetProperty("policy").GetString()));
        }
    }

    [Fact]
    public async Task Inbox_ListsWhatWaitsForThePersonOldestFirstAndDropsWhatTheyVotedOnAndWhatAnyoneMayDecide()
    {
        var older = await _bench.StartAsync("older", Config.Of("\"approvers\": [\"slack:U1\"]"), name: "Older flow");
        _bench.Time.Advance(TimeSpan.FromMinutes(5));
        var newer = await _bench.StartAsync("newer", Config.Of("\"approvers\": [\"slack:U2\", \"slack:U1\"], \"quorum\": 2"));
        _bench.Time.Advance(TimeSpan.FromMinutes(5));
        await _bench.StartAsync("others", Config.Of("\"approvers\": [\"slack:U3\"]"));
        // Open to anyone, it waits for nobody in particular: it is in no one's list, only in every approval's.
        await _bench.StartAsync("open", Config.Of("\"approvers\": [\"anyone\"]"));

        var mine = await _bench.Inbox.ListAsync(new Decider("slack:U1"));
        await _bench.DecideAsync(newer, "slack:U1", approve: true);
        var afterVoting = await _bench.Inbox.ListAsync(new Decider("slack:U1"));
        var all = await _bench.Inbox.ListAllAsync();

        Assert.Equal([older, newer], mine.Select(i => i.State.RunId));
        Assert.Equal(("older", "Older flow"), (mine[0].WorkflowId, mine[0].WorkflowName));
        Assert.Equal([older], afterVoting.Select(i => i.State.RunId));
        Assert.Equal(["older", "newer", "others", "open"], all.Select(i => i.WorkflowId));
    }
}
