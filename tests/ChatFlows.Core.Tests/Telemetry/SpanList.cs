using System.Collections;
using System.Diagnostics;

namespace ChatFlows.Core.Tests.Telemetry;

/// <summary>
/// Where an in-memory exporter puts finished spans. Listeners are process-wide and tests run in parallel, so spans of
/// other tests arrive too, from any thread: adds and reads are locked, and tests pick their spans by trace or run id.
/// </summary>
internal sealed class SpanList : ICollection<Activity>
{
    private readonly List<Activity> _spans = [];
    private readonly Lock _gate = new();

    public int Count
    {
        get
        {
            lock (_gate) return _spans.Count;
        }
    }

    public bool IsReadOnly => false;

    /// <summary>The root spans of the run <paramref name="runId"/>, one per execution segment, in the order they ended.</summary>
    public IReadOnlyList<Activity> RunSpans(string runId) =>
        Snapshot().Where(s => s.OperationName == "invoke_workflow" && (s.GetTagItem("chatflows.run.id") as string) == runId).ToArray();

    /// <summary>The spans whose parent is <paramref name="parent"/>, in the order they ended.</summary>
    public IReadOnlyList<Activity> ChildrenOf(Activity parent) => Snapshot().Where(s => s.ParentSpanId == parent.SpanId && s.TraceId == parent.TraceId).ToArray();

    /// <summary>The spans of one trace, in the order they ended.</summary>
    public IReadOnlyList<Activity> InTrace(ActivityTraceId traceId) => Snapshot().Where(s => s.TraceId == traceId).ToArray();

    public Activity[] Snapshot()
    {
        lock (_gate) return [.. _spans];
    }

    public void Add(Activity item)
    {
        lock (_gate) _spans.Add(item);
    }

    public void Clear()
    {
        lock (_gate) _spans.Clear();
    }

    public bool Contains(Activity item)
    {
        lock (_gate) return _spans.Contains(item);
    }

    public void CopyTo(Activity[] array, int arrayIndex)
    {
        lock (_gate) _spans.CopyTo(array, arrayIndex);
    }

    public bool Remove(Activity item)
    {
        lock (_gate) return _spans.Remove(item);
    }

    public IEnumerator<Activity> GetEnumerator() => ((IEnumerable<Activity>)Snapshot()).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
