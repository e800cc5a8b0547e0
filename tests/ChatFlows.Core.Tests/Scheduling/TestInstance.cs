using System.Collections.Concurrent;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;
using ChatFlows.Core.Scheduling;
using ChatFlows.Core.Storage;

namespace ChatFlows.Core.Tests.Scheduling;

/// <summary>One ChatFlows instance over a shared SQLite file: its own stores, queue and scheduler, as a separate process has.</summary>
internal sealed class TestInstance : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;

    public TestInstance(string connectionString, TimeProvider time, SchedulerOptions? options = null)
    {
        Time = time;
        Database = new SqliteDatabase(connectionString);
        Database.Migrate();
        Workflows = new SqliteWorkflowStore(Database, time);
        Runs = new SqliteRunStore(Database, time);
        Plans = new WorkflowPlans(Workflows, Registry);
        Queue = new RunQueue(Runs, time, new RunWorkerOptions());
        Scheduler = new Scheduler(Workflows, Runs, new RunStarter(Plans, Workflows, Queue, Runs), time, options);
        Scheduler.Fired += tick => Fired.Enqueue(tick);
    }

    public NodeRegistry Registry { get; } = NodeRegistry.CreateDefault();

    public TimeProvider Time { get; }

    public SqliteDatabase Database { get; }

    public SqliteWorkflowStore Workflows { get; }

    public SqliteRunStore Runs { get; }

    public WorkflowPlans Plans { get; }

    public RunQueue Queue { get; }

    public Scheduler Scheduler { get; }

    /// <summary>Ticks this instance claimed.</summary>
    public ConcurrentQueue<ScheduleTick> Fired { get; } = new();

    /// <summary>Starts the scheduler and waits for its start-up pass.</summary>
    public Task StartAsync()
    {
        _loop = Task.Run(() => Scheduler.ExecuteAsync(_stop.Token));
        return PassAsync();
    }

    /// <summary>Waits until the scheduler has taken in every change and fired every tick due by now.</summary>
    public Task PassAsync() => Scheduler.NextPassAsync().WaitAsync(Patience);

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _loop.WaitAsync(Patience);
    }

    public async Task<IReadOnlyList<StoredRun>> RunsOfAsync(string workflowId) =>
        (await Runs.ListAsync(new RunQuery(workflowId, Limit: 500))).Items;

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await Runs.DisposeAsync();
        _stop.Dispose();
    }
}
