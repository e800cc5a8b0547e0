using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;
using ChatFlows.Core.Storage;
using ChatFlows.Core.Storage.Postgres;
using ChatFlows.Core.Storage.Relational;

namespace ChatFlows.Bench;

/// <summary>
/// Durable throughput: runs of the 10-node chain through the production path (queue, worker, engine, journal in a
/// SQLite file or, with <c>--postgres</c>, a PostgreSQL database), with a bounded number of runs in flight. A run counts once its final state is committed.
/// </summary>
internal static class DurableThroughput
{
    public static async Task<int> RunAsync(string[] args)
    {
        var runs = IntOption(args, "--runs", 20_000);
        var inFlight = IntOption(args, "--in-flight", 256);
        var folder = Path.Combine(Path.GetTempPath(), "chatflows-bench", Guid.NewGuid().ToString("N"));
        // --postgres "Host=…;Database=…" measures the same path on an empty PostgreSQL database instead of a SQLite file.
        var postgres = StringOption(args, "--postgres");
        StoreDatabase database = postgres is null
            ? new SqliteDatabase($"Data Source={Path.Combine(folder, "chatflows.db")}")
            : new PostgresDatabase(postgres);
        database.Migrate();

        var time = TimeProvider.System;
        var registry = NodeRegistry.CreateDefault().Add(new NodeKind(NodeTypes.Tool, "noop", _ => NoopHandler.Instance));
        IWorkflowStore workflows = database is PostgresDatabase pg ? new PostgresWorkflowStore(pg, time) : new SqliteWorkflowStore((SqliteDatabase)database, time);
        var saved = await workflows.CreateAsync(EngineOverheadBenchmarks.Linear($"linear10-{Guid.NewGuid():N}", () => new JsonObject { ["tool"] = "noop" }));
        var plan = WorkflowPlan.Compile(saved!.Document, registry);
        await using RelationalRunStore store = database is PostgresDatabase pgRuns ? new PostgresRunStore(pgRuns, time) : new SqliteRunStore((SqliteDatabase)database, time);
        var engine = new WorkflowEngine(registry, store, time);
        var queue = new RunQueue(store, time, new RunWorkerOptions { Concurrency = inFlight });
        var worker = new RunWorker(queue, store, new WorkflowPlans(workflows, registry), engine, time);
        using var stop = new CancellationTokenSource();
        var working = worker.ExecuteAsync(stop.Token);

        Console.WriteLine($"Durable throughput: linear10 (trigger + 10 nodes), {database.Description}, {inFlight} runs in flight");
        await DriveAsync(queue, plan, Math.Min(2_000, runs), inFlight, "warm-up");
        var (nodeWrites, rows, commits) = (store.NodeWrites, store.RowsWritten, store.Commits);
        var clock = Stopwatch.StartNew();
        var failed = await DriveAsync(queue, plan, runs, inFlight, "measured");
        clock.Stop();
        (nodeWrites, rows, commits) = (store.NodeWrites - nodeWrites, store.RowsWritten - rows, store.Commits - commits);

        var seconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine();
        Console.WriteLine($"runs:               {runs:N0} in {seconds:0.00} s, {failed} not succeeded");
        Console.WriteLine($"runs/s:             {runs / seconds:N0}");
        Console.WriteLine($"node journal writes/s: {nodeWrites / seconds:N0} ({nodeWrites / (double)runs:0.0} per run)");
        Console.WriteLine($"rows written/s:     {rows / seconds:N0} after coalescing");
        Console.WriteLine($"commits/s:          {commits / seconds:N0} ({rows / (double)Math.Max(commits, 1):0} rows per commit)");

        await stop.CancelAsync();
        await working;
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        return failed == 0 ? 0 : 1;
    }

    private static async Task<int> DriveAsync(RunQueue queue, WorkflowPlan plan, int runs, int inFlight, string label)
    {
        using var slots = new SemaphoreSlim(inFlight);
        var failed = 0;
        var done = 0;
        var pending = new List<Task>(runs);
        for (var i = 0; i < runs; i++)
        {
            await slots.WaitAsync();
            var queued = await queue.EnqueueAsync(plan, new RunRequest { StartedBy = "bench" }, observe: true);
            pending.Add(queued.Settled!.ContinueWith(
                settled =>
                {
                    if (settled.Status != TaskStatus.RanToCompletion || settled.Result.Status != RunStatus.Succeeded) Interlocked.Increment(ref failed);
                    if (Interlocked.Increment(ref done) % 5_000 == 0) Console.Write($"\r{label}: {done:N0} of {runs:N0} runs");
                    slots.Release();
                },
                TaskScheduler.Default));
        }
        await Task.WhenAll(pending);
        Console.Write($"\r{label}: {runs:N0} of {runs:N0} runs");
        Console.WriteLine();
        return failed;
    }

    private static string? StringOption(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    private static int IntOption(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
