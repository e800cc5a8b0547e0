using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;

namespace ChatFlows.Core.Tests.Running;

// Join shapes people build by hand: every node runs at most once however its incoming edges are drawn.
public sealed partial class GraphRunnerTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task StartAsync_BothConditionPortsToOneNode_RunsItOnce(bool go)
    {
        var document = Workflows.Build(
            ["check:condition:trigger.go === true", "post"],
            ["start->check", "check.true->post", "check.false->post"]);
        var engine = Engine();

        var run = await engine.StartAsync(engine.Compile(document), new RunRequest { Trigger = Json($$"""{"go": {{(go ? "true" : "false")}}}""") });

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(1, _probes.Calls("post"));
        Assert.Equal(1, run.Node("post").Attempts);
    }

    [Fact]
    public async Task StartAsync_RoutedErrorAndTheBranchItSkipped_MeetAtOneNodeThatRunsOnce()
    {
        // "Alert if the call fails or the check says bad": the alert is reached by the error edge and by the check's
        // branch, which the error rules out.
        _probes.On("call", _ => throw new NodeException("down"));
        var document = Workflows.Build(
            ["call", "check:condition:data.call === 'bad'", "alert"],
            ["start->call", "call->check", "check.true->alert", "call.error->alert"],
            extra => extra["call"] = """ "onError": "route" """);
        var engine = Engine();

        var run = await engine.StartAsync(engine.Compile(document), new RunRequest());

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(NodeStatus.Skipped, run.Node("check").Status);
        Assert.Equal(NodeStatus.Succeeded, run.Node("alert").Status);
        Assert.Equal(1, _probes.Calls("alert"));
    }

    [Fact]
    public async Task ContinueAsync_CrashBeforeTheTriggerStarted_RunsTheWholeWorkflow()
    {
        // The journal of a process that died right after marking the run running.
        var document = Workflows.Build(["a"], ["start->a"]);
        var engine = Engine();
        var run = new RunState(engine.Compile(document), new RunRequest(), "r1") { Status = RunStatus.Running, StartedAt = _time.GetUtcNow() };

        run = await engine.ContinueAsync(run);

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(NodeStatus.Succeeded, run.Node("start").Status);
        Assert.Equal(1, _probes.Calls("a"));
    }

    [Fact]
    public async Task ContinueAsync_CrashAfterTheFailingNodeWasJournaled_TheRunStillFailsThere()
    {
        var document = Workflows.Build(["call", "next"], ["start->call", "call->next"]);
        var engine = Engine();
        // The journal of a process that died after recording the failure of 'call', before the run's end.
        var run = new RunState(engine.Compile(document), new RunRequest(), "r1") { Status = RunStatus.Running, StartedAt = _time.GetUtcNow() };
        run.Node("start").Status = NodeStatus.Succeeded;
        run.Node("call").Status = NodeStatus.Failed;
        run.Node("call").Attempts = 1;
        run.Node("call").Error = "down";

        run = await engine.ContinueAsync(run);

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal(new RunError("call", "down"), run.Error);
        Assert.Equal(0, _probes.Calls("next"));
        Assert.Equal(NodeStatus.Pending, run.Node("next").Status);
    }

    [Fact]
    public async Task ContinueAsync_CrashAfterAnEndNodeWasJournaled_TheRunEndsSucceededWithoutRunningTheRest()
    {
        var document = Workflows.Build(
            ["""{"id": "stop", "type": "output", "config": {"kind": "end", "value": "done"}}""", "later"],
            ["start->stop", "start->later"]);
        var engine = Engine();
        var run = new RunState(engine.Compile(document), new RunRequest(), "r1") { Status = RunStatus.Running, StartedAt = _time.GetUtcNow() };
        run.Node("start").Status = NodeStatus.Succeeded;
        run.Node("stop").Status = NodeStatus.Succeeded;

        run = await engine.ContinueAsync(run);

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(0, _probes.Calls("later"));
        Assert.Equal(NodeStatus.Skipped, run.Node("later").Status);
    }

    [Fact]
    public async Task ContinueAsync_CrashAfterAnApprovalExpiredWithNothingOnItsExpiredPort_TheRunExpires()
    {
        var document = Workflows.Build(
            ["""{"id": "ok", "type": "approval", "config": {"prompt": "Go?", "approvers": ["anyone"], "timeout": "PT1H"}}""", "after"],
            ["start->ok", "ok.approved->after"]);
        var engine = Engine();
        var run = new RunState(engine.Compile(document), new RunRequest(), "r1") { Status = RunStatus.Running, StartedAt = _time.GetUtcNow() };
        run.Node("start").Status = NodeStatus.Succeeded;
        run.Node("ok").Status = NodeStatus.Succeeded;
        run.Node("ok").Port = NodeResult.ExpiredPort;

        run = await engine.ContinueAsync(run);

        Assert.Equal(RunStatus.Expired, run.Status);
        Assert.Equal(0, _probes.Calls("after"));
    }
}
