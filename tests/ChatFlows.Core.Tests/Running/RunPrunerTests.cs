using System.Threading.Channels;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;
using ChatFlows.Core.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace ChatFlows.Core.Tests.Running;

public sealed class RunPrunerTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly SqliteTestFolder _folder = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly SqliteDatabase _database;
    private readonly SqliteRunStore _store;
    private readonly WorkflowEngine _engine;
    private readonly WorkflowPlan _quick;
    private readonly WorkflowPlan _slow;

    public RunPrunerTests()
    {
        _database = new SqliteDatabase(_folder.ConnectionString());
        _database.Migrate();
        _store = new SqliteRunStore(_database, _time);
        _engine = new WorkflowEngine(NodeRegistry.CreateDefault(), _store, _time);
        _quick = _engine.Compile(Workflows.Build(["""{"id": "work", "type": "tool", "config": {"tool": "transform", "value": "done"}}"""], ["start->work"]));
        _slow = _engine.Compile(Workflows.Build(["wait:delay:PT2H"], ["start->wait"]));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        _folder.Dispose();
    }

    [Fact]
    public async Task PruneAsync_RunEndedBeforeTheCutoff_ItsApprovalJournalGoesWhileAWaitingRunsStays()
    {
        var log = new DatabaseApprovalLog(_database);
        var oldEnded = await StartAsync(_quick);
        var oldWaiting = await StartAsync(_slow);
        foreach (var runId in new[] { oldEnded, oldWaiting })
        {
            await log.AppendAsync(new ApprovalEvent(runId, "ok", "vote:slack:U1", ApprovalEventKinds.Vote, "slack:U1", _time.GetUtcNow(), System.Text.Json.JsonSerializer.SerializeToElement(new { decision = "approved" })));
        }
        _time.Advance(TimeSpan.FromDays(31));

        await new RunPruner(_store, new RunWorkerOptions { RetainFor = TimeSpan.FromDays(30) }, _time).PruneAsync();

        Assert.Empty(await log.ListAsync(oldEnded));
        Assert.Single(await log.ListAsync(oldWaiting));
    }

    [Fact]
    public async Task PruneAsync_RunsEndedBeforeTheCutoff_DeletedWithTheirJournalWhileRecentAndUnfinishedStay()
    {
        var oldEnded = await StartAsync(_quick);
        var oldWaiting = await StartAsync(_slow);
        var oldQueued = await QueueAsync(_quick);
        _time.Advance(TimeSpan.FromDays(31));
        var recentEnded = await StartAsync(_quick);
        var pruner = new RunPruner(_store, new RunWorkerOptions { RetainFor = TimeSpan.FromDays(30) }, _time);

        var pruned = await pruner.PruneAsync();

        Assert.Equal(1, pruned);
        Assert.Null(await _store.GetAsync(oldEnded));
        Assert.Equal(0, await CountAsync("select count(*) from node_runs where run_id = @Id", oldEnded));
        Assert.Equal(RunStatus.Waiting, (await _store.GetAsync(oldWaiting))!.Status);
        Assert.Equal(2, await CountAsync("select count(*) from node_runs where run_id = @Id", oldWaiting));
        Assert.Equal(RunStatus.Queued, (await _store.GetAsync(oldQueued))!.Status);
        Assert.Equal(RunStatus.Succeeded, (await _store.GetAsync(recentEnded))!.Status);
        Assert.Equal(2, await CountAsync("select count(*) from node_runs where run_id = @Id", recentEnded));
    }

    [Fact]
    public async Task PruneAsync_OldScheduleTicks_KeepsTheLatestOfEachTrigger()
    {
        var first = _time.GetUtcNow();
        foreach (var hours in new[] { 0, 1, 2 })
        {
            var run = new RunState(_quick, new RunRequest(), WorkflowEngine.NewRunId());
            Assert.True(await _store.EnqueueScheduledAsync(new ScheduleTick("test", "daily", first.AddHours(hours)), run));
        }
        _time.Advance(TimeSpan.FromDays(31));

        await new RunPruner(_store, new RunWorkerOptions { RetainFor = TimeSpan.FromDays(30) }, _time).PruneAsync();

        Assert.Equal(1, await CountAsync("select count(*) from schedule_ticks where workflow_id = @Id", "test"));
        Assert.Equal(first.AddHours(2), await _store.LastTickAsync("test", "daily"));
    }

    [Fact]
    public async Task ExecuteAsync_EveryPruneInterval_DeletesRunsThatAgedOut()
    {
        var ended = await StartAsync(_quick);
        var pruner = new RunPruner(_store, new RunWorkerOptions { RetainFor = TimeSpan.FromDays(1), PruneInterval = TimeSpan.FromHours(1) }, _time);
        var passes = Channel.CreateUnbounded<int>();
        pruner.Pruned += count => passes.Writer.TryWrite(count);
        using var stop = new CancellationTokenSource();
        var loop = Task.Run(() => pruner.ExecuteAsync(stop.Token));

        Assert.Equal(0, await passes.Reader.ReadAsync().AsTask().WaitAsync(Patience));
        _time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, await passes.Reader.ReadAsync().AsTask().WaitAsync(Patience));
        Assert.NotNull(await _store.GetAsync(ended));

        _time.Advance(TimeSpan.FromHours(24));
        Assert.Equal(1, await passes.Reader.ReadAsync().AsTask().WaitAsync(Patience));
        Assert.Null(await _store.GetAsync(ended));

        await stop.CancelAsync();
        await loop.WaitAsync(Patience);
    }

    [Fact]
    public async Task ExecuteAsync_RetainForZero_KeepsEverything()
    {
        var ended = await StartAsync(_quick);
        _time.Advance(TimeSpan.FromDays(365));
        var pruner = new RunPruner(_store, new RunWorkerOptions { RetainFor = TimeSpan.Zero }, _time);

        await pruner.ExecuteAsync(CancellationToken.None).WaitAsync(Patience);

        Assert.Equal(0, await pruner.PruneAsync());
        Assert.NotNull(await _store.GetAsync(ended));
    }

    private async Task<string> QueueAsync(WorkflowPlan plan)
    {
        var run = new RunState(plan, new RunRequest(), WorkflowEngine.NewRunId());
        await _store.EnqueueAsync(run, null, _time.GetUtcNow());
        return run.Id;
    }

    // Queues a run and executes it until it ends or waits, as a worker would.
    private async Task<string> StartAsync(WorkflowPlan plan)
    {
        var run = new RunState(plan, new RunRequest(), WorkflowEngine.NewRunId());
        await _store.EnqueueAsync(run, null, _time.GetUtcNow());
        await _engine.ContinueAsync(run);
        await _store.FlushAsync();
        return run.Id;
    }

    private async Task<long> CountAsync(string sql, string id)
    {
        await using var connection = _database.Open();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.Add(new SqliteParameter("@Id", id));
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
