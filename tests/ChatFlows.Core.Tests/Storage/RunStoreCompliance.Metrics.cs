using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;

namespace ChatFlows.Core.Tests.Storage;

public abstract partial class RunStoreCompliance
{
    [Fact]
    public async Task CountWaitingAsync_WaitingQueuedAndEndedRuns_CountsOnlyTheWaiting()
    {
        _probes.On("ask", _ => NodeResult.Wait("ok", null));
        var waits = Plan(["ask"], ["start->ask"]);
        var ends = Plan(["done"], ["start->done"]);
        foreach (var plan in new[] { waits, waits, ends })
        {
            var run = NewRun(plan);
            await _store.EnqueueAsync(run, null, default);
            await Engine().ContinueAsync(run);
        }
        await _store.EnqueueAsync(NewRun(ends), "me", _time.GetUtcNow().AddMinutes(1));
        await _store.FlushAsync();

        Assert.Equal(2, await _store.CountWaitingAsync());
    }
}
