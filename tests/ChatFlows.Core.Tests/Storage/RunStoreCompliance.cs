using System.Text.Json;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;
using ChatFlows.Core.Storage;
using ChatFlows.Core.Storage.Relational;
using ChatFlows.Core.Tests.Running;
using Microsoft.Extensions.Time.Testing;

namespace ChatFlows.Core.Tests.Storage;

/// <summary>
/// What every run store does, whatever its database (README §Tests): each provider runs these cases through a
/// subclass that says how to open its database and its store.
/// </summary>
public abstract partial class RunStoreCompliance : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));
    private readonly ProbeNodes _probes = new();
    private readonly List<RelationalRunStore> _stores = [];
    private RelationalRunStore _store = null!;

    /// <summary>Creates and migrates an empty database of this provider.</summary>
    protected abstract Task InitializeDatabaseAsync();

    /// <summary>A new store over the database, as another instance would open it.</summary>
    protected abstract RelationalRunStore OpenStore(TimeProvider time);

    /// <summary>Deletes the database.</summary>
    protected abstract Task DisposeDatabaseAsync();

    public async Task InitializeAsync()
    {
        await InitializeDatabaseAsync();
        _store = Open();
    }

    public async Task DisposeAsync()
    {
        foreach (var store in _stores) await store.DisposeAsync();
        await DisposeDatabaseAsync();
    }

    private RelationalRunStore Open(TimeProvider? time = null)
    {
        var store = OpenStore(time ?? _time);
        _stores.Add(store);
        return store;
    }

    private WorkflowPlan Plan(string[] nodes, string[] edges) => WorkflowPlan.Compile(Workflows.Build(nodes, edges), _probes.Registry);

    private WorkflowEngine Engine() => new(_probes.Registry, _store, _time);

    private static RunState NewRun(WorkflowPlan plan, string? trigger = null) =>
        new(plan, new RunRequest { Trigger = JsonDocument.Parse(trigger ?? "{}").RootElement.Clone(), StartedBy = "test" }, WorkflowEngine.NewRunId());

    [Fact]
    public async Task Journal_RunToEnd_StoresEveryNodeAndTheResult()
    {
        var plan = Plan(["a", "b"], ["start->a", "a->b"]);
        var run = NewRun(plan, """{"n": 1}""");
        await _store.EnqueueAsync(run, "me", _time.GetUtcNow().AddMinutes(1));

        await Engine().ContinueAsync(run);
        var stored = await _store.GetAsync(run.Id);

        Assert.NotNull(stored);
        Assert.Equal(RunStatus.Succeeded, stored.Status);
        Assert.Equal("test", stored.StartedBy);
        Assert.Equal(1, stored.Trigger.GetProperty("n").GetInt32());
        Assert.Equal(["a", "b", "start"], stored.Nodes.Select(n => n.NodeId).Order());
        Assert.All(stored.Nodes, n => Assert.Equal(NodeStatus.Succeeded, n.Status));
        Assert.All(stored.Nodes, n => Assert.Equal(1, n.Attempts));
        Assert.Equal("\"b\"", stored.Nodes.Single(n => n.NodeId == "b").Output!.Value.GetRawText());
        Assert.Equal(_time.GetUtcNow(), stored.FinishedAt);
    }

    [Fact]
    public async Task Restore_WaitingRun_RebuildsNodesAndData()
    {
        var plan = Plan(["a", "wait"], ["start->a", "a->wait"]);
        _probes.On("wait", _ => NodeResult.Wait("ok", JsonSerializer.SerializeToElement(new { prompt = "go?" })));
        var run = NewRun(plan);
        await _store.EnqueueAsync(run, null, default);
        await Engine().ContinueAsync(run);

        var restored = RunState.Restore(plan, (await _store.GetAsync(run.Id))!);

        Assert.Equal(RunStatus.Waiting, restored.Status);
        Assert.Equal(NodeStatus.Waiting, restored.Node("wait").Status);
        Assert.Equal("ok", restored.Node("wait").Bookmark);
        Assert.True(restored.TryGetData("a", out var a));
        Assert.Equal("a", a.GetString());
    }

    [Fact]
    public async Task ClaimAsync_RunLeasedToALiveOwner_IsNotClaimedUntilTheLeaseLapses()
    {
        var run = NewRun(Plan(["a"], ["start->a"]));
        var now = _time.GetUtcNow();
        await _store.EnqueueAsync(run, "first", now.AddSeconds(30));

        var early = await _store.ClaimAsync("second", 10, now.AddSeconds(29), now.AddSeconds(60));
        var late = await _store.ClaimAsync("second", 10, now.AddSeconds(31), now.AddSeconds(60));
        var again = await _store.ClaimAsync("third", 10, now.AddSeconds(32), now.AddSeconds(60));

        Assert.Empty(early);
        Assert.Equal([run.Id], late.Select(l => l.RunId));
        Assert.Empty(again);
    }

    [Fact]
    public async Task ClaimAsync_WaitingRun_IsClaimedOnlyForADecisionADueWakeOrACancel()
    {
        var plan = Plan(["wait"], ["start->wait"]);
        _probes.On("wait", _ => NodeResult.Wait("ok", null));
        var run = NewRun(plan);
        await _store.EnqueueAsync(run, null, default);
        await Engine().ContinueAsync(run);
        var now = _time.GetUtcNow();

        Assert.Empty(await _store.ClaimAsync("w", 10, now, now.AddMinutes(1)));

        Assert.Equal(ResumeOutcome.Accepted, await _store.RequestResumeAsync(run.Id, new Resumption("ok", JsonSerializer.SerializeToElement("yes")), now));
        Assert.Equal([run.Id], (await _store.ClaimAsync("w", 10, now, now.AddMinutes(1))).Select(l => l.RunId));
        var stored = await _store.GetAsync(run.Id);
        Assert.Equal("yes", Assert.Single(stored!.Resumes).Value!.Value.GetString());
    }

    [Fact]
    public async Task ClaimAsync_TimedWait_IsClaimedWhenItsWakeTimeComes()
    {
        var plan = Plan(["pause:delay:PT1H"], ["start->pause"]);
        var run = NewRun(plan);
        await _store.EnqueueAsync(run, null, default);
        await Engine().ContinueAsync(run);
        var now = _time.GetUtcNow();

        Assert.Empty(await _store.ClaimAsync("w", 10, now.AddMinutes(59), now.AddHours(2)));
        Assert.Equal([run.Id], (await _store.ClaimAsync("w", 10, now.AddMinutes(61), now.AddHours(2))).Select(l => l.RunId));
    }

    [Fact]
    public async Task RequestResumeAsync_SecondDecisionOrWrongBookmark_IsRefused()
    {
        var plan = Plan(["wait"], ["start->wait"]);
        _probes.On("wait", _ => NodeResult.Wait("approve-1", null));
        var run = NewRun(plan);
        await _store.EnqueueAsync(run, null, default);
        await Engine().ContinueAsync(run);
        var now = _time.GetUtcNow();

        Assert.Equal(ResumeOutcome.Accepted, await _store.RequestResumeAsync(run.Id, new Resumption("approve-1"), now));
        Assert.Equal(ResumeOutcome.AlreadyDecided, await _store.RequestResumeAsync(run.Id, new Resumption("approve-1"), now));
        Assert.Equal(ResumeOutcome.NotWaiting, await _store.RequestResumeAsync(run.Id, new Resumption("approve-2"), now));
        Assert.Equal(ResumeOutcome.RunNotFound, await _store.RequestResumeAsync("nope", new Resumption("approve-1"), now));
    }

    [Fact]
    public async Task RequestCancelAsync_EndedRun_IsRefused()
    {
        var run = NewRun(Plan(["a"], ["start->a"]));
        await _store.EnqueueAsync(run, null, default);
        await Engine().ContinueAsync(run);

        Assert.False(await _store.RequestCancelAsync(run.Id));
        Assert.False(await _store.RequestCancelAsync("missing"));
    }

    [Fact]
    public async Task ListAsync_FiltersAndPages_NewestFirst()
    {
        var plan = Plan(["a"], ["start->a"]);
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var run = NewRun(plan);
            ids.Add(run.Id);
            await _store.EnqueueAsync(run, null, default);
            if (i % 2 == 0) await Engine().ContinueAsync(run);
        }

        var first = await _store.ListAsync(new RunQuery(Limit: 2));
        var second = await _store.ListAsync(new RunQuery(Limit: 2, Before: first.Next));
        var third = await _store.ListAsync(new RunQuery(Limit: 2, Before: second.Next));
        var queued = await _store.ListAsync(new RunQuery(Status: RunStatus.Queued));
        var otherWorkflow = await _store.ListAsync(new RunQuery(WorkflowId: "other"));

        // Run ids sort by creation time (to the millisecond); pages follow that order without gaps or repeats.
        Assert.Equal(ids.OrderDescending(StringComparer.Ordinal), first.Items.Concat(second.Items).Concat(third.Items).Select(r => r.Id));
        Assert.Null(third.Next);
        Assert.Equal(new[] { ids[3], ids[1] }.OrderDescending(StringComparer.Ordinal), queued.Items.Select(r => r.Id));
        Assert.Empty(otherWorkflow.Items);
    }

    [Fact]
    public async Task PruneAsync_DeletesOnlyRunsThatEndedBeforeTheCutoff()
    {
        var plan = Plan(["a"], ["start->a"]);
        var old = NewRun(plan);
        await _store.EnqueueAsync(old, null, default);
        await Engine().ContinueAsync(old);
        _time.Advance(TimeSpan.FromDays(10));
        var recent = NewRun(plan);
        await _store.EnqueueAsync(recent, null, default);
        await Engine().ContinueAsync(recent);
        var unfinished = NewRun(plan);
        await _store.EnqueueAsync(unfinished, null, default);

        var pruned = await _store.PruneAsync(_time.GetUtcNow().AddDays(-5));

        Assert.Equal(1, pruned);
        Assert.Null(await _store.GetAsync(old.Id));
        Assert.NotNull(await _store.GetAsync(recent.Id));
        Assert.NotNull(await _store.GetAsync(unfinished.Id));
    }

    [Fact]
    public async Task Journal_StoreReopened_KeepsWhatWasCommitted()
    {
        var plan = Plan(["a", "b"], ["start->a", "a->b"]);
        var run = NewRun(plan);
        await _store.EnqueueAsync(run, null, default);
        await Engine().ContinueAsync(run);
        await _store.DisposeAsync();
        _stores.Remove(_store);

        _store = Open();
        var stored = await _store.GetAsync(run.Id);

        Assert.Equal(RunStatus.Succeeded, stored!.Status);
        Assert.Equal(3, stored.Nodes.Count);
    }
}
