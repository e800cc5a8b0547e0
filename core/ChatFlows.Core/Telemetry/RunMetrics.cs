using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using ChatFlows.Core.Running;
using ChatFlows.Core.Storage;

namespace ChatFlows.Core.Telemetry;

/// <summary>
/// The engine's metrics on <see cref="ChatFlowsTelemetry.Meter"/> (README §Telemetry): runs started and ended, node
/// attempt durations, the local queue's depth and the runs waiting. Attributes stay bounded: workflow ids, node kinds
/// and statuses, never run or user ids. With no listener, recording costs one <c>Enabled</c> check.
/// </summary>
public static class RunMetrics
{
    /// <summary>The attribute naming a run's workflow.</summary>
    public const string WorkflowId = "chatflows.workflow.id";

    /// <summary>The attribute naming the kind of trigger that started a run, e.g. <c>trigger/webhook</c>.</summary>
    public const string TriggerKind = "chatflows.trigger.kind";

    /// <summary>The attribute holding how a run ended: <c>succeeded</c>, <c>failed</c>, <c>cancelled</c> or <c>expired</c>.</summary>
    public const string RunStatusName = "chatflows.run.status";

    /// <summary>The attribute naming a node's kind, e.g. <c>tool/http</c>.</summary>
    public const string NodeKind = "chatflows.node.kind";

    /// <summary>The attribute holding how a node attempt ended: <c>succeeded</c>, <c>failed</c> or <c>waiting</c>.</summary>
    public const string NodeStatusName = "chatflows.node.status";

    // How long a counted number of waiting runs is served before the database is asked again.
    internal static readonly TimeSpan WaitingRefresh = TimeSpan.FromSeconds(15);

    private static readonly Counter<long> Started = ChatFlowsTelemetry.Meter.CreateCounter<long>(
        "chatflows.runs.started", "{run}", "Runs that started executing.");

    private static readonly Counter<long> Ended = ChatFlowsTelemetry.Meter.CreateCounter<long>(
        "chatflows.runs.ended", "{run}", "Runs that ended, by status.");

    // Buckets from 1 ms to 5 min: transforms take microseconds, model calls and HTTP tools seconds, approvals park.
    private static readonly Histogram<double> NodeDuration = ChatFlowsTelemetry.Meter.CreateHistogram(
        "chatflows.node.duration", "s", "How long node attempts took, by node kind and outcome.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300] });

    // Every live queue of this process with the count of its store's waiting runs: one, or more in tests that start
    // several hosts. Weak, so that a host that is gone stops being reported.
    private static readonly ConditionalWeakTable<RunQueue, WaitingRunsCount> Observed = [];

    static RunMetrics()
    {
        ChatFlowsTelemetry.Meter.CreateObservableGauge(
            "chatflows.queue.depth", ObserveQueueDepth, "{run}", "Runs queued on this instance and not yet started by its worker.");
        ChatFlowsTelemetry.Meter.CreateObservableGauge(
            "chatflows.runs.waiting", ObserveWaiting, "{run}", "Runs waiting for an approval, a timer or a sub-workflow, in the database (refreshed at most every 15 s).");
    }

    /// <summary>Counts a run that started executing (not a resumption of one).</summary>
    internal static void RunStarted(string workflowId, string triggerKind)
    {
        if (!Started.Enabled) return;
        Started.Add(1, new KeyValuePair<string, object?>(WorkflowId, workflowId), new KeyValuePair<string, object?>(TriggerKind, triggerKind));
    }

    /// <summary>Counts a run that ended; a run that parks to wait has not ended.</summary>
    internal static void RunEnded(string workflowId, RunStatus status)
    {
        if (!Ended.Enabled || !status.IsTerminal()) return;
        Ended.Add(1, new KeyValuePair<string, object?>(WorkflowId, workflowId), new KeyValuePair<string, object?>(RunStatusName, StatusText(status)));
    }

    /// <summary>Notes that an attempt of node <paramref name="index"/> starts now, on the engine's clock.</summary>
    /// <param name="time">The engine's clock.</param>
    /// <param name="starts">The run's attempt start times, made on first use: nothing is allocated while nothing listens.</param>
    /// <param name="index">The node's index in the plan.</param>
    /// <param name="nodeCount">How many nodes the plan has.</param>
    internal static void NodeStarting(TimeProvider time, ref long[]? starts, int index, int nodeCount)
    {
        if (!NodeDuration.Enabled) return;
        (starts ??= new long[nodeCount])[index] = time.GetTimestamp();
    }

    /// <summary>Records how long the attempt of node <paramref name="index"/> noted by <see cref="NodeStarting"/> took.</summary>
    internal static void NodeFinished(string nodeKind, NodeStatus status, TimeProvider time, long[]? starts, int index)
    {
        // An attempt that started before anything listened has no start to measure from.
        if (starts is null || starts[index] == 0 || !NodeDuration.Enabled) return;
        NodeDuration.Record(
            time.GetElapsedTime(starts[index]).TotalSeconds,
            new KeyValuePair<string, object?>(NodeKind, nodeKind), new KeyValuePair<string, object?>(NodeStatusName, StatusText(status)));
    }

    /// <summary>
    /// Reports the depth of <paramref name="queue"/> (<c>chatflows.queue.depth</c>) and the number of runs waiting in
    /// <paramref name="store"/> (<c>chatflows.runs.waiting</c>, counted at most every 15 s, and only when scraped) for as
    /// long as the queue lives.
    /// </summary>
    public static void Observe(RunQueue queue, IRunStore store, TimeProvider time) =>
        Observed.AddOrUpdate(queue, new WaitingRunsCount(store, time, WaitingRefresh));

    private static Measurement<long> ObserveQueueDepth()
    {
        long depth = 0;
        foreach (var (queue, _) in Observed) depth += queue.LocalDepth;
        return new Measurement<long>(depth);
    }

    private static IEnumerable<Measurement<long>> ObserveWaiting()
    {
        long total = 0;
        var known = false;
        foreach (var (_, count) in Observed)
        {
            if (count.Current() is not { } value) continue;
            total += value;
            known = true;
        }
        // Until the first count comes back there is nothing to report, rather than a zero that is not true.
        return known ? [new Measurement<long>(total)] : [];
    }

    // Literals: ToText allocates, and these are recorded for every run and node.
    private static string StatusText(RunStatus status) => status switch
    {
        RunStatus.Succeeded => "succeeded",
        RunStatus.Failed => "failed",
        RunStatus.Cancelled => "cancelled",
        RunStatus.Expired => "expired",
        _ => status.ToText(),
    };

    private static string StatusText(NodeStatus status) => status switch
    {
        NodeStatus.Succeeded => "succeeded",
        NodeStatus.Failed => "failed",
        NodeStatus.Waiting => "waiting",
        _ => status.ToText(),
    };
}
