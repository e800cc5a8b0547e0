using System.Text.Json;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;
using Microsoft.Extensions.Time.Testing;

namespace ChatFlows.Core.Tests.Running;

public sealed partial class GraphRunnerTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly ProbeNodes _probes = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));
    private readonly InMemoryRunStore _store = new();

    private WorkflowEngine Engine(Random? random = null) => new(_probes.Registry, _store, _time, random: random);

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    [Fact]
    public async Task StartAsync_JoinAfterIfElse_RunsJoinOnceAndSkipsTheOtherArm()
    {
        var document = Workflows.Build(
            ["check:condition:trigger.go === true", "yes", "no", "join"],
            ["start->check", "check.true->yes", "check.false->no", "yes->join", "no->join"]);
        var engine = Engine();

        var run = await engine.StartAsync(engine.Compile(document), new RunRequest { Trigger = Json("""{"go": true}""") });

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(NodeStatus.Succeeded, run.Node("yes").Status);
        Assert.Equal(NodeStatus.Skipped, run.Node("no").Status);
        Assert.Equal(NodeStatus.Succeeded, run.Node("join").Status);
        Assert.Equal(1, _probes.Calls("join"));
        Assert.Equal(0, _probes.Calls("no"));
    }

    [Fact]
    public async Task StartAsync_FalseBranchOfCondition_SkipsTrueArmAndStillJoins()
    {
        var document = Workflows.Build(
            ["check:condition:trigger.go === true", "yes", "no", "join"],
            ["start->check", "check.true->yes", "check.false->no", "yes->join", "no->join"]);
        var engine = Engine();

        var run = await engine.StartAsync(engine.Compile(document), new RunRequest { Trigger = Json("""{"go": false}""") });

        Assert.Equal(NodeStatus.Skipped, run.Node("yes").Status);
        Assert.Equal(NodeStatus.Succeeded, run.Node("no").Status);
        Assert.Equal(1, _probes.Calls("join"));
        Assert.Equal(JsonValueKind.False, run.Node("check").Output!.Value.ValueKind);
    }

    [Fact]
    public async Task StartAsync_SkippedBranchChain_PropagatesSkipToTheEnd()
    {
        var document = Workflows.Build(
            ["check:condition:false", "a", "b", "c", "other"],
            ["start->check", "check.true->a", "a->b", "b->c", "check.false->other"]);
        var engine = Engine();

        var run = await engine.StartAsync(engine.Compile(document), new RunRequest());

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.All(["a", "b", "c"], id => Assert.Equal(NodeStatus.Skipped, run.Node(id).Status));
        Assert.Equal(NodeStatus.Succeeded, run.Node("other").Status);
    }

    [Fact]
    public async Task StartAsync_ParallelBranches_RunAtTheSameTime()
    {
        // Each branch waits until the other has started: run one after the other, they would never finish.
        var leftStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var rightStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _probes
            .On("left", async (_, ct) =>
            {
                leftStarted.SetResult();
                await rightStarted.Task.WaitAsync(Patience, ct);
                return NodeResult.Success();
            })
            .On("right", async (_, ct) =>
            {
                rightStarted.SetResult();
                await leftStarted.Task.WaitAsync(Patience, ct);
                return NodeResult.Success();
            });
        var document = Workflows.Build(["left", "right", "join"], ["start->left", "start->right", "left->join", "right->join"]);
        var engine = new WorkflowEngine(_probes.Registry, _store, TimeProvider.System);

        var run = await engine.StartAsync(engine.Compile(document), new RunRequest()).WaitAsync(Patience * 2);

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(1, _probes.Calls("join"));
    }

    [Fact]
    public async Task StartAsync_FailingNodeWithRetry_RetriesWithExponentialBackoff()
    {
        _probes.On("flaky", context => context.Attempt < 3 ? throw new NodeException($"attempt {context.Attempt} failed") : NodeResult.Success());
        var document = Workflows.Build(["flaky"], ["start->flaky"],
            extra => extra["flaky"] = """ "retry": {"maxAttempts": 3, "initialDelay": "PT1S", "backoffFactor": 2, "jitter": 0} """);
        var engine = Engine();
        using var events = engine.Events.Subscribe();

        var running = engine.StartAsync(engine.Compile(document), new RunRequest());
        var first = await NextAsync(events, RunEventTypes.NodeFailed);
        _time.Advance(TimeSpan.FromMilliseconds(999));
        var callsBeforeDelay = _probes.Calls("flaky");
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var second = await NextAsync(events, RunEventTypes.NodeFailed);
        _time.Advance(TimeSpan.FromSeconds(2));
        var run = await running.WaitAsync(Patience);

        Assert.Equal(1, callsBeforeDelay);
        Assert.Equal((1, true, 1000.0), (first.Attempt, first.WillRetry, first.RetryInMs));
        Assert.Equal((2, true, 2000.0), (second.Attempt, second.WillRetry, second.RetryInMs));
        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(3, run.Node("flaky").Attempts);
    }

    [Fact]
    public async Task StartAsync_RetryWithJitter_SpreadsDelaysAroundTheBackoff()
    {
        _probes.On("flaky", _ => throw new NodeException("down"));
        var document = Workflows.Build(["flaky"], ["start->flaky"],
            extra => extra["flaky"] = """ "retry": {"maxAttempts": 6, "initialDelay": "PT1S", "backoffFactor": 1, "jitter": 0.5} """);
        var engine = Engine(new Random(7));
        using var events = engine.Events.Subscribe();

        var running = engine.StartAsync(engine.Compile(document), new RunRequest());
        var delays = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            delays.Add((await NextAsync(events, RunEventTypes.NodeFailed)).RetryInMs!.Value);
            _time.Advance(TimeSpan.FromSeconds(2));
        }
        var run = await running.WaitAsync(Patience);

        Assert.All(delays, d => Assert.InRange(d, 500, 1500));
        Assert.True(delays.Distinct().Count() > 1, "jitter should vary the delays");
        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal(6, run.Node("flaky").Attempts);
    }

    [Fact]
    public async Task StartAsync_NodeExceedsTimeout_IsCancelledAndFailsTheRun()
    {
        var handlerSawCancellation = new TaskCompletionSource();
        _probes.On("slow", async (_, ct) =>
        {
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, ct);
            }
            catch (OperationCanceledException)
            {
                handlerSawCancellation.TrySetResult();
                throw;
            }
            return NodeResult.Success();
        });
        var document = Workflows.Build(["slow", "after"], ["start->slow", "slow->after"], extra => extra["slow"] = """ "timeout": "PT5S" """);
        var engine = Engine();

        var running = engine.StartAsync(engine.Compile(document), new RunRequest());
        _time.Advance(TimeSpan.FromSeconds(5));
        var run = await running.WaitAsync(Patience);

        // The run does not wait for the handler to notice; the handler is told all the same.
        await handlerSawCancellation.Task.WaitAsync(Patience);
        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal(new RunError("slow", "Timed out after 5 s."), run.Error);
        Assert.Equal(NodeStatus.Pending, run.Node("after").Status);
    }

    [Fact]
    public async Task StartAsync_OnErrorRoute_FollowsTheErrorPortWithTheError()
    {
        _probes.On("fetch", _ => throw new NodeException("service unavailable"));
        var document = Workflows.Build(["fetch", "use", "fallback"], ["start->fetch", "fetch->use", "fetch.error->fallback"],
            extra => extra["fetch"] = """ "onError": "route" """);
        var engine = Engine();

        var run = await engine.StartAsync(engine.Compile(document), new RunRequest());

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(NodeStatus.Failed, run.Node("fetch").Status);
        Assert.Equal(NodeStatus.Skipped, run.Node("use").Status);
        Assert.Equal(NodeStatus.Succeeded, run.Node("fallback").Status);
        Assert.True(run.TryGetData("fetch", out var error));
        Assert.Equal("service unavailable", error.GetProperty("error").GetString());
    }

    [Fact]
    public async Task StartAsync_OnErrorContinue_GoesOnAlongTheDefaultPort()
    {
        _probes.On("optional", _ => throw new NodeException("not found"));
        var document = Workflows.Build(["optional", "next"], ["start->optional", "optional->next"], extra => extra["optional"] = """ "onError": "continue" """);
        var engine = Engine();

        var run = await engine.StartAsync(engine.Compile(document), new RunRequest());

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(NodeStatus.Failed, run.Node("optional").Status);
        Assert.Equal("not found", run.Node("optional").Error);
        Assert.Equal(NodeStatus.Succeeded, run.Node("next").Status);
    }

    [Fact]
    public async Task StartAsync_OnErrorFail_FailsTheRunNamingTheNode()
    {
        _probes.On("broken", _ => throw new InvalidOperationException("disk full"));
        var document = Workflows.Build(["broken", "next"], ["start->broken", "broken->next"]);
        var engine = Engine();

        var run = await engine.StartAsync(engine.Compile(document), new RunRequest());

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal("broken", run.Error!.NodeId);
        Assert.Contains("disk full", run.Error.Message, StringComparison.Ordinal);
        Assert.Equal(NodeStatus.Pending, run.Node("next").Status);
        Assert.NotNull(run.FinishedAt);
    }

    [Fact]
    public async Task StartAsync_FailureInOneBranch_StopsTheOtherBranch()
    {
        var otherBranchCancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _probes
            .On("slow", async (_, ct) =>
            {
                try
                {
                    await Task.Delay(Timeout.InfiniteTimeSpan, ct);
                }
                catch (OperationCanceledException)
                {
                    otherBranchCancelled.SetResult();
                    throw;
                }
                return NodeResult.Success();
            })
            .On("bad", _ => throw new NodeException("bad input"));
        var document = Workflows.Build(["slow", "bad"], ["start->slow", "start->bad"]);
        var engine = Engine();

        var run = await engine.StartAsync(engine.Compile(document), new RunRequest()).WaitAsync(Patience);
        await otherBranchCancelled.Task.WaitAsync(Patience);

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal(NodeStatus.Failed, run.Node("slow").Status);
        Assert.Contains("run failed at 'bad'", run.Node("slow").Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_Cancelled_StopsRunningNodeAndNeverStartsPendingOnes()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _probes.On("busy", async (_, ct) =>
        {
            started.SetResult();
            await Task.Delay(Timeout.InfiniteTimeSpan, ct);
            return NodeResult.Success();
        });
        var document = Workflows.Build(["busy", "later"], ["start->busy", "busy->later"]);
        var engine = Engine();
        using var cancel = new CancellationTokenSource();

        var running = engine.StartAsync(engine.Compile(document), new RunRequest(), cancel.Token);
        await started.Task.WaitAsync(Patience);
        await cancel.CancelAsync();
        var run = await running.WaitAsync(Patience);

        Assert.Equal(RunStatus.Cancelled, run.Status);
        Assert.Equal(NodeStatus.Failed, run.Node("busy").Status);
        Assert.Equal("Cancelled while running.", run.Node("busy").Error);
        Assert.Equal(NodeStatus.Pending, run.Node("later").Status);
        Assert.Equal(0, _probes.Calls("later"));
    }

    [Fact]
    public async Task ResumeAsync_NodeWaitingOnBookmark_ContinuesWithTheGivenValue()
    {
        JsonElement? seen = null;
        _probes.On("ask", context =>
        {
            if (!context.IsResumed) return NodeResult.Wait("approval", Json("""{"prompt": "Ship it?"}"""));
            seen = context.ResumeValue;
            return NodeResult.Success(context.ResumeValue);
        });
        var document = Workflows.Build(["ask", "ship"], ["start->ask", "ask->ship"]);
        var engine = Engine();
        using var events = engine.Events.Subscribe();

        var waiting = await engine.StartAsync(engine.Compile(document), new RunRequest());
        var parked = await NextAsync(events, RunEventTypes.RunWaiting);
        var resumed = await engine.ResumeAsync(_store.Find(waiting.Id)!, new Resumption("approval", Json("""{"decision": "approved"}""")));

        Assert.Equal(("ask", "approval"), (parked.NodeId, parked.Bookmark));
        Assert.Equal(RunStatus.Succeeded, resumed.Status);
        Assert.Equal("approved", seen!.Value.GetProperty("decision").GetString());
        Assert.Equal(1, _probes.Calls("ship"));
        await Assert.ThrowsAsync<BookmarkNotFoundException>(() => engine.ResumeAsync(resumed, new Resumption("approval")));
    }

    [Fact]
    public async Task StartAsync_OneBranchWaits_OtherBranchesFinishBeforeTheRunParks()
    {
        _probes.On("ask", context => context.IsResumed ? NodeResult.Success() : NodeResult.Wait("approval"));
        var document = Workflows.Build(["ask", "side", "join"], ["start->ask", "start->side", "ask->join", "side->join"]);
        var engine = Engine();

        var run = await engine.StartAsync(engine.Compile(document), new RunRequest());

        Assert.Equal(RunStatus.Waiting, run.Status);
        Assert.Equal(NodeStatus.Succeeded, run.Node("side").Status);
        Assert.Equal(NodeStatus.Pending, run.Node("join").Status);
        run = await engine.ResumeAsync(run, new Resumption("approval"));
        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(1, _probes.Calls("join"));
    }

    [Fact]
    public async Task RunToEndAsync_LongDelay_WaitsOnTheClockInsteadOfAThread()
    {
        var document = Workflows.Build(["pause:delay:PT1H", "after"], ["start->pause", "pause->after"]);
        var engine = Engine();
        using var events = engine.Events.Subscribe();

        var running = engine.RunToEndAsync(engine.Compile(document), new RunRequest());
        var parked = await NextAsync(events, RunEventTypes.RunWaiting);
        var parkedRun = _store.Find(parked.RunId)!;
        var statusWhileWaiting = parkedRun.Status;
        _time.Advance(TimeSpan.FromHours(1));
        var run = await running.WaitAsync(Patience);

        Assert.Equal(RunStatus.Waiting, statusWhileWaiting);
        Assert.Equal(_time.Start + TimeSpan.FromHours(1), parked.WakeAt);
        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(1, _probes.Calls("after"));
    }

    [Fact]
    public async Task StartAsync_ShortDelay_IsAwaitedInPlace()
    {
        var document = Workflows.Build(["pause:delay:PT2S", "after"], ["start->pause", "pause->after"]);
        var engine = Engine();

        var running = engine.StartAsync(engine.Compile(document), new RunRequest());
        var doneBeforeDelay = running.IsCompleted;
        _time.Advance(TimeSpan.FromSeconds(2));
        var run = await running.WaitAsync(Patience);

        Assert.False(doneBeforeDelay);
        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(TimeSpan.FromSeconds(2), run.Node("pause").Duration);
    }

    [Fact]
    public async Task ContinueAsync_RunInterruptedMidway_DoesNotRepeatFinishedNodes()
    {
        var document = Workflows.Build(["a", "b", "c"], ["start->a", "a->b", "b->c"]);
        var engine = Engine();
        var plan = engine.Compile(document);
        // The journal of a process that died while 'b' was running.
        var run = new RunState(plan, new RunRequest(), "r1") { Status = RunStatus.Running, StartedAt = _time.GetUtcNow() };
        run.Node("start").Status = NodeStatus.Succeeded;
        run.Node("a").Status = NodeStatus.Succeeded;
        run.Node("a").Output = Json("\"from a\"");
        run.RestoreData("a", Json("\"from a\""));
        run.Node("b").Status = NodeStatus.Running;
        run.Node("b").Attempts = 1;

        run = await engine.ContinueAsync(run);

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(0, _probes.Calls("a"));
        Assert.Equal(1, _probes.Calls("b"));
        Assert.Equal(2, run.Node("b").Attempts);
        Assert.Equal(1, _probes.Calls("c"));
        Assert.True(run.TryGetData("a", out var a) && a.GetString() == "from a");
    }

    [Fact]
    public async Task StartAsync_NamedTrigger_FiresItAndRulesOutTheOthers()
    {
        var document = Workflows.Build(
            ["""{"id": "cmd", "type": "trigger", "config": {"kind": "command", "command": "go"}}""", "viaCmd", "viaStart"],
            ["cmd->viaCmd", "start->viaStart"]);
        var engine = Engine();

        var run = await engine.StartAsync(engine.Compile(document), new RunRequest { TriggerNodeId = "cmd", Trigger = Json("""{"args": {"x": "1"}}""") });

        Assert.Equal(NodeStatus.Skipped, run.Node("start").Status);
        Assert.Equal(NodeStatus.Skipped, run.Node("viaStart").Status);
        Assert.Equal(NodeStatus.Succeeded, run.Node("viaCmd").Status);
        Assert.Equal("1", run.Node("cmd").Output!.Value.GetProperty("args").GetProperty("x").GetString());
    }

    [Fact]
    public async Task StartAsync_EndNode_EndsTheRunWithItsValueAndStopsOtherBranches()
    {
        var document = Workflows.Build(
            ["""{"id": "done", "type": "output", "config": {"kind": "end", "value": {"total": "{{ trigger.n | times: 2 }}"}}}""", "wait:delay:PT1H", "never"],
            ["start->done", "start->wait", "wait->never"]);
        var engine = Engine();

        var run = await engine.StartAsync(engine.Compile(document), new RunRequest { Trigger = Json("""{"n": 21}""") });

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal("42", run.Result!.Value.GetProperty("total").GetRawText());
        Assert.Equal(NodeStatus.Skipped, run.Node("never").Status);
    }

    [Fact]
    public async Task StartAsync_Respond_SetsTheResultAndTheRunGoesOn()
    {
        var document = Workflows.Build(
            ["""{"id": "reply", "type": "output", "config": {"kind": "respond", "status": 201, "body": {"id": "{{ trigger.id }}"}}}""", "after"],
            ["start->reply", "reply->after"]);
        var engine = Engine();

        var run = await engine.StartAsync(engine.Compile(document), new RunRequest { Trigger = Json("""{"id": "o-7"}""") });

        Assert.Equal(201, run.Result!.Value.GetProperty("status").GetInt32());
        Assert.Equal("o-7", run.Result.Value.GetProperty("body").GetProperty("id").GetString());
        Assert.Equal(1, _probes.Calls("after"));
    }

    [Fact]
    public async Task Events_TwoObservers_EachSeeTheWholeRunInOrder()
    {
        var document = Workflows.Build(["a", "b"], ["start->a", "a->b"]);
        var engine = Engine();
        using var first = engine.Events.Subscribe();
        using var second = engine.Events.Subscribe();
        using var ignored = engine.Events.Subscribe("some-other-run");

        var run = await engine.StartAsync(engine.Compile(document), new RunRequest());
        var expected = new[]
        {
            "run.started", "node.started start", "node.finished start", "node.started a", "node.finished a",
            "node.started b", "node.finished b", "run.finished",
        };

        Assert.Equal(expected, Drain(first));
        Assert.Equal(expected, Drain(second));
        Assert.Empty(Drain(ignored));
        Assert.Equal(RunStatus.Succeeded, run.Status);
    }

    [Fact]
    public async Task Events_NodeFinished_CarriesAttemptDurationAndOutput()
    {
        _probes.On("work", async (context, ct) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(3), context.Time, ct);
            return NodeResult.Success(Json("""{"ok": true}"""));
        });
        var document = Workflows.Build(["work"], ["start->work"]);
        var engine = Engine();
        using var events = engine.Events.Subscribe();

        var running = engine.StartAsync(engine.Compile(document), new RunRequest());
        _time.Advance(TimeSpan.FromSeconds(3));
        await running.WaitAsync(Patience);
        var finished = await NextAsync(events, RunEventTypes.NodeFinished, e => e.NodeId == "work");
        var runFinished = await NextAsync(events, RunEventTypes.RunFinished);

        Assert.Equal((1, 3000.0, "tool/probe"), (finished.Attempt, finished.DurationMs, finished.NodeKind));
        Assert.True(finished.Output!.Value.GetProperty("ok").GetBoolean());
        Assert.Equal("succeeded", runFinished.Status);
        Assert.Equal(3000.0, runFinished.DurationMs);
    }

    private static List<string> Drain(RunEventSubscription subscription)
    {
        var seen = new List<string>();
        while (subscription.Reader.TryRead(out var e)) seen.Add(e.NodeId is null ? e.Type : $"{e.Type} {e.NodeId}");
        return seen;
    }

    private static async Task<RunEvent> NextAsync(RunEventSubscription subscription, string type, Func<RunEvent, bool>? match = null)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (true)
        {
            var next = await subscription.Reader.ReadAsync(timeout.Token);
            if (next.Type == type && (match is null || match(next))) return next;
        }
    }
}
