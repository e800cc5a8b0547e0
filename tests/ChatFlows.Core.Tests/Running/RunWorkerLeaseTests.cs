using System.Text.Json;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;
using ChatFlows.Core.Storage;
using ChatFlows.Core.Storage.Postgres;
using ChatFlows.Core.Tests.Fixtures;
using Microsoft.Extensions.Time.Testing;

namespace ChatFlows.Core.Tests.Running;

/// <summary>
/// README §Running several instances: two workers on one PostgreSQL database, each with a clock of its own. The first
/// is "paused" (its clock stands still, so its heartbeat does not renew) while the second's clock passes the lease,
/// claims the run and finishes it; the first, resumed, must write nothing more to that run.
/// </summary>
public sealed class RunWorkerLeaseTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private static readonly DateTimeOffset Start = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);
    private readonly List<Worker> _workers = [];
    private PostgresDatabase _database = null!;
    private string _connectionString = "";

    public async Task InitializeAsync()
    {
        _connectionString = await TestDatabases.CreatePostgresAsync();
        _database = new PostgresDatabase(_connectionString);
        _database.Migrate();
    }

    public async Task DisposeAsync()
    {
        foreach (var worker in _workers) await worker.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task ExecuteAsync_LeaseTakenOverWhilePaused_StopsTheRunAndWritesNothingMore()
    {
        var (paused, other) = await TwoWorkersAsync();
        var queued = await paused.Queue.EnqueueAsync(paused.Plan, new RunRequest(), observe: true);
        await paused.Entered.Task.WaitAsync(Patience);

        other.Clock.Advance(TimeSpan.FromSeconds(31));
        other.Queue.WakeForClaims();
        await other.FinishedAsync(queued.RunId);
        paused.Gate.SetResult();
        var stopped = await Assert.ThrowsAsync<LeaseLostException>(() => queued.Settled!.WaitAsync(Patience));
        await paused.IdleAsync();

        var stored = (await other.Store.GetAsync(queued.RunId))!;
        Assert.Equal(queued.RunId, stopped.RunId);
        Assert.Equal(RunStatus.Succeeded, stored.Status);
        Assert.Equal(2, stored.LeaseEpoch);
        Assert.Equal("from other", stored.Nodes.Single(n => n.NodeId == "slow").Output!.Value.GetString());
        Assert.Equal(1, stored.Nodes.Single(n => n.NodeId == "after").Attempts);
        Assert.Equal(["Run " + queued.RunId + " is now held by another instance; this instance stopped executing it"], paused.Log.Warnings);
    }

    [Fact]
    public async Task Heartbeat_LeaseTakenOverWhilePaused_StopsTheRunWithoutRecordingACancel()
    {
        var (paused, other) = await TwoWorkersAsync();
        var queued = await paused.Queue.EnqueueAsync(paused.Plan, new RunRequest(), observe: true);
        await paused.Entered.Task.WaitAsync(Patience);
        other.Clock.Advance(TimeSpan.FromSeconds(31));
        other.Queue.WakeForClaims();
        await other.FinishedAsync(queued.RunId);

        // The paused worker's clock moves on to its next heartbeat; the node it is in never finishes by itself.
        var stopped = queued.Settled!;
        using var deadline = new CancellationTokenSource(Patience);
        while (!stopped.IsCompleted)
        {
            paused.Clock.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAny(stopped, Task.Delay(20, deadline.Token));
        }
        await Assert.ThrowsAsync<LeaseLostException>(() => stopped);
        await paused.IdleAsync();

        var stored = (await other.Store.GetAsync(queued.RunId))!;
        Assert.Equal(RunStatus.Succeeded, stored.Status);
        Assert.Equal("from other", stored.Nodes.Single(n => n.NodeId == "slow").Output!.Value.GetString());
        Assert.Single(paused.Log.Warnings);
    }

    private async Task<(Worker Paused, Worker Other)> TwoWorkersAsync()
    {
        var workflows = new PostgresWorkflowStore(_database, TimeProvider.System);
        var document = (await workflows.CreateAsync(Workflows.Build(["slow", "after"], ["start->slow", "slow->after"])))!.Document;
        var paused = Add(new Worker("paused", _connectionString, document, block: true));
        var other = Add(new Worker("other", _connectionString, document, block: false));
        return (paused, other);
    }

    private Worker Add(Worker worker)
    {
        _workers.Add(worker);
        return worker;
    }

    // One instance: its own pool, clock, store, queue and worker, and nodes that say which instance ran them.
    private sealed class Worker : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly PostgresDatabase _database;
        private readonly RunEventStream _events = new();
        private readonly Task _worker;

        public Worker(string name, string connectionString, WorkflowDocument document, bool block)
        {
            _database = new PostgresDatabase(connectionString);
            var probes = new ProbeNodes();
            probes.On("slow", async (_, ct) =>
            {
                if (block)
                {
                    Entered.TrySetResult();
                    await Gate.Task.WaitAsync(ct);
                }
                return NodeResult.Success(JsonSerializer.SerializeToElement($"from {name}"));
            });
            Store = new PostgresRunStore(_database, Clock);
            var options = new RunWorkerOptions { InstanceId = name, LeaseDuration = TimeSpan.FromSeconds(30), PollInterval = TimeSpan.FromSeconds(1) };
            Queue = new RunQueue(Store, Clock, options);
            Plan = WorkflowPlan.Compile(document, probes.Registry);
            var workflows = new PostgresWorkflowStore(_database, Clock);
            var worker = new RunWorker(Queue, Store, new WorkflowPlans(workflows, probes.Registry), new WorkflowEngine(probes.Registry, Store, Clock, _events), Clock, Log);
            _worker = worker.ExecuteAsync(_stop.Token);
        }

        public FakeTimeProvider Clock { get; } = new(Start);

        public PostgresRunStore Store { get; }

        public RunQueue Queue { get; }

        public WorkflowPlan Plan { get; }

        public RecordingLogger<RunWorker> Log { get; } = new();

        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        // The clock goes on in one-second ticks, as a real one would, so that a claim that found nothing polls again.
        public async Task FinishedAsync(string runId)
        {
            using var deadline = new CancellationTokenSource(Patience);
            while ((await Store.GetAsync(runId, deadline.Token))?.Status != RunStatus.Succeeded)
            {
                Clock.Advance(TimeSpan.FromSeconds(1));
                await Task.Delay(20, deadline.Token);
            }
        }

        public async Task IdleAsync()
        {
            using var deadline = new CancellationTokenSource(Patience);
            while (Queue.ActiveCount > 0) await Task.Delay(10, deadline.Token);
            await Store.FlushAsync();
        }

        public async ValueTask DisposeAsync()
        {
            Gate.TrySetResult();
            await _stop.CancelAsync();
            await _worker;
            await Store.DisposeAsync();
            await _database.DisposeAsync();
            _stop.Dispose();
        }
    }
}
