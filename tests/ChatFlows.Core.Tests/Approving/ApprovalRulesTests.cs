using System.Text.Json;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;

namespace ChatFlows.Core.Tests.Approving;

/// <summary>
/// The approval rules (README §Approvals) on the real engine and a real SQLite journal: quorum of distinct people,
/// repeated clicks, <c>all</c> with groups, <c>rejectQuorum</c>, <c>requireComment</c>, delegation and reassignment.
/// </summary>
public sealed class ApprovalRulesTests : IAsyncLifetime
{
    private ApprovalBench _bench = null!;

    public Task InitializeAsync()
    {
        _bench = new ApprovalBench(groups: [new FixedGroups(new() { ["slack-group:S0DEPLOY"] = ["slack:U1", "slack:U2"] })]);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _bench.DisposeAsync();

    [Fact]
    public async Task DecideAsync_QuorumTwo_FirstApprovalIsCountedAndTheSecondApproves()
    {
        var runId = await _bench.StartAsync("q2", Config.Of("\"approvers\": [\"slack:U1\", \"slack:U2\", \"slack:U3\"], \"quorum\": 2"));
        using var changes = _bench.Events.Subscribe(runId);

        var first = await _bench.DecideAsync(runId, "slack:U1", approve: true);

        Assert.Equal(ApprovalOutcome.Counted, first.Outcome);
        Assert.Equal("Approved by slack:U1 (1 of 2); still waiting for slack:U2, slack:U3.", first.Message);
        Assert.Equal((1, 2), (first.State!.Approvals, first.State.Required));
        Assert.True(changes.Reader.TryRead(out var changed));
        Assert.Equal((RunEventTypes.ApprovalChanged, "ok"), (changed.Type, changed.NodeId));
        Assert.Equal(RunStatus.Waiting, (await _bench.RunAsync(runId)).Status);

        var second = await _bench.DecideAsync(runId, "slack:U3", approve: true, comment: "looks good");
        var run = await _bench.EndedAsync(runId);

        Assert.Equal(ApprovalOutcome.Accepted, second.Outcome);
        Assert.StartsWith("Approved by slack:U3 at ", second.Message, StringComparison.Ordinal);
        var output = ApprovalBench.Output(run, "ok");
        Assert.Equal(("approved", "slack:U3"), (output.GetProperty("decision").GetString(), output.GetProperty("by").GetString()));
        Assert.Equal(["slack:U1", "slack:U3"], output.GetProperty("votes").EnumerateArray().Select(v => v.GetProperty("by").GetString()));
        Assert.Equal("looks good", output.GetProperty("votes")[1].GetProperty("comment").GetString());
        Assert.Contains(run.Nodes, n => n.NodeId == "yes");
    }

    [Fact]
    public async Task DecideAsync_SamePersonClicksAgain_RecordsNothingAndSaysWhen()
    {
        var runId = await _bench.StartAsync("again", Config.Of("\"approvers\": [\"slack:U1\", \"slack:U2\"], \"quorum\": 2"));
        await _bench.DecideAsync(runId, "slack:U1", approve: true);

        var again = await _bench.DecideAsync(runId, "slack:U1", approve: true);
        var flipped = await _bench.DecideAsync(runId, "slack:U1", approve: false);

        Assert.Equal(ApprovalOutcome.AlreadyDecided, again.Outcome);
        Assert.Equal("You already approved at 2026-11-24 09:00 UTC; nothing changed.", again.Message);
        Assert.Equal(ApprovalOutcome.AlreadyDecided, flipped.Outcome);
        Assert.Single(await _bench.Log.ListAsync(runId, "ok"));
        Assert.Equal(RunStatus.Waiting, (await _bench.RunAsync(runId)).Status);
    }

    [Fact]
    public async Task DecideAsync_QuorumAllWithAGroup_EachEntryNeedsADistinctPerson()
    {
        // U1 is listed by name and is in the group: one person satisfies one entry, so the group still needs U2.
        var runId = await _bench.StartAsync("all", Config.Of("\"approvers\": [\"slack:U1\", \"slack-group:S0DEPLOY\"], \"quorum\": \"all\""));

        var first = await _bench.DecideAsync(runId, "slack:U1", approve: true);
        var outsider = await _bench.DecideAsync(runId, "slack:U7", approve: true);
        var second = await _bench.DecideAsync(runId, "slack:U2", approve: true);
        await _bench.EndedAsync(runId);

        Assert.Equal(ApprovalOutcome.Counted, first.Outcome);
        Assert.Equal(["slack-group:S0DEPLOY"], first.State!.Pending);
        Assert.Equal(ApprovalOutcome.NotAllowed, outsider.Outcome);
        Assert.Equal(ApprovalOutcome.Accepted, second.Outcome);
    }

    [Fact]
    public async Task DecideAsync_OneRejectionByDefault_RejectsDespiteAQuorumOfTwo()
    {
        var runId = await _bench.StartAsync("veto", Config.Of("\"approvers\": [\"slack:U1\", \"slack:U2\"], \"quorum\": 2"));

        var rejected = await _bench.DecideAsync(runId, "slack:U2", approve: false, comment: "tests are red");
        var run = await _bench.EndedAsync(runId);

        Assert.Equal(ApprovalOutcome.Accepted, rejected.Outcome);
        Assert.Equal("rejected", ApprovalBench.Output(run, "ok").GetProperty("decision").GetString());
        Assert.Contains(run.Nodes, n => n.NodeId == "no");
    }

    [Fact]
    public async Task DecideAsync_RejectQuorumTwo_OneRejectionIsCountedTheSecondRejects()
    {
        var runId = await _bench.StartAsync("reject2", Config.Of("\"approvers\": [\"slack:U1\", \"slack:U2\", \"slack:U3\"], \"quorum\": \"all\", \"rejectQuorum\": 2"));

        var first = await _bench.DecideAsync(runId, "slack:U1", approve: false);
        var second = await _bench.DecideAsync(runId, "slack:U2", approve: false);
        var run = await _bench.EndedAsync(runId);

        Assert.Equal(ApprovalOutcome.Counted, first.Outcome);
        Assert.StartsWith("Rejected by slack:U1 (1 of 2 rejections needed to reject)", first.Message, StringComparison.Ordinal);
        Assert.Equal(ApprovalOutcome.Accepted, second.Outcome);
        Assert.Contains(run.Nodes, n => n.NodeId == "no");
    }

    [Fact]
    public async Task DecideAsync_RequireCommentOnReject_RefusesABareRejectionAndTakesOneWithAComment()
    {
        var runId = await _bench.StartAsync("why", Config.Of("\"approvers\": [\"slack:U1\"], \"requireComment\": \"reject\""));

        var bare = await _bench.DecideAsync(runId, "slack:U1", approve: false, comment: "  ");
        var explained = await _bench.DecideAsync(runId, "slack:U1", approve: false, comment: "wrong branch");
        var run = await _bench.EndedAsync(runId);

        Assert.Equal(ApprovalOutcome.CommentRequired, bare.Outcome);
        Assert.Contains("needs a comment with a rejection", bare.Message, StringComparison.Ordinal);
        Assert.Equal(ApprovalOutcome.Accepted, explained.Outcome);
        Assert.Equal("wrong branch", ApprovalBench.Output(run, "ok").GetProperty("comment").GetString());
    }

    [Fact]
    public async Task DecideAsync_RequireCommentAlways_RefusesABareApproval()
    {
        var runId = await _bench.StartAsync("always", Config.Of("\"approvers\": [\"slack:U1\"], \"requireComment\": \"always\""));

        var bare = await _bench.DecideAsync(runId, "slack:U1", approve: true);

        Assert.Equal(ApprovalOutcome.CommentRequired, bare.Outcome);
        Assert.Contains("needs a comment with every decision", bare.Message, StringComparison.Ordinal);
        Assert.Empty(await _bench.Log.ListAsync(runId, "ok"));
    }

    [Fact]
    public async Task DelegateAsync_ApproverHandsOn_DelegateDecidesAndTheApproverNoLongerMay()
    {
        var runId = await _bench.StartAsync("hand", Config.Of("\"approvers\": [\"slack:U1\", \"slack:U2\"], \"quorum\": \"all\""));

        var self = await _bench.Approvals.DelegateAsync(runId, "ok", new Decider("slack:U1"), "slack:U1");
        var stranger = await _bench.Approvals.DelegateAsync(runId, "ok", new Decider("slack:U7"), "slack:U8");
        var handed = await _bench.Approvals.DelegateAsync(runId, "ok", new Decider("slack:U1"), "slack:U9");
        var former = await _bench.DecideAsync(runId, "slack:U1", approve: true);
        var delegated = await _bench.DecideAsync(runId, "slack:U9", approve: true);

        Assert.Equal(ApprovalOutcome.Invalid, self.Outcome);
        Assert.StartsWith("to: you cannot hand the approval to yourself", self.Message, StringComparison.Ordinal);
        Assert.Equal(ApprovalOutcome.NotAllowed, stranger.Outcome);
        Assert.Equal(ApprovalOutcome.Counted, handed.Outcome);
        Assert.Equal([new ApprovalDelegation("slack:U1", "slack:U9", "slack:U1", ApprovalBench.Nine)], handed.State!.Delegations);
        Assert.Equal(["slack:U2", "slack:U9"], handed.State.Approvers);
        var told = Assert.Single(_bench.Notices.Of(ApprovalEventKinds.Delegation));
        Assert.Equal(["slack:U9"], told.Recipients);
        Assert.Equal(ApprovalOutcome.NotAllowed, former.Outcome);
        Assert.Contains("You handed it to slack:U9", former.Message, StringComparison.Ordinal);
        Assert.Equal(ApprovalOutcome.Counted, delegated.Outcome);
        Assert.Equal(["slack:U2"], delegated.State!.Pending);
    }

    [Fact]
    public async Task ReassignAsync_OnlyAnAdmin_ReplacesTheApprovers()
    {
        var runId = await _bench.StartAsync("reassign", Config.Of("\"approvers\": [\"slack:U1\"], \"remind\": \"PT1H\""));

        var refused = await _bench.Approvals.ReassignAsync(runId, "ok", new Decider("slack:U1"), ["slack:U1", "slack:U7"]);
        var invalid = await _bench.Approvals.ReassignAsync(runId, "ok", new Decider("local"), ["slack:U7", "oncall"]);
        var reassigned = await _bench.Approvals.ReassignAsync(runId, "ok", new Decider("local"), ["slack:U7"]);
        var former = await _bench.DecideAsync(runId, "slack:U1", approve: true);
        var state = await _bench.Approvals.StateAsync(runId, "ok");

        Assert.Equal(ApprovalOutcome.NotAllowed, refused.Outcome);
        Assert.Contains("ChatFlows:Approvals:Admins", refused.Message, StringComparison.Ordinal);
        Assert.Equal(ApprovalOutcome.Invalid, invalid.Outcome);
        Assert.StartsWith("approvers/1: 'oncall' is not an approver", invalid.Message, StringComparison.Ordinal);
        Assert.Equal(ApprovalOutcome.Counted, reassigned.Outcome);
        Assert.Equal(ApprovalOutcome.NotAllowed, former.Outcome);
        Assert.Equal(["slack:U7"], state!.Approvers);
        Assert.Equal(ApprovalOutcome.Accepted, (await _bench.DecideAsync(runId, "slack:U7", approve: true)).Outcome);
    }

    [Fact]
    public async Task DecideAsync_TwoLastVotesAtOnce_ResumeTheRunOnce()
    {
        var runId = await _bench.StartAsync("race", Config.Of("\"approvers\": [\"slack:U1\", \"slack:U2\", \"slack:U3\"], \"quorum\": 2"));

        var decisions = await Task.WhenAll(
            Task.Run(() => _bench.DecideAsync(runId, "slack:U1", approve: true)),
            Task.Run(() => _bench.DecideAsync(runId, "slack:U2", approve: true)));
        var run = await _bench.EndedAsync(runId);

        Assert.Single(decisions, d => d.Outcome == ApprovalOutcome.Accepted);
        Assert.All(decisions, d => Assert.True(d.Accepted, d.Message));
        Assert.Equal(1, run.Nodes.Count(n => n.NodeId == "yes"));
        Assert.Equal(2, ApprovalBench.Output(run, "ok").GetProperty("votes").GetArrayLength());
    }

    [Fact]
    public async Task DecideAsync_EmailListMember_MayDecideByTheAddressTheirPlatformVouchesFor()
    {
        await using var bench = new ApprovalBench(new ApprovalOptions { EmailLists = new() { ["release"] = ["ana@corp.example"] } });
        var runId = await bench.StartAsync("list", Config.Of("\"approvers\": [\"email-list:release\"], \"quorum\": 1"));

        var other = await bench.Approvals.DecideAsync(runId, "ok", new Decider("slack:U5", "bob@corp.example"), approve: true);
        var ana = await bench.Approvals.DecideAsync(runId, "ok", new Decider("slack:U4", "ANA@corp.example"), approve: true);

        Assert.Equal(ApprovalOutcome.NotAllowed, other.Outcome);
        Assert.Equal(ApprovalOutcome.Accepted, ana.Outcome);
    }

    [Fact]
    public async Task DecideAsync_RequestWithoutPolicy_KeepsTodaysMessages()
    {
        var runId = await _bench.StartAsync("plain", Config.Of("\"approvers\": [\"slack:U1\"]"));
        var request = ApprovalRequest.From(ApprovalBench.Output(await _bench.RunAsync(runId), "ok"));

        var outsider = await _bench.DecideAsync(runId, "slack:U2", approve: true);
        var decided = await _bench.DecideAsync(runId, "slack:U1", approve: true);
        var late = await _bench.DecideAsync(runId, "slack:U1", approve: false);

        Assert.Null(request!.Policy);
        Assert.Equal("Only slack:U1 may decide this; nothing changed.", outsider.Message);
        Assert.Equal("Approved by slack:U1 at 2026-11-24 09:00 UTC.", decided.Message);
        Assert.StartsWith("Already approved by slack:U1", late.Message, StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Object, ApprovalBench.Output(await _bench.EndedAsync(runId), "ok").ValueKind);
    }
}
