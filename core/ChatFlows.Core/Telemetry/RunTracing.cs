using System.Diagnostics;
using ChatFlows.Core.Running;

namespace ChatFlows.Core.Telemetry;

/// <summary>
/// The spans of one execution segment of a run (README §Telemetry): an <c>invoke_workflow</c> root from the moment the
/// run starts or resumes executing until it ends or waits, and an <c>execute_node</c> child per node attempt. Every
/// segment continues the run's stored <see cref="RunState.TraceParent"/>, so a run that waits and resumes, here or on
/// another instance, stays one trace. Created only when something listens to <see cref="ChatFlowsTelemetry.Source"/>;
/// otherwise the engine holds null and pays a null check per call.
/// </summary>
internal sealed class RunTracing
{
    /// <summary>The span name of a node attempt; the node's id follows it.</summary>
    public const string ExecuteNode = "execute_node";

    private readonly Activity _run;
    private readonly Activity?[] _nodes;

    private RunTracing(Activity run, int nodeCount)
    {
        _run = run;
        _nodes = new Activity?[nodeCount];
    }

    /// <summary>
    /// The current span's W3C <c>traceparent</c>, which a run started now continues: the webhook request it came in
    /// with, or the node span of the run that calls it as a sub-workflow. Null while tracing is off, so that runs store
    /// no trace context nobody will look at.
    /// </summary>
    public static string? CurrentTraceParent() =>
        ChatFlowsTelemetry.Source.HasListeners() && Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.Id : null;

    /// <summary>Opens the run's root span, or returns null when nothing listens or the sampler drops it.</summary>
    public static RunTracing? Start(RunState run)
    {
        var source = ChatFlowsTelemetry.Source;
        if (!source.HasListeners()) return null;
        // Without a stored parent the span takes the current one, or starts a trace of its own.
        ActivityContext.TryParse(run.TraceParent, null, isRemote: true, out var parent);
        var activity = source.StartActivity(ChatFlowsTelemetry.InvokeWorkflow, ActivityKind.Internal, parent);
        if (activity is null) return null;
        // Later segments hang off the first one when the run was started outside any trace.
        run.TraceParent ??= activity.Id;
        if (activity.IsAllDataRequested)
        {
            activity.SetTag("chatflows.run.id", run.Id);
            activity.SetTag("chatflows.workflow.id", run.WorkflowId);
            activity.SetTag("chatflows.workflow.version", run.WorkflowVersion);
            activity.SetTag("chatflows.workspace", run.Workspace);
            activity.SetTag("chatflows.run.resumed", run.Status != RunStatus.Queued);
            var trigger = run.Request.TriggerNodeId is { } id && run.Plan.IndexById.TryGetValue(id, out var named) ? named : run.Plan.StartingTrigger(null);
            if (trigger >= 0)
            {
                activity.SetTag("chatflows.trigger.node", run.Plan.Nodes[trigger].Node.Id);
                activity.SetTag("chatflows.trigger.kind", run.Plan.Nodes[trigger].Kind.Kind ?? run.Plan.Nodes[trigger].Kind.Type);
            }
            if (run.Request.StartedBy is { } startedBy) activity.SetTag("chatflows.run.started_by", startedBy);
            if (run.Request.ParentRunId is { } parentRun) activity.SetTag("chatflows.run.parent_id", parentRun);
            if (run.Request.ReplayOf is { } replayOf) activity.SetTag("chatflows.run.replay_of", replayOf);
        }
        return new RunTracing(activity, run.Nodes.Count);
    }

    /// <summary>
    /// Opens the span of a node attempt and makes it current, so that what the node's handler calls (an HTTP request,
    /// a model, a sub-workflow) is traced beneath it and carries its <c>traceparent</c>.
    /// </summary>
    public void NodeStarted(int index, WorkflowPlan.PlanNode plan, int attempt)
    {
        // A node still open here was abandoned (a retry restarted it); close it rather than leak it.
        _nodes[index]?.Stop();
        var activity = ChatFlowsTelemetry.Source.StartActivity($"{ExecuteNode} {plan.Node.Id}", ActivityKind.Internal, _run.Context);
        _nodes[index] = activity;
        if (activity is not { IsAllDataRequested: true }) return;
        activity.SetTag("chatflows.node.id", plan.Node.Id);
        activity.SetTag("chatflows.node.kind", plan.Kind.Name);
        activity.SetTag("chatflows.node.attempt", attempt);
    }

    /// <summary>Closes a node attempt that succeeded or began waiting.</summary>
    public void NodeFinished(int index, NodeStatus status, string? port)
    {
        if (Take(index) is not { } activity) return;
        activity.SetTag("chatflows.node.status", status.ToText());
        if (port is not null) activity.SetTag("chatflows.node.port", port);
        activity.Stop();
    }

    /// <summary>
    /// Closes a failed node attempt with Error status and an exception event. The event holds the run's redacted
    /// message, not the exception's own text or stack, which may quote a secret's value.
    /// </summary>
    public void NodeFailed(int index, Exception error, string message, bool willRetry)
    {
        if (Take(index) is not { } activity) return;
        activity.SetTag("chatflows.node.status", willRetry ? "retrying" : NodeStatus.Failed.ToText());
        activity.SetTag("error.type", error.GetType().FullName);
        activity.SetStatus(ActivityStatusCode.Error, message);
        activity.AddEvent(new ActivityEvent("exception", tags: new ActivityTagsCollection
        {
            ["exception.type"] = error.GetType().FullName,
            ["exception.message"] = message,
        }));
        activity.Stop();
    }

    /// <summary>Marks the root span failed by an error that escaped the engine; returns false, for use in an exception filter.</summary>
    public bool Escaped(Exception error)
    {
        _run.SetTag("error.type", error.GetType().FullName);
        _run.SetStatus(ActivityStatusCode.Error, error.Message);
        return false;
    }

    /// <summary>
    /// Closes the segment as the run ended or parked: node spans still open (branches a stop abandoned) end as
    /// stopped, and the root records the run's status, with Error status and the run error on failure.
    /// </summary>
    public void End(RunState run)
    {
        for (var i = 0; i < _nodes.Length; i++)
        {
            if (Take(i) is not { } open) continue;
            open.SetTag("chatflows.node.status", "stopped");
            open.Stop();
        }
        _run.SetTag("chatflows.run.status", run.Status.ToText());
        if (run.Status == RunStatus.Failed && run.Error is { } failure)
        {
            if (failure.NodeId is not null) _run.SetTag("chatflows.run.failed_node", failure.NodeId);
            _run.SetStatus(ActivityStatusCode.Error, failure.Message);
        }
        _run.Stop();
    }

    private Activity? Take(int index)
    {
        var activity = _nodes[index];
        _nodes[index] = null;
        return activity;
    }
}
