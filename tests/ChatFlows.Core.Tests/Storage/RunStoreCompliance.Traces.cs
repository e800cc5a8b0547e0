using System.Diagnostics;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;
using ChatFlows.Core.Tests.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace ChatFlows.Core.Tests.Storage;

public abstract partial class RunStoreCompliance
{
    [Fact]
    public async Task Enqueue_RunWithATraceParent_IsRestoredWithIt()
    {
        const string TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        var plan = Plan(["a"], ["start->a"]);
        var run = new RunState(plan, new RunRequest { TraceParent = TraceParent }, WorkflowEngine.NewRunId());
        await _store.EnqueueAsync(run, null, default);

        var stored = (await _store.GetAsync(run.Id))!;

        Assert.Equal(TraceParent, stored.TraceParent);
        Assert.Equal(TraceParent, RunState.Restore(plan, stored).TraceParent);
    }

    [Fact]
    public async Task Journal_RunStartedOutsideATrace_StoresItsFirstSpanAndTheRestoredRunResumesInThatTrace()
    {
        var spans = new SpanList();
        using var tracer = Sdk.CreateTracerProviderBuilder().AddSource("ChatFlows").AddInMemoryExporter(spans).Build();
        var plan = Plan(["wait", "after"], ["start->wait", "wait->after"]);
        _probes.On("wait", context => context.IsResumed ? NodeResult.Success() : NodeResult.Wait("ok"));
        var run = NewRun(plan);
        await _store.EnqueueAsync(run, null, default);
        await Engine().ContinueAsync(run);

        // As another instance would, after a restart: from the store alone.
        var restored = RunState.Restore(plan, (await _store.GetAsync(run.Id))!);
        await Engine().ResumeAsync(restored, new Resumption("ok"));

        var segments = spans.RunSpans(run.Id);
        Assert.Equal(2, segments.Count);
        Assert.Equal(segments[0].Id, restored.TraceParent);
        Assert.Equal((segments[0].TraceId, segments[0].SpanId), (segments[1].TraceId, segments[1].ParentSpanId));
        Assert.Equal(["waiting", "succeeded"], segments.Select(s => s.GetTagItem("chatflows.run.status")));
        Assert.Equal(ActivityTraceId.CreateFromString(restored.TraceParent.AsSpan(3, 32)), segments[1].TraceId);
    }
}
