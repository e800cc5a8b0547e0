using System.Text.Json;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;
using ChatFlows.Core.Storage;
using ChatFlows.Core.Tests.Running;

namespace ChatFlows.Core.Tests.Storage;

// docs/semantics.md §History policies: an ended run is forgotten by its workflow's policy, with everything stored
// beside it; a waiting run is always kept.
public abstract partial class RunStoreCompliance
{
    /// <summary>The database under the store, for the stores that keep rows beside a run (approvals).</summary>
    protected abstract StoreDatabase Database { get; }

    // "gate" waits for a decision when the trigger asks for one, fails when the trigger or the decision says so.
    private WorkflowPlan GatedPlan(string? history)
    {
        _probes.On("gate", context =>
        {
            if (context.ResumedBookmark is not null)
            {
                return context.ResumeValue?.GetString() == "approved" ? NodeResult.Success() : throw new NodeException("Rejected by ada.");
            }
            var trigger = context.Request.Trigger;
            if (trigger.TryGetProperty("fail", out _)) throw new NodeException("Boom.");
            return trigger.TryGetProperty("wait", out _) ? NodeResult.Wait("approve") : NodeResult.Success();
        });
        return WorkflowPlan.Compile(Workflows.Build(["gate", "after"], ["start->gate", "gate->after"]) with { History = history }, _probes.Registry);
    }

    private async Task<RunState> RunGatedAsync(WorkflowPlan plan, string trigger)
    {
        var run = NewRun(plan, trigger);
        await _store.EnqueueAsync(run, "me", _time.GetUtcNow().AddMinutes(1));
        return await Engine().ContinueAsync(run);
    }

    private async Task<RunState> DecideAsync(RunState waiting, string decision)
    {
        // What an approval leaves beside the run: a vote in the approval journal and an effect of the node.
        await new DatabaseApprovalLog(Database).AppendAsync(new ApprovalEvent(
            waiting.Id, "gate", "vote:ada", ApprovalEventKinds.Vote, "ada", _time.GetUtcNow(), JsonSerializer.SerializeToElement(new { decision })));
        await _store.RecordEffectAsync(waiting.Id, "gate", "posted", JsonSerializer.SerializeToElement("ts-1"), CancellationToken.None);
        return await Engine().ResumeAsync(waiting, new Resumption("approve", JsonSerializer.SerializeToElement(decision)));
    }

    private async Task<IReadOnlyList<string>> ListedAsync() => (await _store.ListAsync(new RunQuery(Limit: 50))).Items.Select(r => r.Id).ToArray();

    [Fact]
    public async Task Forget_ErrorsPolicy_KeepsFailuresDropsSuccessesAndNeverAWaitingRun()
    {
        var plan = GatedPlan(HistoryPolicies.Errors);

        var succeeded = await RunGatedAsync(plan, "{}");
        var failed = await RunGatedAsync(plan, """{"fail": true}""");
        var approved = await RunGatedAsync(plan, """{"wait": true}""");
        var rejected = await RunGatedAsync(plan, """{"wait": true}""");

        Assert.Equal(RunStatus.Waiting, (await _store.GetAsync(approved.Id))?.Status);
        Assert.Equal(RunStatus.Waiting, (await _store.GetAsync(rejected.Id))?.Status);
        Assert.Equal(RunStatus.Succeeded, (await DecideAsync(approved, "approved")).Status);
        Assert.Equal(RunStatus.Failed, (await DecideAsync(rejected, "rejected")).Status);
        await _store.FlushAsync();

        Assert.Equal(RunStatus.Succeeded, succeeded.Status);
        Assert.Null(await _store.GetAsync(succeeded.Id));
        Assert.Null(await _store.GetAsync(approved.Id));
        Assert.Empty(await new DatabaseApprovalLog(Database).ListAsync(approved.Id));
        Assert.Null(await _store.FindEffectAsync(approved.Id, "gate", "posted", CancellationToken.None));
        var keptFailure = await _store.GetAsync(failed.Id);
        Assert.Equal(RunStatus.Failed, keptFailure?.Status);
        Assert.Equal("Boom.", keptFailure!.Nodes.Single(n => n.NodeId == "gate").Error);
        var keptRejection = await _store.GetAsync(rejected.Id);
        Assert.Equal(RunStatus.Failed, keptRejection?.Status);
        Assert.Single(await new DatabaseApprovalLog(Database).ListAsync(rejected.Id));
        Assert.NotNull(await _store.FindEffectAsync(rejected.Id, "gate", "posted", CancellationToken.None));
        Assert.Equal(new[] { failed.Id, rejected.Id }.Order(StringComparer.Ordinal), (await ListedAsync()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Forget_NonePolicy_DropsEveryEndedRunAndKeepsTheWaitingOne()
    {
        var plan = GatedPlan(HistoryPolicies.None);

        var succeeded = await RunGatedAsync(plan, "{}");
        var failed = await RunGatedAsync(plan, """{"fail": true}""");
        var waiting = await RunGatedAsync(plan, """{"wait": true}""");
        await _store.FlushAsync();

        Assert.Equal((RunStatus.Succeeded, RunStatus.Failed), (succeeded.Status, failed.Status));
        Assert.Null(await _store.GetAsync(succeeded.Id));
        Assert.Null(await _store.GetAsync(failed.Id));
        Assert.Equal([waiting.Id], await ListedAsync());

        var cancelled = await Engine().ContinueAsync(waiting, new CancellationToken(canceled: true));
        await _store.FlushAsync();

        Assert.Equal(RunStatus.Cancelled, cancelled.Status);
        Assert.Empty(await ListedAsync());
    }

    [Fact]
    public async Task Forget_AllPolicy_KeepsEveryEndedRun()
    {
        var plan = GatedPlan(null);

        var succeeded = await RunGatedAsync(plan, "{}");
        var failed = await RunGatedAsync(plan, """{"fail": true}""");
        await _store.FlushAsync();

        Assert.Equal(RunStatus.Succeeded, (await _store.GetAsync(succeeded.Id))?.Status);
        Assert.Equal(RunStatus.Failed, (await _store.GetAsync(failed.Id))?.Status);
    }

    [Fact]
    public async Task Forget_ChildRunOfAWaitingParent_HandsItsOutcomeToTheParentFirst()
    {
        var child = WorkflowPlan.Compile(Workflows.Build(["a"], ["start->a"]) with { Id = "child", History = HistoryPolicies.None }, _probes.Registry);
        var childId = WorkflowEngine.NewRunId();
        _probes.On("a", _ => NodeResult.Success(JsonSerializer.SerializeToElement(new { answer = 42 })));
        _probes.On("call", context => context.ResumedBookmark is null
            ? NodeResult.Wait(ChildRuns.Bookmark(childId))
            : NodeResult.Success(context.ResumeValue!.Value.GetProperty("result")));
        var parentPlan = Plan(["call"], ["start->call"]);
        var parent = NewRun(parentPlan);
        await _store.EnqueueAsync(parent, "me", _time.GetUtcNow().AddMinutes(1));
        parent = await Engine().ContinueAsync(parent);

        var childRun = new RunState(child, new RunRequest
        {
            Trigger = JsonDocument.Parse("{}").RootElement.Clone(),
            StartedBy = "test",
            ParentRunId = parent.Id,
            ParentNodeId = "call",
        }, childId);
        await _store.EnqueueAsync(childRun, "me", _time.GetUtcNow().AddMinutes(1));
        await Engine().ContinueAsync(childRun);
        await _store.FlushAsync();

        Assert.Null(await _store.GetAsync(childId));
        var handed = Assert.Single((await _store.GetAsync(parent.Id))!.Resumes);
        Assert.Equal(ChildRuns.Bookmark(childId), handed.Bookmark);
        var resumed = await Engine().ResumeAsync(parent, handed);
        Assert.Equal(RunStatus.Succeeded, resumed.Status);
        Assert.Equal(42, resumed.Node("call").Output!.Value.GetProperty("a").GetProperty("answer").GetInt32());
    }
}
