using System.Text.Json;
using ChatFlows.Bot.Chat;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;
using ChatFlows.Core.Storage;

namespace ChatFlows.Bot.Tests.Cards;

/// <summary>
/// The moment after the deciding vote when the worker has resumed the run and the approval node runs again with the
/// decision, not yet recorded: every card (and the answer to the click itself) already shows who decided.
/// </summary>
public sealed class ApprovalViewsResumingTests
{
    private const string Node = "ask";
    private static readonly DateTimeOffset Requested = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);
    private readonly InMemoryApprovalLog _log = new();

    // Built from a run in hand: the stores are not read.
    private ApprovalViews Views => new(runs: null!, workflows: null!, _log);

    [Fact]
    public async Task ForAsync_NodeRunningWithTheStoredDecision_ShowsItDecided()
    {
        var decision = JsonSerializer.SerializeToElement(new { decision = "approved", by = "teams:ada", at = Requested.AddMinutes(3) });
        var run = Resuming([new Resumption(ApprovalNode.Bookmark, decision, Node)]);

        var view = await Views.ForAsync(run, "Deploy", Node, CancellationToken.None);

        Assert.NotNull(view);
        Assert.False(view.IsOpen);
        Assert.Equal(("approved", "teams:ada"), (view.Decision, view.DecidedBy));
    }

    [Fact]
    public async Task ForAsync_NodeRunningAfterTheWorkerTookTheDecision_ShowsTheDecidingVote()
    {
        await _log.AppendAsync(new ApprovalEvent("run-9", Node, "vote:teams:bo", ApprovalEventKinds.Vote, "teams:bo", Requested.AddMinutes(4),
            JsonSerializer.SerializeToElement(new { decision = "rejected", comment = "not today" })));
        var run = Resuming([]);

        var view = await Views.ForAsync(run, "Deploy", Node, CancellationToken.None);

        Assert.NotNull(view);
        Assert.Equal(("rejected", "teams:bo", "not today"), (view.Decision, view.DecidedBy, view.Comment));
    }

    private static StoredRun Resuming(IReadOnlyList<Resumption> resumes)
    {
        var request = new ApprovalRequest { Prompt = "Deploy api?", Approvers = ["anyone"], RequestedAt = Requested };
        return new StoredRun
        {
            Id = "run-9",
            WorkflowId = "deploy",
            WorkflowVersion = 1,
            Status = RunStatus.Running,
            Trigger = JsonSerializer.SerializeToElement(new { }),
            CreatedAt = Requested,
            // What the engine journals first when it resumes the approval: the node runs again, its request still its output.
            Nodes = [new NodeRecord(Node) { Status = NodeStatus.Running, Output = request.ToJson(), StartedAt = Requested }],
            Resumes = resumes,
        };
    }
}
