using System.Text.Json;
using ChatFlows.Core.Cluster;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;
using ChatFlows.Core.Storage;
using ChatFlows.Core.Storage.Postgres;
using ChatFlows.Core.Tests.Fixtures;
using ChatFlows.Core.Tests.Running;
using ChatFlows.Core.Tests.Storage;
using Npgsql;

namespace ChatFlows.Core.Tests.Cluster;

/// <summary>
/// Two instances telling each other through a real PostgreSQL server. Their stores share one database file, as
/// instances share one database; polling is set far beyond the tests' patience, so only a notice explains what
/// happens in time.
/// </summary>
public sealed class ClusterInstancesTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly TestDatabase _db = new();
    private readonly ProbeNodes _probes = new();
    private readonly List<Instance> _instances = [];
    private string _postgres = "";

    public async Task InitializeAsync() => _postgres = await TestDatabases.CreatePostgresAsync();

    public async Task DisposeAsync()
    {
        foreach (var instance in _instances) await instance.DisposeAsync();
        _db.Dispose();
    }

    private async Task<Instance> StartAsync(string name, bool worker = true)
    {
        var instance = new Instance(name, _db.Database, new PostgresDatabase(_postgres), _probes.Registry, worker);
        _instances.Add(instance);
        await instance.Bus.Listening.WaitAsync(Patience);
        return instance;
    }

    private async Task<WorkflowPlan> SaveAsync(Instance on, string[] nodes, string[] edges)
    {
        var saved = await on.Workflows.CreateAsync(Workflows.Build(nodes, edges));
        return WorkflowPlan.Compile(saved!.Document, _probes.Registry);
    }

    [Fact]
    public async Task UpdateAsync_SavedOnA_BsPlanCacheGivesTheNewVersionAtOnce()
    {
        var a = await StartAsync("a");
        var b = await StartAsync("b");
        var first = await SaveAsync(a, ["x"], ["start->x"]);
        Assert.Equal(1, (await b.Plans.GetCurrentAsync(first.Document.Id))!.Document.Version);
        var heard = new TaskCompletionSource<WorkflowChange>(TaskCreationOptions.RunContinuationsAsynchronously);
        b.Workflows.Changed += change =>
        {
            if (change.Version != 1) heard.TrySetResult(change);
        };

        await a.Workflows.UpdateAsync(Workflows.Build(["x", "y"], ["start->x", "x->y"]), expectedVersion: 1);
        var change = await heard.Task.WaitAsync(Patience);
        var current = await b.Plans.GetCurrentAsync(first.Document.Id);

        Assert.Equal(new WorkflowChange(first.Document.Id, 2), change);
        Assert.Equal(2, current!.Document.Version);
    }

    [Fact]
    public async Task DeleteAsync_DeletedOnA_BsPlanCacheForgetsIt()
    {
        var a = await StartAsync("a");
        var b = await StartAsync("b");
        var plan = await SaveAsync(a, ["x"], ["start->x"]);
        Assert.NotNull(await b.Plans.GetCurrentAsync(plan.Document.Id));
        var heard = new TaskCompletionSource<WorkflowChange>(TaskCreationOptions.RunContinuationsAsynchronously);
        b.Workflows.Changed += change =>
        {
            if (change.Version is null) heard.TrySetResult(change);
        };

        Assert.True(await a.Workflows.DeleteAsync(plan.Document.Id));
        await heard.Task.WaitAsync(Patience);

        Assert.Null(await b.Plans.GetCurrentAsync(plan.Document.Id));
    }

    [Fact]
    public async Task GetCurrentAsync_AfterTheListeningConnectionDropped_ReadsVersionsSavedMeanwhile()
    {
        var a = await StartAsync("a");
        var b = await StartAsync("b");
        var plan = await SaveAsync(a, ["x"], ["start->x"]);
        Assert.Equal(1, (await b.Plans.GetCurrentAsync(plan.Document.Id))!.Document.Version);
        var missed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        b.Bus.Subscribe(ClusterTopics.Missed, _ => missed.TrySetResult());

        // Saved while B hears nothing: its notice is lost.
        await a.InnerWorkflows.UpdateAsync(Workflows.Build(["x", "y"], ["start->x", "x->y"]), expectedVersion: 1);
        await KillListenersAsync();
        await missed.Task.WaitAsync(Patience);

        Assert.Equal(2, (await b.Plans.GetCurrentAsync(plan.Document.Id))!.Document.Version);
    }

    [Fact]
    public async Task ResumeAsync_DecidedOnA_WakesBsWorkerAtOnce()
    {
        var decider = await StartAsync("a", worker: false);
        var executor = await StartAsync("b");
        var plan = await SaveAsync(decider, ["approve", "after"], ["start->approve", "approve->after"]);
        _probes.On("approve", context => context.ResumedBookmark is null
            ? NodeResult.Wait("decision", JsonSerializer.SerializeToElement(new { prompt = "Ship it?" }))
            : NodeResult.Success(context.ResumeValue!.Value));
        var queued = await executor.Queue.EnqueueAsync(plan, new RunRequest(), observe: true);
        Assert.Equal(RunStatus.Waiting, (await queued.Settled!.WaitAsync(Patience)).Status);
        await executor.Store.FlushAsync();
        var finished = executor.NextAsync(queued.RunId, RunEventTypes.RunFinished);

        var outcome = await decider.Queue.ResumeAsync(queued.RunId, new Resumption("decision", JsonSerializer.SerializeToElement("approved")));
        var ended = await finished.WaitAsync(Patience);

        Assert.Equal(ResumeOutcome.Accepted, outcome);
        Assert.Equal("succeeded", ended.Status);
        Assert.Equal(1, _probes.Calls("after"));
    }

    [Fact]
    public async Task CancelAsync_OnA_StopsTheRunExecutingOnBAtOnce()
    {
        var a = await StartAsync("a", worker: false);
        var b = await StartAsync("b");
        var plan = await SaveAsync(a, ["slow", "after"], ["start->slow", "slow->after"]);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _probes.On("slow", async (_, ct) =>
        {
            started.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
            return NodeResult.Success(JsonSerializer.SerializeToElement("never"));
        });
        var queued = await b.Queue.EnqueueAsync(plan, new RunRequest());
        await started.Task.WaitAsync(Patience);
        await b.Store.FlushAsync();
        var finished = b.NextAsync(queued.RunId, RunEventTypes.RunFinished);

        Assert.True(await a.Queue.CancelAsync(queued.RunId));
        var ended = await finished.WaitAsync(Patience);

        Assert.Equal("cancelled", ended.Status);
        Assert.Equal(0, _probes.Calls("after"));
    }

    [Fact]
    public async Task Subscribe_EveryInstanceOnA_SeesARunExecutedOnBLiveAndReadsItFinishedOnItsEnd()
    {
        var a = await StartAsync("a", worker: false);
        var b = await StartAsync("b");
        var plan = await SaveAsync(a, ["x", "y"], ["start->x", "x->y"]);
        var runId = WorkflowEngine.NewRunId();
        using var page = a.Events.Subscribe(runId, everyInstance: true);
        using var cards = a.Events.Subscribe();

        await b.Queue.EnqueueAsync(plan, new RunRequest { RunId = runId });
        var seen = new List<RunEvent>();
        while (seen.LastOrDefault()?.Type != RunEventTypes.RunFinished) seen.Add(await page.Reader.ReadAsync().AsTask().WaitAsync(Patience));
        // On hearing the run ended, the journal already says so.
        var stored = await a.Store.GetAsync(runId);

        Assert.Equal(
            [RunEventTypes.RunStarted, RunEventTypes.NodeStarted, RunEventTypes.NodeFinished, RunEventTypes.NodeStarted, RunEventTypes.NodeFinished, RunEventTypes.RunFinished],
            seen.Where(e => e.NodeId != "start").Select(e => e.Type));
        Assert.Equal("y", seen.Single(e => e.Type == RunEventTypes.NodeFinished && e.NodeId == "y").Output!.Value.GetString());
        Assert.Equal(RunStatus.Succeeded, stored!.Status);
        // What acts on runs here (chat cards) hears only the runs executing here.
        Assert.False(cards.Reader.TryRead(out _));
    }

    [Fact]
    public async Task Subscribe_NodeOutputTooLargeForANotice_ArrivesWithoutItMarkedOmitted()
    {
        var a = await StartAsync("a", worker: false);
        var b = await StartAsync("b");
        var plan = await SaveAsync(a, ["big"], ["start->big"]);
        _probes.On("big", _ => NodeResult.Success(JsonSerializer.SerializeToElement(new string('x', 3 * ClusterNotice.MaxPayloadBytes))));
        var runId = WorkflowEngine.NewRunId();
        using var page = a.Events.Subscribe(runId, everyInstance: true);

        await b.Queue.EnqueueAsync(plan, new RunRequest { RunId = runId });
        var seen = new List<RunEvent>();
        while (seen.LastOrDefault()?.Type != RunEventTypes.RunFinished) seen.Add(await page.Reader.ReadAsync().AsTask().WaitAsync(Patience));

        var big = seen.Single(e => e.Type == RunEventTypes.NodeFinished && e.NodeId == "big");
        Assert.Null(big.Output);
        Assert.True(big.OutputOmitted);
        Assert.Equal("succeeded", big.Status);
    }

    private async Task KillListenersAsync()
    {
        await using var admin = new NpgsqlConnection(_postgres);
        await admin.OpenAsync();
        await using var kill = new NpgsqlCommand(
            "select count(pg_terminate_backend(pid)) from pg_stat_activity where application_name = @Name and datname = current_database()", admin);
        kill.Parameters.AddWithValue("Name", PostgresClusterBus.ListenerName);
        Assert.True((long)(await kill.ExecuteScalarAsync())! >= 1);
    }

    // One process: its own stores over the shared database file, its bus on the shared PostgreSQL server, and
    // (unless it only takes requests) a worker.
    private sealed class Instance : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly PostgresDatabase _postgres;
        private readonly ClusterRunEvents _runEvents;
        private readonly Task _worker;
        private readonly Task _forwarder;

        public Instance(string name, SqliteDatabase database, PostgresDatabase postgres, NodeRegistry registry, bool worker)
        {
            var time = TimeProvider.System;
            _postgres = postgres;
            Bus = new PostgresClusterBus(postgres, name);
            Store = new SqliteRunStore(database, time);
            InnerWorkflows = new SqliteWorkflowStore(database, time);
            Workflows = new ClusteredWorkflowStore(InnerWorkflows, Bus);
            Plans = new WorkflowPlans(Workflows, registry, Bus);
            Events = new RunEventStream();
            _runEvents = new ClusterRunEvents(Events, Store, Bus);
            var engine = new WorkflowEngine(registry, Store, time, Events);
            var options = new RunWorkerOptions { LeaseDuration = TimeSpan.FromMinutes(10), PollInterval = TimeSpan.FromMinutes(10) };
            Queue = new RunQueue(Store, time, options, Bus);
            _worker = worker ? new RunWorker(Queue, Store, Plans, engine, time).ExecuteAsync(_stop.Token) : Task.CompletedTask;
            _forwarder = _runEvents.RunAsync(_stop.Token);
        }

        public PostgresClusterBus Bus { get; }

        public SqliteRunStore Store { get; }

        public SqliteWorkflowStore InnerWorkflows { get; }

        public ClusteredWorkflowStore Workflows { get; }

        public WorkflowPlans Plans { get; }

        public RunEventStream Events { get; }

        public RunQueue Queue { get; }

        // Subscribed before returning, so the event cannot slip by.
        public Task<RunEvent> NextAsync(string runId, string type)
        {
            var subscription = Events.Subscribe(runId);
            return WaitAsync();

            async Task<RunEvent> WaitAsync()
            {
                using (subscription)
                {
                    await foreach (var runEvent in subscription.Reader.ReadAllAsync())
                    {
                        if (runEvent.Type == type) return runEvent;
                    }
                }
                throw new InvalidOperationException("The stream ended.");
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _worker;
            await _forwarder;
            _runEvents.Dispose();
            Workflows.Dispose();
            await Bus.DisposeAsync();
            await Store.DisposeAsync();
            await _postgres.DisposeAsync();
            _stop.Dispose();
        }
    }
}
