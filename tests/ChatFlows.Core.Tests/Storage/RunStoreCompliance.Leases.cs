using System.Text.Json;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;
using ChatFlows.Core.Storage;

namespace ChatFlows.Core.Tests.Storage;

// README §Running several instances: claims never hand one run to two instances, and an instance that lost a run's
// lease can no longer write to it.
public abstract partial class RunStoreCompliance
{
    [Fact]
    public async Task EnqueueAsync_IdAlreadyStoredByAnotherInstance_IsRefusedAndTheOtherWritesOfItsCommitLand()
    {
        // A sub-workflow's child is started again by the instance that took its parent over, while the first
        // instance's start commits: the second start is refused, without failing anything else in its commit.
        var plan = Plan(["a"], ["start->a"]);
        var child = NewRun(plan);
        await Open().EnqueueAsync(child, "first", _time.GetUtcNow().AddMinutes(1));
        var again = new RunState(plan, child.Request, child.Id);
        var unrelated = NewRun(plan);

        var duplicate = _store.EnqueueAsync(again, "second", _time.GetUtcNow().AddMinutes(1));
        var other = _store.EnqueueAsync(unrelated, "second", _time.GetUtcNow().AddMinutes(1));

        var refused = await Assert.ThrowsAsync<RunAlreadyStoredException>(() => duplicate);
        await other;
        Assert.Equal(child.Id, refused.RunId);
        Assert.NotNull(await _store.GetAsync(unrelated.Id));
        var leases = await Open().ClaimAsync("third", 10, _time.GetUtcNow().AddMinutes(2), _time.GetUtcNow().AddMinutes(3));
        Assert.Equal(2, leases.Count);
    }

    [Fact]
    public async Task ClaimAsync_TwoInstancesClaimingAtOnce_NeverClaimTheSameRun()
    {
        var plan = Plan(["a"], ["start->a"]);
        var queued = new List<string>();
        for (var i = 0; i < 120; i++)
        {
            var run = NewRun(plan);
            queued.Add(run.Id);
            await _store.EnqueueAsync(run, null, default);
        }
        var other = Open();
        var now = _time.GetUtcNow();
        var claimed = new List<string>();

        // Round after round, both claim small handfuls at the same moment until nothing is left.
        for (var round = 0; round < 100 && claimed.Count < queued.Count; round++)
        {
            var both = await Task.WhenAll(
                Task.Run(() => _store.ClaimAsync("first", 3, now, now.AddMinutes(5))),
                Task.Run(() => other.ClaimAsync("second", 3, now, now.AddMinutes(5))));
            claimed.AddRange(both.SelectMany(leases => leases.Select(l => l.RunId)));
        }

        Assert.Equal(claimed.Count, claimed.Distinct().Count());
        Assert.Equal(queued.Order(StringComparer.Ordinal), claimed.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ClaimAsync_RunEnqueuedWithAnOwnerAndClaimedElsewhereAfterItsLeaseLapsed_IncrementsTheEpoch()
    {
        var run = NewRun(Plan(["a"], ["start->a"]));
        var now = _time.GetUtcNow();
        await _store.EnqueueAsync(run, "first", now.AddSeconds(30));

        var claimed = Assert.Single(await Open().ClaimAsync("second", 10, now.AddSeconds(31), now.AddSeconds(60)));

        Assert.Equal(1, run.LeaseEpoch);
        Assert.Equal(new RunLease(run.Id, 2), claimed);
        Assert.Equal(2, (await _store.GetAsync(run.Id))!.LeaseEpoch);
    }

    [Fact]
    public async Task Journal_WriteUnderAnEpochThatMovedOn_ChangesNothingAndTheNextAwaitedWriteThrows()
    {
        var plan = Plan(["a"], ["start->a"]);
        var run = NewRun(plan);
        var now = _time.GetUtcNow();
        await _store.EnqueueAsync(run, "paused", now.AddSeconds(30));
        // The first instance stops for longer than its lease; the second claims the run meanwhile.
        var second = Open();
        Assert.Single(await second.ClaimAsync("second", 10, now.AddSeconds(31), now.AddSeconds(60)));

        var node = run.Node("a");
        node.Status = NodeStatus.Succeeded;
        node.Output = JsonSerializer.SerializeToElement("written by the paused instance");
        await _store.NodeChangedAsync(run, node, CancellationToken.None);
        await _store.FlushAsync();
        run.Status = RunStatus.Succeeded;
        var refused = await Assert.ThrowsAsync<LeaseLostException>(async () => await _store.RunChangedAsync(run, CancellationToken.None));
        var again = await Assert.ThrowsAsync<LeaseLostException>(async () => await _store.NodeChangedAsync(run, node, CancellationToken.None));
        var effect = await Assert.ThrowsAsync<LeaseLostException>(async () =>
            await _store.RecordEffectAsync(run.Id, "a", "posted", JsonSerializer.SerializeToElement("ts-1"), CancellationToken.None));
        await _store.FlushAsync();

        var stored = (await second.GetAsync(run.Id))!;
        Assert.Equal(run.Id, refused.RunId);
        Assert.Equal(run.Id, again.RunId);
        Assert.Equal(run.Id, effect.RunId);
        Assert.Equal(RunStatus.Queued, stored.Status);
        Assert.Empty(stored.Nodes);
        Assert.Null(await second.FindEffectAsync(run.Id, "a", "posted", CancellationToken.None));
    }

    [Fact]
    public async Task Journal_RunClaimedAgainByTheSameStore_WritesUnderItsNewEpoch()
    {
        var plan = Plan(["a"], ["start->a"]);
        var run = NewRun(plan);
        var now = _time.GetUtcNow();
        await _store.EnqueueAsync(run, "first", now.AddSeconds(30));
        var lease = Assert.Single(await _store.ClaimAsync("first", 10, now.AddSeconds(31), now.AddSeconds(60)));
        // A write still made under the epoch it was queued with is refused.
        run.Status = RunStatus.Failed;
        await Assert.ThrowsAsync<LeaseLostException>(async () => await _store.RunChangedAsync(run, CancellationToken.None));

        var restored = RunState.Restore(plan, (await _store.GetAsync(run.Id))!);
        restored.LeaseEpoch = lease.Epoch;
        await Engine().ContinueAsync(restored);
        await _store.FlushAsync();

        Assert.Equal(RunStatus.Succeeded, (await _store.GetAsync(run.Id))!.Status);
    }

    [Fact]
    public async Task RenewLeasesAsync_RunClaimedElsewhere_ReportsItLostAndRenewsTheOthers()
    {
        var plan = Plan(["a"], ["start->a"]);
        var kept = NewRun(plan);
        var taken = NewRun(plan);
        var now = _time.GetUtcNow();
        await _store.EnqueueAsync(kept, "first", now.AddSeconds(30));
        await _store.EnqueueAsync(taken, "first", now.AddSeconds(10));
        var second = Open();
        Assert.Equal([taken.Id], (await second.ClaimAsync("second", 10, now.AddSeconds(11), now.AddSeconds(60))).Select(l => l.RunId));
        Assert.True(await _store.RequestCancelAsync(kept.Id));

        var renewal = await _store.RenewLeasesAsync("first", [kept.Id, taken.Id], now.AddSeconds(90));
        var theirs = await second.RenewLeasesAsync("second", [taken.Id], now.AddSeconds(90));

        Assert.Equal([taken.Id], renewal.Lost);
        Assert.Equal([kept.Id], renewal.Cancelled);
        Assert.Empty(theirs.Lost);
        // The renewed lease holds past the old one's end.
        Assert.Empty(await second.ClaimAsync("second", 10, now.AddSeconds(60), now.AddSeconds(120)));
        await Assert.ThrowsAsync<LeaseLostException>(async () => await _store.NodeChangedAsync(taken, taken.Node("a"), CancellationToken.None));
    }
}
