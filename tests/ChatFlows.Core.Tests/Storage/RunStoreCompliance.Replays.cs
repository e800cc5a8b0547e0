using ChatFlows.Core.Running;

namespace ChatFlows.Core.Tests.Storage;

public abstract partial class RunStoreCompliance
{
    [Fact]
    public async Task Replay_StoredAndRun_KeepsItsLinkAndReusesTheNodesBeforeTheReplayPoint()
    {
        var plan = Plan(["a", "b", "c"], ["start->a", "a->b", "b->c"]);
        var old = NewRun(plan, """{"n": 7}""");
        await _store.EnqueueAsync(old, "me", _time.GetUtcNow().AddMinutes(1));
        await Engine().ContinueAsync(old);
        await _store.FlushAsync();
        var executedBefore = _probes.Calls("a");

        var replay = RunReplays.Prepare(plan, (await _store.GetAsync(old.Id))!, "b", WorkflowEngine.NewRunId(), "ada");
        await _store.EnqueueAsync(replay, "me", _time.GetUtcNow().AddMinutes(1));
        // As a worker that claims it finds it: restored from the store.
        var restored = RunState.Restore(plan, (await _store.GetAsync(replay.Id))!);
        await Engine().ContinueAsync(restored);
        await _store.FlushAsync();
        var stored = (await _store.GetAsync(replay.Id))!;
        var listed = await _store.ListReplaysAsync(old.Id);

        Assert.Equal(RunStatus.Succeeded, stored.Status);
        Assert.Equal(old.Id, stored.ReplayOf);
        Assert.Equal("b", stored.ReplayFrom);
        Assert.Equal(7, stored.Trigger.GetProperty("n").GetInt32());
        Assert.Equal("ada", stored.StartedBy);
        Assert.Equal(old.Id, stored.Nodes.Single(n => n.NodeId == "a").ReusedFrom);
        Assert.Equal(old.Id, stored.Nodes.Single(n => n.NodeId == "start").ReusedFrom);
        Assert.Null(stored.Nodes.Single(n => n.NodeId == "b").ReusedFrom);
        Assert.Null(stored.Nodes.Single(n => n.NodeId == "c").ReusedFrom);
        Assert.Equal(executedBefore, _probes.Calls("a"));
        Assert.Equal(replay.Id, Assert.Single(listed).Id);
        Assert.Equal("b", listed[0].ReplayFrom);
    }
}
