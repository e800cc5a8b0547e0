using ChatFlows.Core.Documents;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;
using ChatFlows.Core.Storage;
using ChatFlows.Core.Tests.Storage;
using Microsoft.Extensions.Time.Testing;

namespace ChatFlows.Core.Tests.Approving;

/// <summary>
/// A click that arrives after the deciding vote, while the run is being resumed past the approval (the node runs again
/// with the decision and has not recorded its outcome yet), is told who decided — not that nothing waits. The worker
/// is stopped once the run waits, and the test writes what the engine journals first when it resumes, so the run stays
/// in that moment.
/// </summary>
public sealed class ApprovalLateClickTests : IDisposable
{
    private readonly TestDatabase _db = new();
    private readonly FakeTimeProvider _time = new(ApprovalBench.Nine);
    private readonly NodeRegistry _registry = NodeRegistry.CreateDefault(new BuiltInNodeOptions());
    private readonly SqliteRunStore _store;
    private readonly RunQueue _queue;
    private readonly CancellationTokenSource _stopWorker = new();
    private readonly Task _worker;
    private readonly global::ChatFlows.Core.Running.Approvals _approvals;

    public ApprovalLateClickTests()
    {
        _store = new SqliteRunStore(_db.Database, _time);
        var workflows = new SqliteWorkflowStore(_db.Database, _time);
        var engine = new WorkflowEngine(_registry, _store, _time, new RunEventStream());
        _queue = new RunQueue(_store, _time, new RunWorkerOptions { InstanceId = "late", LeaseDuration = TimeSpan.FromMinutes(5) });
        _worker = new RunWorker(_queue, _store, new WorkflowPlans(workflows, _registry), engine, _time).ExecuteAsync(_stopWorker.Token);
        _approvals = new global::ChatFlows.Core.Running.Approvals(_store, _queue, _time, new DatabaseApprovalLog(_db.Database));
    }

    [Fact]
    public async Task DecideAsync_WhileTheDecisionIsCarriedOut_SaysWhoDecided()
    {
        var run = await WaitingRunAsync();
        var first = await _approvals.DecideAsync(run.Id, null, Decider.FromEntry("slack:U1"), approve: false);
        await ResumingAsync(run);

        var late = await _approvals.DecideAsync(run.Id, null, Decider.FromEntry("slack:U2"), approve: true);

        Assert.Equal(ApprovalOutcome.Accepted, first.Outcome);
        Assert.Equal(ApprovalOutcome.AlreadyDecided, late.Outcome);
        Assert.Equal("Already rejected by slack:U1 at 2026-11-24 09:00 UTC; nothing changed.", late.Message);
        Assert.Equal("ok", late.NodeId);
    }

    [Fact]
    public async Task DecideAsync_AfterTheWorkerTookTheDecisionAndBeforeTheNodeRecordedIt_SaysWhoDecidedFromTheVotes()
    {
        var run = await WaitingRunAsync();
        await _approvals.DecideAsync(run.Id, "ok", Decider.FromEntry("slack:U2"), approve: true);
        await ResumingAsync(run);
        await _store.CompleteResumeAsync(run.Id, ApprovalNode.Bookmark);
        await _store.FlushAsync();

        var late = await _approvals.DecideAsync(run.Id, "ok", Decider.FromEntry("slack:U1"), approve: false);

        Assert.Equal(ApprovalOutcome.AlreadyDecided, late.Outcome);
        Assert.Equal("Already approved by slack:U2 at 2026-11-24 09:00 UTC; nothing changed.", late.Message);
    }

    private async Task<RunState> WaitingRunAsync()
    {
        var document = WorkflowJson.Parse("""
            {
              "id": "late", "name": "late",
              "nodes": [
                {"id": "play", "type": "trigger", "config": {"kind": "manual"}},
                {"id": "ok", "type": "approval", "config": {"prompt": "Deploy?", "approvers": ["slack:U1", "slack:U2"]}},
                {"id": "yes", "type": "tool", "config": {"tool": "transform", "value": "yes"}}
              ],
              "edges": [{"from": "play", "to": "ok"}, {"from": "ok", "port": "approved", "to": "yes"}]
            }
            """);
        var queued = await _queue.EnqueueAsync(WorkflowPlan.Compile(document, _registry), new RunRequest(), observe: true);
        var run = await queued.Settled!.WaitAsync(ApprovalBench.Patience);
        await _stopWorker.CancelAsync();
        await _worker.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _store.FlushAsync();
        Assert.Equal(RunStatus.Waiting, run.Status);
        return run;
    }

    // What the engine journals first when it resumes the approval: the node runs again, no longer on its bookmark.
    private async Task ResumingAsync(RunState run)
    {
        var node = run.Nodes.Single(n => n.NodeId == "ok");
        node.Status = NodeStatus.Running;
        node.Bookmark = null;
        await _store.NodeChangedAsync(run, node, CancellationToken.None);
        await _store.FlushAsync();
    }

    public void Dispose()
    {
        _stopWorker.Dispose();
        _db.Dispose();
    }
}
