using System.Text.Json;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;
using ChatFlows.Core.Storage;
using ChatFlows.Core.Tests.Storage;
using Microsoft.Extensions.Time.Testing;

namespace ChatFlows.Core.Tests.Running;

public sealed class RunWorkerTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly TestDatabase _db = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));
    private readonly ProbeNodes _probes = new();
    private readonly List<Instance> _instances = [];
    private SqliteWorkflowStore _workflows = null!;

    public Task InitializeAsync()
    {
        _workflows = new SqliteWorkflowStore(_db.Database, _time);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var instance in _instances) await instance.DisposeAsync();
        _db.Dispose();
    }

    private async Task<WorkflowPlan> SaveAsync(string[] nodes, string[] edges)
    {
        var saved = await _workflows.CreateAsync(Workflows.Build(nodes, edges));
        return WorkflowPlan.Compile(saved!.Document, _probes.Registry);
    }

    // One process: its own store connection, queue, worker and event stream over the shared database file.
    private Instance Start(string name)
    {
        var instance = new Instance(name, _db.Database, _workflows, _probes.Registry, _time);
        _instances.Add(instance);
        return instance;
    }

    [Fact]
    public async Task EnqueueAsync_RunsToTheEnd_AndJournalsEveryNode()
    {
        var plan = await SaveAsync(["a", "b"], ["start->a", "a->b"]);
        var instance = Start("one");

        var queued = await instance.Queue.EnqueueAsync(plan, new RunRequest(), observe: true);
        var run = await queued.Settled!.WaitAsync(Patience);
        await instance.Store.FlushAsync();

        Assert.Equal(RunStatus.Succeeded, run.Status);
        var stored = await instance.Store.GetAsync(queued.RunId);
        Assert.Equal(RunStatus.Succeeded, stored!.Status);
        Assert.Equal(3, stored.Nodes.Count(n => n.Status == NodeStatus.Succeeded));
    }

    [Fact]
    public async Task ResumeAsync_AfterTheProcessWentAway_ContinuesWithoutRerunningFinishedNodes()
    {
        var plan = await SaveAsync(["a", "approve", "after"], ["start->a", "a->approve", "approve->after"]);
        _probes.On("approve", context => context.ResumedBookmark is null
            ? NodeResult.Wait("decision", JsonSerializer.SerializeToElement(new { prompt = "Ship it?" }))
            : NodeResult.Success(context.ResumeValue!.Value));
        var first = Start("first");
        var queued = await first.Queue.EnqueueAsync(plan, new RunRequest(), observe: true);
        Assert.Equal(RunStatus.Waiting, (await queued.Settled!.WaitAsync(Patience)).Status);
        await first.DisposeAsync();

        var second = Start("second");
        var finished = second.WaitForAsync(queued.RunId, RunEventTypes.RunFinished);
        var outcome = await second.Queue.ResumeAsync(queued.RunId, new Resumption("decision", JsonSerializer.SerializeToElement("approved")));
        await finished.WaitAsync(Patience);
        await second.IdleAsync();

        Assert.Equal(ResumeOutcome.Accepted, outcome);
        var stored = await second.Store.GetAsync(queued.RunId);
        Assert.Equal(RunStatus.Succeeded, stored!.Status);
        Assert.Equal("approved", stored.Nodes.Single(n => n.NodeId == "approve").Output!.Value.GetString());
        Assert.Equal(1, _probes.Calls("a"));
        Assert.Equal(2, _probes.Calls("approve"));
        Assert.Equal(1, _probes.Calls("after"));
        Assert.Empty(stored.Resumes);
        Assert.Equal(ResumeOutcome.NotWaiting, await second.Queue.ResumeAsync(queued.RunId, new Resumption("decision")));
    }

    [Fact]
    public async Task LongDelay_HoldsNothingAndResumesByTheClock()
    {
        var plan = await SaveAsync(["pause:delay:PT4H", "after"], ["start->pause", "pause->after"]);
        var instance = Start("one");
        var queued = await instance.Queue.EnqueueAsync(plan, new RunRequest(), observe: true);
        Assert.Equal(RunStatus.Waiting, (await queued.Settled!.WaitAsync(Patience)).Status);
        await instance.Store.FlushAsync();
        Assert.Equal(0, instance.Queue.ActiveCount);

        var finished = instance.WaitForAsync(queued.RunId, RunEventTypes.RunFinished);
        _time.Advance(TimeSpan.FromHours(3));
        Assert.False(finished.IsCompleted);
        _time.Advance(TimeSpan.FromHours(1));
        await ClockUntilAsync(finished);

        Assert.Equal(1, _probes.Calls("after"));
    }

    [Fact]
    public async Task InterruptedRun_IsTakenOverWhenItsLeaseLapses_AndFinishedNodesAreNotRunAgain()
    {
        var plan = await SaveAsync(["a", "slow", "b"], ["start->a", "a->slow", "slow->b"]);
        var stuck = new TaskCompletionSource<NodeResult>();
        var slowStarted = new TaskCompletionSource();
        _probes.On("slow", (context, _) =>
        {
            if (context.Attempt == 1 && _probes.Calls("slow") == 1)
            {
                slowStarted.TrySetResult();
                return new ValueTask<NodeResult>(stuck.Task);
            }
            return ValueTask.FromResult(NodeResult.Success(JsonSerializer.SerializeToElement("done")));
        });
        var dying = Start("dying");
        var queued = await dying.Queue.EnqueueAsync(plan, new RunRequest());
        await slowStarted.Task.WaitAsync(Patience);
        await dying.Store.FlushAsync();
        // The process dies: its worker stops renewing, nothing is released.
        await dying.KillAsync();

        var survivor = Start("survivor");
        var finished = survivor.WaitForAsync(queued.RunId, RunEventTypes.RunFinished);
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.False(finished.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(20));
        await ClockUntilAsync(finished);
        await survivor.Store.FlushAsync();

        var stored = await survivor.Store.GetAsync(queued.RunId);
        Assert.Equal(RunStatus.Succeeded, stored!.Status);
        Assert.Equal(1, _probes.Calls("a"));
        Assert.Equal(2, _probes.Calls("slow"));
        Assert.Equal(1, stored.Nodes.Single(n => n.NodeId == "a").Attempts);
        Assert.Equal(1, _probes.Calls("b"));
    }

    [Fact]
    public async Task CancelAsync_WaitingRun_EndsCancelled()
    {
        var plan = await SaveAsync(["pause:delay:PT4H", "after"], ["start->pause", "pause->after"]);
        var instance = Start("one");
        var queued = await instance.Queue.EnqueueAsync(plan, new RunRequest(), observe: true);
        await queued.Settled!.WaitAsync(Patience);
        await instance.Store.FlushAsync();
        var finished = instance.WaitForAsync(queued.RunId, RunEventTypes.RunFinished);

        Assert.True(await instance.Queue.CancelAsync(queued.RunId));
        await finished.WaitAsync(Patience);
        await instance.Store.FlushAsync();

        var stored = await instance.Store.GetAsync(queued.RunId);
        Assert.Equal(RunStatus.Cancelled, stored!.Status);
        Assert.Equal("Cancelled while waiting.", stored.Nodes.Single(n => n.NodeId == "pause").Error);
        Assert.False(await instance.Queue.CancelAsync(queued.RunId));
        Assert.Equal(0, _probes.Calls("after"));
    }

    [Fact]
    public async Task CancelAsync_RunningRun_StopsIt()
    {
        var plan = await SaveAsync(["slow", "after"], ["start->slow", "slow->after"]);
        var started = new TaskCompletionSource();
        _probes.On("slow", async (_, ct) =>
        {
            started.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
            return NodeResult.Success(null);
        });
        var instance = Start("one");
        var queued = await instance.Queue.EnqueueAsync(plan, new RunRequest(), observe: true);
        await started.Task.WaitAsync(Patience);

        Assert.True(await instance.Queue.CancelAsync(queued.RunId));
        var run = await queued.Settled!.WaitAsync(Patience);

        Assert.Equal(RunStatus.Cancelled, run.Status);
        Assert.Equal(0, _probes.Calls("after"));
    }

    // The worker's poll timer is set again after every pass; one that was being set while the clock jumped fires only
    // at the next tick. So the clock goes on in one-second ticks, as a real one would, until the run finishes.
    private async Task ClockUntilAsync(Task finished)
    {
        using var deadline = new CancellationTokenSource(Patience);
        while (!finished.IsCompleted)
        {
            deadline.Token.ThrowIfCancellationRequested();
            _time.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAny(finished, Task.Delay(20, deadline.Token));
        }
        await finished;
    }

    private sealed class Instance : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _worker;
        private bool _disposed;

        public Instance(string name, SqliteDatabase database, IWorkflowStore workflows, NodeRegistry registry, TimeProvider time)
        {
            Store = new SqliteRunStore(database, time);
            Events = new RunEventStream();
            var engine = new WorkflowEngine(registry, Store, time, Events);
            var options = new RunWorkerOptions { InstanceId = name, LeaseDuration = TimeSpan.FromSeconds(30), PollInterval = TimeSpan.FromSeconds(1) };
            Queue = new RunQueue(Store, time, options);
            var worker = new RunWorker(Queue, Store, new WorkflowPlans(workflows, registry), engine, time);
            _worker = worker.ExecuteAsync(_stop.Token);
        }

        public SqliteRunStore Store { get; }

        public RunEventStream Events { get; }

        public RunQueue Queue { get; }

        // The worker tidies up (forgets taken decisions, gives the lease back) after the run's last event.
        public async Task IdleAsync()
        {
            using var deadline = new CancellationTokenSource(Patience);
            while (Queue.ActiveCount > 0) await Task.Delay(10, deadline.Token);
            await Store.FlushAsync();
        }

        public async Task WaitForAsync(string runId, string type)
        {
            using var subscription = Events.Subscribe(runId);
            await foreach (var runEvent in subscription.Reader.ReadAllAsync())
            {
                if (runEvent.Type == type) return;
            }
        }

        // Stops the worker without letting it give anything back, as a killed process would.
        public async Task KillAsync()
        {
            _disposed = true;
            _stop.Cancel();
            await _worker.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        public async ValueTask DisposeAsync()
        {
            if (!_disposed)
            {
                _disposed = true;
                _stop.Cancel();
                await _worker;
            }
            await Store.DisposeAsync();
            _stop.Dispose();
        }
    }
}
