using System.Text.Json;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;
using ChatFlows.Core.Storage;
using ChatFlows.Core.Tests.Running;

namespace ChatFlows.Core.Tests.Storage;

// Runs stored in one commit at their end (README §Webhooks): a synchronous webhook run of pure nodes.
public abstract partial class RunStoreCompliance
{
    [Fact]
    public async Task Defer_RunToEnd_IsNotStoredWhileItRunsAndIsStoredWholeWhenItEnds()
    {
        var plan = Plan(["a", "b"], ["start->a", "a->b"]);
        var run = NewRun(plan, """{"n": 2}""");
        StoredRun? whileRunning = null;
        _probes.On("b", async (context, ct) =>
        {
            whileRunning = await _store.GetAsync(context.RunId, ct);
            return NodeResult.Success(JsonSerializer.SerializeToElement("b"));
        });
        _store.Defer(run, "me", _time.GetUtcNow().AddMinutes(1));

        await Engine().ContinueAsync(run);
        var stored = await _store.GetAsync(run.Id);

        Assert.Null(whileRunning);
        Assert.NotNull(stored);
        Assert.Equal(RunStatus.Succeeded, stored.Status);
        Assert.Equal(2, stored.Trigger.GetProperty("n").GetInt32());
        Assert.Equal(["a", "b", "start"], stored.Nodes.Select(n => n.NodeId).Order());
        Assert.All(stored.Nodes, n => Assert.Equal((NodeStatus.Succeeded, 1), (n.Status, n.Attempts)));
        Assert.Equal("\"b\"", stored.Nodes.Single(n => n.NodeId == "b").Output!.Value.GetRawText());
        Assert.Equal(_time.GetUtcNow(), stored.FinishedAt);
    }

    [Fact]
    public async Task Defer_RunOfAWorkflowThatKeepsNoHistory_IsNeverWritten()
    {
        var plan = WorkflowPlan.Compile(Workflows.Build(["a", "b"], ["start->a", "a->b"]) with { History = HistoryPolicies.None }, _probes.Registry);
        var run = NewRun(plan);
        await _store.FlushAsync();
        var rowsBefore = _store.RowsWritten;
        _store.Defer(run, "me", _time.GetUtcNow().AddMinutes(1));

        var ended = await Engine().ContinueAsync(run);
        await _store.FlushAsync();

        Assert.Equal(RunStatus.Succeeded, ended.Status);
        Assert.Null(await _store.GetAsync(run.Id));
        Assert.Equal(rowsBefore, _store.RowsWritten);
    }

    [Fact]
    public async Task Defer_NodeRecordsAnEffect_TheRunIsStoredBeforeTheEffectAndEndsStoredWhole()
    {
        var plan = Plan(["a", "b"], ["start->a", "a->b"]);
        var run = NewRun(plan);
        StoredRun? afterEffect = null;
        _probes.On("b", async (context, ct) =>
        {
            await context.Effects.RecordAsync("sent", JsonSerializer.SerializeToElement("once"), ct);
            afterEffect = await _store.GetAsync(context.RunId, ct);
            return NodeResult.Success(JsonSerializer.SerializeToElement("b"));
        });
        _store.Defer(run, "me", _time.GetUtcNow().AddMinutes(1));

        await Engine().ContinueAsync(run);
        await _store.FlushAsync();
        var stored = (await _store.GetAsync(run.Id))!;

        Assert.NotNull(afterEffect);
        Assert.Equal(NodeStatus.Succeeded, afterEffect.Nodes.Single(n => n.NodeId == "a").Status);
        Assert.Equal(RunStatus.Succeeded, stored.Status);
        Assert.Equal(["a", "b", "start"], stored.Nodes.Select(n => n.NodeId).Order());
        Assert.Equal("\"once\"", (await _store.FindEffectAsync(run.Id, "b", "sent", CancellationToken.None))!.Value.GetRawText());
    }

    [Fact]
    public async Task StoreDeferredAsync_RunNotEnded_StoresItAsItIsAndItsEndLater()
    {
        var plan = Plan(["a", "b"], ["start->a", "a->b"]);
        var run = NewRun(plan);
        StoredRun? storedEarly = null;
        _probes.On("b", async (context, ct) =>
        {
            // What a webhook whose caller stopped waiting does before it hands out the run's id.
            await _store.StoreDeferredAsync(context.RunId, ct);
            storedEarly = await _store.GetAsync(context.RunId, ct);
            return NodeResult.Success(JsonSerializer.SerializeToElement("b"));
        });
        _store.Defer(run, "me", _time.GetUtcNow().AddMinutes(1));

        await Engine().ContinueAsync(run);
        await _store.FlushAsync();
        var stored = (await _store.GetAsync(run.Id))!;

        Assert.NotNull(storedEarly);
        Assert.False(storedEarly.Status.IsTerminal());
        Assert.Equal(RunStatus.Succeeded, stored.Status);
        Assert.Equal(["a", "b", "start"], stored.Nodes.Select(n => n.NodeId).Order());
        Assert.All(stored.Nodes, n => Assert.Equal(NodeStatus.Succeeded, n.Status));
    }

    [Fact]
    public async Task DropDeferred_RunInterruptedBeforeItsEnd_LeavesNothingToReadOrClaim()
    {
        var run = NewRun(Plan(["a"], ["start->a"]));
        _store.Defer(run, "me", _time.GetUtcNow().AddMinutes(1));

        var dropped = _store.DropDeferred(run.Id);
        await _store.ReleaseAsync(run.Id, "me");
        await _store.FlushAsync();
        var now = _time.GetUtcNow().AddMinutes(5);

        Assert.True(dropped);
        Assert.False(_store.DropDeferred(run.Id));
        Assert.Null(await _store.GetAsync(run.Id));
        Assert.Empty(await _store.ClaimAsync("other", 10, now, now.AddMinutes(1)));
    }
}
