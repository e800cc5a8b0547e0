using ChatFlows.Core.Documents;
using ChatFlows.Core.Running;
using ChatFlows.Core.Storage;
using Microsoft.Data.Sqlite;

namespace ChatFlows.Bot.Tests;

/// <summary>
/// Runs survive the host being killed with SIGKILL and started again on the same database: a waiting run resumes
/// by the clock, an interrupted one is taken over from its journal, and no finished node runs twice.
/// </summary>
public sealed class KillRestartTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(40);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "chatflows-tests", Guid.NewGuid().ToString("N"));
    private readonly SqliteDatabase _database;
    private readonly Dictionary<string, string> _settings;

    public KillRestartTests()
    {
        Directory.CreateDirectory(_folder);
        _database = new SqliteDatabase($"Data Source={Path.Combine(_folder, "chatflows.db")}");
        _database.Migrate();
        _settings = new()
        {
            ["ChatFlows:Storage:ConnectionString"] = _database.ConnectionString,
            ["ChatFlows:Runs:LeaseDuration"] = "00:00:02",
            ["ChatFlows:Runs:PollInterval"] = "00:00:00.200",
        };
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        TestFolder.Delete(_folder);
    }

    [Fact]
    public async Task WaitingRun_HostKilledAndRestarted_ResumesByTheClockWithoutRerunningFinishedNodes()
    {
        var runId = await QueueRunAsync("""{"tool": "delay", "duration": "PT8S"}""");
        var waiting = await KillWhenAsync(runId, r => r.Status == RunStatus.Waiting);

        var finished = await RestartAndFinishAsync(runId);

        Assert.Equal(RunStatus.Succeeded, finished.Status);
        Assert.Equal("before: 21", Node(finished, "after").Output!.Value.GetString());
        foreach (var id in new[] { "start", "before", "middle", "after" }) Assert.Equal(1, Node(finished, id).Attempts);
        // The node that finished before the kill kept its journal entry: it was not executed again.
        Assert.Equal(Node(waiting, "before").StartedAt, Node(finished, "before").StartedAt);
    }

    [Fact]
    public async Task RunningRun_HostKilledAndRestarted_IsTakenOverFromItsJournal()
    {
        // An inline delay keeps the node running (not parked) when the process dies.
        var runId = await QueueRunAsync("""{"tool": "delay", "duration": "PT4S"}""");
        var interrupted = await KillWhenAsync(runId, r => r.Nodes.Any(n => n.NodeId == "middle" && n.Status == NodeStatus.Running));

        var finished = await RestartAndFinishAsync(runId);

        Assert.Equal(RunStatus.Succeeded, finished.Status);
        Assert.Equal(1, Node(finished, "before").Attempts);
        Assert.Equal(Node(interrupted, "before").StartedAt, Node(finished, "before").StartedAt);
        Assert.Equal(2, Node(finished, "middle").Attempts);
        Assert.Equal(1, Node(finished, "after").Attempts);
    }

    private static NodeRecord Node(StoredRun run, string id) => run.Nodes.Single(n => n.NodeId == id);

    // Starts the host, and kills it with SIGKILL as soon as the stored run meets the condition.
    private async Task<StoredRun> KillWhenAsync(string runId, Func<StoredRun, bool> condition)
    {
        using var host = HostProcess.Start(_folder, _settings);
        var run = await WaitForAsync(runId, condition, host);
        await host.KillAsync();
        return run;
    }

    private async Task<StoredRun> RestartAndFinishAsync(string runId)
    {
        using var restarted = HostProcess.Start(_folder, _settings);
        return await WaitForAsync(runId, r => r.Status.IsTerminal(), restarted);
    }

    // Saves start -> before (transform) -> middle -> after (transform) and queues a run with no owner, as another
    // instance's trigger would; the host claims it.
    private async Task<string> QueueRunAsync(string middleConfig)
    {
        var document = WorkflowJson.Parse($$$"""
            {"id": "survivor", "nodes": [
              {"id": "start", "type": "trigger", "config": {"kind": "manual"}},
              {"id": "before", "type": "tool", "config": {"tool": "transform", "value": "{{ trigger.n | times: 3 }}"}},
              {"id": "middle", "type": "tool", "config": {{{middleConfig}}}},
              {"id": "after", "type": "tool", "config": {"tool": "transform", "value": "before: {{ data.before }}"}}],
             "edges": [{"from": "start", "to": "before"}, {"from": "before", "to": "middle"}, {"from": "middle", "to": "after"}]}
            """);
        var saved = await new SqliteWorkflowStore(_database, TimeProvider.System).CreateAsync(document);
        var plan = WorkflowPlan.Compile(saved!.Document, Core.Nodes.NodeRegistry.CreateDefault());
        var run = new RunState(plan, new RunRequest { Trigger = System.Text.Json.JsonDocument.Parse("""{"n": 7}""").RootElement.Clone() }, WorkflowEngine.NewRunId());
        await using var store = new SqliteRunStore(_database, TimeProvider.System);
        await store.EnqueueAsync(run, owner: null, default);
        return run.Id;
    }

    private async Task<StoredRun> WaitForAsync(string runId, Func<StoredRun, bool> condition, HostProcess host)
    {
        await using var store = new SqliteRunStore(_database, TimeProvider.System);
        using var deadline = new CancellationTokenSource(Patience);
        while (true)
        {
            var run = await store.GetAsync(runId, CancellationToken.None);
            if (run is not null && condition(run)) return run;
            if (deadline.IsCancellationRequested)
            {
                Assert.Fail($"Run {runId} did not get there within {Patience.TotalSeconds:0} s; it is {run?.Status}. Host output:\n{host.Output}");
            }
            await Task.Delay(50, CancellationToken.None);
        }
    }
}
