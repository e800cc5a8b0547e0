using System.Diagnostics;
using System.Text.Json;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;
using ChatFlows.Core.Tests.Running;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace ChatFlows.Core.Tests.Telemetry;

/// <summary>README §Telemetry: the spans a run reports, seen through OpenTelemetry's in-memory exporter.</summary>
public sealed class RunTracingTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly ProbeNodes _probes = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));
    private readonly InMemoryRunStore _store = new();
    private readonly SpanList _spans = new();
    private readonly TracerProvider _tracer;

    public RunTracingTests()
    {
        _tracer = Sdk.CreateTracerProviderBuilder().AddSource("ChatFlows").AddInMemoryExporter(_spans).Build();
    }

    public void Dispose() => _tracer.Dispose();

    private WorkflowEngine Engine() => new(_probes.Registry, _store, _time);

    [Fact]
    public async Task StartAsync_Traced_OneRootSpanWithTheRunsAttributesAndAChildPerNode()
    {
        var engine = Engine();

        var run = await engine.StartAsync(engine.Compile(Workflows.Build(["a", "b"], ["start->a", "a->b"])), new RunRequest { StartedBy = "ada" });

        var root = Assert.Single(_spans.RunSpans(run.Id));
        Assert.Equal(ActivityKind.Internal, root.Kind);
        Assert.Equal(ActivityStatusCode.Unset, root.Status);
        Assert.Equal(
            ["test", 1, "default", "manual", "start", "ada", false, "succeeded"],
            [
                root.GetTagItem("chatflows.workflow.id"), root.GetTagItem("chatflows.workflow.version"), root.GetTagItem("chatflows.workspace"),
                root.GetTagItem("chatflows.trigger.kind"), root.GetTagItem("chatflows.trigger.node"), root.GetTagItem("chatflows.run.started_by"),
                root.GetTagItem("chatflows.run.resumed"), root.GetTagItem("chatflows.run.status"),
            ]);
        var nodes = _spans.ChildrenOf(root);
        Assert.Equal(["execute_node start", "execute_node a", "execute_node b"], nodes.Select(n => n.DisplayName));
        Assert.All(nodes, n => Assert.Equal(("succeeded", 1), (n.GetTagItem("chatflows.node.status"), n.GetTagItem("chatflows.node.attempt"))));
        Assert.Equal(["trigger/manual", "tool/probe", "tool/probe"], nodes.Select(n => n.GetTagItem("chatflows.node.kind")));
        Assert.All(nodes, n => Assert.True(n.StartTimeUtc >= root.StartTimeUtc && n.StartTimeUtc + n.Duration <= root.StartTimeUtc + root.Duration));
        Assert.Equal(root.Id, run.TraceParent);
    }

    [Fact]
    public async Task StartAsync_NodeHandler_RunsUnderItsNodeSpan()
    {
        // What the handler calls (an HTTP request, a model, a sub-workflow) takes its parent from Activity.Current.
        string? seenBefore = null;
        string? seenAfterAwait = null;
        _probes.On("call", async (_, _) =>
        {
            seenBefore = Activity.Current?.DisplayName;
            await Task.Yield();
            seenAfterAwait = Activity.Current?.DisplayName;
            return NodeResult.Success();
        });
        var engine = Engine();

        var run = await engine.StartAsync(engine.Compile(Workflows.Build(["call"], ["start->call"])), new RunRequest());

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(("execute_node call", "execute_node call"), (seenBefore, seenAfterAwait));
    }

    [Fact]
    public async Task StartAsync_NodeRetried_OneSpanPerAttemptAndTheFailedOneIsAnError()
    {
        _probes.On("flaky", context => context.Attempt < 2 ? throw new NodeException($"attempt {context.Attempt} failed") : NodeResult.Success());
        var document = Workflows.Build(["flaky"], ["start->flaky"],
            extra => extra["flaky"] = """ "retry": {"maxAttempts": 2, "initialDelay": "PT1S", "jitter": 0} """);
        var engine = Engine();
        using var events = engine.Events.Subscribe();

        var running = engine.StartAsync(engine.Compile(document), new RunRequest());
        await NextAsync(events, RunEventTypes.NodeFailed);
        _time.Advance(TimeSpan.FromSeconds(1));
        var run = await running.WaitAsync(Patience);

        var root = Assert.Single(_spans.RunSpans(run.Id));
        var attempts = _spans.ChildrenOf(root).Where(s => s.DisplayName == "execute_node flaky").ToArray();
        Assert.Equal([1, 2], attempts.Select(a => a.GetTagItem("chatflows.node.attempt")));
        Assert.Equal(["retrying", "succeeded"], attempts.Select(a => a.GetTagItem("chatflows.node.status")));
        Assert.Equal((ActivityStatusCode.Error, "attempt 1 failed"), (attempts[0].Status, attempts[0].StatusDescription));
        var exception = Assert.Single(attempts[0].Events);
        Assert.Equal(("exception", "attempt 1 failed"), (exception.Name, exception.Tags.Single(t => t.Key == "exception.message").Value));
        Assert.Equal(ActivityStatusCode.Unset, attempts[1].Status);
        Assert.Equal(ActivityStatusCode.Unset, root.Status);
    }

    [Fact]
    public async Task StartAsync_NodeFails_RootSpanIsAnErrorWithTheRunError()
    {
        _probes.On("broken", _ => throw new NodeException("The API said no."));
        var engine = Engine();

        var run = await engine.StartAsync(engine.Compile(Workflows.Build(["broken", "after"], ["start->broken", "broken->after"])), new RunRequest());

        var root = Assert.Single(_spans.RunSpans(run.Id));
        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal((ActivityStatusCode.Error, "The API said no."), (root.Status, root.StatusDescription));
        Assert.Equal(("failed", "broken"), (root.GetTagItem("chatflows.run.status"), root.GetTagItem("chatflows.run.failed_node")));
        var broken = _spans.ChildrenOf(root).Single(s => s.DisplayName == "execute_node broken");
        Assert.Equal(("failed", ActivityStatusCode.Error), (broken.GetTagItem("chatflows.node.status"), broken.Status));
        Assert.DoesNotContain(_spans.ChildrenOf(root), s => s.DisplayName == "execute_node after");
    }

    [Fact]
    public async Task ResumeAsync_ParkedRun_EndsItsSpanAsWaitingAndTheResumedSegmentIsInTheSameTrace()
    {
        _probes.On("ask", context => context.IsResumed ? NodeResult.Success() : NodeResult.Wait("approval"));
        var engine = Engine();

        var parked = await engine.StartAsync(engine.Compile(Workflows.Build(["ask", "ship"], ["start->ask", "ask->ship"])), new RunRequest());
        var spansWhileWaiting = _spans.RunSpans(parked.Id);
        var resumed = await engine.ResumeAsync(parked, new Resumption("approval"));

        Assert.Equal(RunStatus.Succeeded, resumed.Status);
        var first = Assert.Single(spansWhileWaiting);
        Assert.Equal("waiting", first.GetTagItem("chatflows.run.status"));
        Assert.Equal("waiting", _spans.ChildrenOf(first).Single(s => s.DisplayName == "execute_node ask").GetTagItem("chatflows.node.status"));
        var segments = _spans.RunSpans(parked.Id);
        Assert.Equal(2, segments.Count);
        var second = segments[1];
        Assert.Equal(first.TraceId, second.TraceId);
        Assert.Equal(first.SpanId, second.ParentSpanId);
        Assert.Equal((true, "succeeded"), (second.GetTagItem("chatflows.run.resumed"), second.GetTagItem("chatflows.run.status")));
        Assert.Equal(["execute_node ask", "execute_node ship"], _spans.ChildrenOf(second).Select(s => s.DisplayName));
    }

    [Fact]
    public async Task StartAsync_RunStartedInsideASpan_ContinuesThatTrace()
    {
        var engine = Engine();
        var plan = engine.Compile(Workflows.Build(["a"], ["start->a"]));
        RunState run;
        ActivityContext caller;
        // As a webhook request's span is current while its handler queues the run.
        using (var request = new Activity("POST /hooks/test") { ActivityTraceFlags = ActivityTraceFlags.Recorded }.SetIdFormat(ActivityIdFormat.W3C).Start())
        {
            caller = request.Context;
            run = new RunState(plan, new RunRequest(), WorkflowEngine.NewRunId());
        }

        await engine.ContinueAsync(run);

        var root = Assert.Single(_spans.RunSpans(run.Id));
        Assert.Equal((caller.TraceId, caller.SpanId), (root.TraceId, root.ParentSpanId));
        Assert.StartsWith($"00-{caller.TraceId}-{caller.SpanId}-", run.TraceParent, StringComparison.Ordinal);
    }

    private static async Task<RunEvent> NextAsync(RunEventSubscription subscription, string type)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (true)
        {
            var next = await subscription.Reader.ReadAsync(timeout.Token);
            if (next.Type == type) return next;
        }
    }
}
