using System.Text.Json;
using System.Text.Json.Nodes;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;
using ChatFlows.Core.Storage;
using ChatFlows.Core.Tests.Storage;
using Microsoft.Extensions.Time.Testing;

namespace ChatFlows.Core.Tests.Approving;

/// <summary>
/// The real engine, queue and worker over a real SQLite file with a fake clock, and <see cref="global::ChatFlows.Core.Running.Approvals"/>,
/// the approval journal and the clock of reminders over the same database: one waiting approval node per run,
/// decided as any person the test names.
/// </summary>
internal sealed class ApprovalBench : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    public static readonly DateTimeOffset Nine = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);

    private readonly TestDatabase _db = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _worker;
    private readonly SqliteWorkflowStore _workflows;
    private readonly NodeRegistry _registry;

    public ApprovalBench(ApprovalOptions? options = null, IEnumerable<IApproverGroups>? groups = null)
    {
        Options = options ?? new ApprovalOptions();
        _registry = NodeRegistry.CreateDefault(new BuiltInNodeOptions { ApprovalEmailLists = Options.EmailLists });
        _workflows = new SqliteWorkflowStore(_db.Database, Time);
        Store = new SqliteRunStore(_db.Database, Time);
        var engine = new WorkflowEngine(_registry, Store, Time, Events);
        Queue = new RunQueue(Store, Time, new RunWorkerOptions { InstanceId = "bench", LeaseDuration = TimeSpan.FromSeconds(30), PollInterval = TimeSpan.FromSeconds(1) });
        _worker = new RunWorker(Queue, Store, new WorkflowPlans(_workflows, _registry), engine, Time).ExecuteAsync(_stop.Token);
        Log = new DatabaseApprovalLog(_db.Database);
        Approvals = new global::ChatFlows.Core.Running.Approvals(Store, Queue, Time, Log, Events, [new EmailListGroups(Options), .. groups ?? []], [Notices], Options);
        Lifecycle = new ApprovalLifecycle(Approvals);
        Inbox = new ApprovalInbox(_workflows, Approvals, [new EmailListGroups(Options), .. groups ?? []]);
    }

    public FakeTimeProvider Time { get; } = new(Nine);

    public ApprovalOptions Options { get; }

    public SqliteRunStore Store { get; }

    public RunEventStream Events { get; } = new();

    public RunQueue Queue { get; }

    public DatabaseApprovalLog Log { get; }

    public global::ChatFlows.Core.Running.Approvals Approvals { get; }

    public ApprovalLifecycle Lifecycle { get; }

    public ApprovalInbox Inbox { get; }

    public RecordingNotifier Notices { get; } = new();

    /// <summary>Saves a workflow (manual trigger → approval <c>ok</c> → <c>yes</c> / <c>no</c> / <c>late</c>) with the approval's config, starts it and waits until it waits.</summary>
    public async Task<string> StartAsync(string id, string approvalConfig, string? name = null)
    {
        var json = $$$"""
            {
              "id": "{{{id}}}", "name": "{{{name ?? id}}}",
              "nodes": [
                {"id": "play", "type": "trigger", "config": {"kind": "manual"}},
                {"id": "ok", "type": "approval", "config": {{{approvalConfig}}} },
                {"id": "yes", "type": "tool", "config": {"tool": "transform", "value": "yes"}},
                {"id": "no", "type": "tool", "config": {"tool": "transform", "value": "no"}},
                {"id": "late", "type": "tool", "config": {"tool": "transform", "value": "late"}}
              ],
              "edges": [
                {"from": "play", "to": "ok"}, {"from": "ok", "port": "approved", "to": "yes"},
                {"from": "ok", "port": "rejected", "to": "no"}, {"from": "ok", "port": "expired", "to": "late"}
              ]
            }
            """;
        var document = WorkflowJson.Parse(json);
        var saved = await _workflows.GetAsync(id) is { } existing ? existing : await _workflows.CreateAsync(document);
        var plan = WorkflowPlan.Compile(saved!.Document, _registry);
        var queued = await Queue.EnqueueAsync(plan, new RunRequest(), observe: true);
        var run = await queued.Settled!.WaitAsync(Patience);
        Assert.Equal(RunStatus.Waiting, run.Status);
        await Store.FlushAsync();
        return queued.RunId;
    }

    public Task<ApprovalDecision> DecideAsync(string runId, string who, bool approve, string? comment = null) =>
        Approvals.DecideAsync(runId, "ok", Decider.FromEntry(who), approve, comment);

    /// <summary>Waits until the run ends (moving the clock a second at a time for the worker's claims) and returns it.</summary>
    public async Task<StoredRun> EndedAsync(string runId)
    {
        using var deadline = new CancellationTokenSource(Patience);
        while (true)
        {
            await Store.FlushAsync();
            if (await Store.GetAsync(runId) is { } run && run.Status.IsTerminal()) return run;
            deadline.Token.ThrowIfCancellationRequested();
            Queue.WakeForClaims();
            await Task.Delay(20, deadline.Token);
        }
    }

    public async Task<StoredRun> RunAsync(string runId)
    {
        await Store.FlushAsync();
        return (await Store.GetAsync(runId))!;
    }

    public static JsonElement Output(StoredRun run, string nodeId) => run.Nodes.Single(n => n.NodeId == nodeId).Output!.Value;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _worker.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
        _db.Dispose();
    }
}

/// <summary>Every notice the approvals send, in order.</summary>
internal sealed class RecordingNotifier : IApprovalNotifier
{
    private readonly Lock _gate = new();
    private readonly List<ApprovalNotice> _notices = [];

    public IReadOnlyList<ApprovalNotice> All
    {
        get
        {
            lock (_gate) return _notices.ToList();
        }
    }

    public IReadOnlyList<ApprovalNotice> Of(string kind) => All.Where(n => n.Event.Kind == kind).ToList();

    public Task NotifyAsync(ApprovalNotice notice, CancellationToken ct = default)
    {
        lock (_gate) _notices.Add(notice);
        return Task.CompletedTask;
    }
}

/// <summary>Approver groups the test defines: entry → members.</summary>
internal sealed class FixedGroups(Dictionary<string, string[]> groups) : IApproverGroups
{
    public int Reads { get; private set; }

    public bool Owns(string entry) => groups.ContainsKey(entry);

    public Task<IReadOnlyList<string>> MembersAsync(string entry, CancellationToken ct = default)
    {
        Reads++;
        return Task.FromResult<IReadOnlyList<string>>(groups[entry]);
    }
}

internal static class Config
{
    /// <summary>An approval node's config from a JSON object literal, merged over a prompt.</summary>
    public static string Of(string extra) => JsonNode.Parse("{\"prompt\": \"Deploy?\", " + extra + "}")!.ToJsonString();
}
