using System.Text.Json;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Running;
using ChatFlows.Core.Storage;

namespace ChatFlows.Canvas.Api;

/// <summary>
/// Rebuilds the events a run has published so far from its stored journal, so that a client connecting late sees
/// the same story as one that watched live. The journal keeps times to the millisecond and not the order within
/// one, so events are ordered by time and, among equal times, by replaying the runner's queue over the graph: a
/// node's events follow its predecessors', and the branches a condition rules out are skipped before the branch it
/// chose starts, as they are live.
/// </summary>
internal static class RunEventReplay
{
    /// <summary>The events the stored run stands for, in the order the run published them.</summary>
    public static IReadOnlyList<RunEvent> From(StoredRun run, WorkflowDocument? document)
    {
        var events = new List<(DateTimeOffset At, int Rank, int Step, RunEvent Event)>();
        if (run.StartedAt is { } started) events.Add((started, -1, 0, RunStarted(run, started)));

        var records = run.Nodes.ToDictionary(n => n.NodeId, StringComparer.Ordinal);
        var nodes = document?.Nodes.Select(n => (n.Id, Kind: (string?)n.TypeName)).ToArray()
            ?? run.Nodes.OrderBy(n => n.StartedAt ?? n.FinishedAt).Select(n => (Id: n.NodeId, Kind: (string?)null)).ToArray();
        var (ranks, skippedAt) = document is null ? (new Dictionary<string, int>(), new Dictionary<string, DateTimeOffset>()) : Simulate(run, document, records);

        foreach (var (id, kind) in nodes)
        {
            if (!records.TryGetValue(id, out var record) || record.Status == NodeStatus.Pending) continue;
            var rank = ranks.GetValueOrDefault(id, int.MaxValue);
            var step = 0;
            if (record.StartedAt is { } start)
            {
                for (var attempt = 1; attempt <= Math.Max(record.Attempts, 1); attempt++)
                {
                    events.Add((start, rank, step++, NodeEvent(RunEventTypes.NodeStarted, run, record, kind, start, "running", attempt)));
                    // Earlier attempts failed and were retried; their errors are not journaled, only the last one.
                    if (attempt < record.Attempts) events.Add((start, rank, step++, NodeEvent(RunEventTypes.NodeFailed, run, record, kind, start, "running", attempt, willRetry: true)));
                }
            }
            var finished = record.FinishedAt ?? skippedAt.GetValueOrDefault(id, run.StartedAt ?? run.CreatedAt);
            var last = record.StartedAt is null ? (int?)null : record.Attempts;
            var final = record.Status switch
            {
                NodeStatus.Succeeded => NodeEvent(RunEventTypes.NodeFinished, run, record, kind, finished, "succeeded", last, output: record.Output),
                NodeStatus.Skipped => NodeEvent(RunEventTypes.NodeFinished, run, record, kind, finished, "skipped", last),
                NodeStatus.Failed => NodeEvent(RunEventTypes.NodeFailed, run, record, kind, finished, "failed", last, error: record.Error, willRetry: false),
                _ => null,
            };
            if (final is not null) events.Add((finished, rank, step, final));
        }

        var ordered = events.OrderBy(e => e.At).ThenBy(e => e.Rank).ThenBy(e => e.Step).Select(e => e.Event).ToList();
        // Live, run.waiting and run.finished come last, once the runner has nothing left to do.
        if (run.Status == RunStatus.Waiting)
        {
            foreach (var (id, kind) in nodes)
            {
                if (records.GetValueOrDefault(id) is { Status: NodeStatus.Waiting } waiting)
                {
                    ordered.Add(NodeEvent(RunEventTypes.RunWaiting, run, waiting, kind, waiting.FinishedAt ?? run.StartedAt ?? run.CreatedAt, "waiting", null, output: waiting.Output, waiting: true));
                }
            }
        }
        if (run.Status.IsTerminal())
        {
            var end = run.FinishedAt ?? run.StartedAt ?? run.CreatedAt;
            ordered.Add(new RunEvent
            {
                Type = RunEventTypes.RunFinished,
                RunId = run.Id,
                WorkflowId = run.WorkflowId,
                At = end,
                Status = run.Status.ToText(),
                DurationMs = run.StartedAt is { } s ? (end - s).TotalMilliseconds : null,
                Output = run.Result,
                Error = run.Error?.ToString(),
            });
        }
        return ordered;
    }

    /// <summary>What makes two events the same one, whether replayed or live: a resumed node starting again with the same attempt is not news.</summary>
    public static string KeyOf(RunEvent e) => $"{e.Type}|{e.NodeId}|{e.Attempt}|{e.Status}";

    // Replays the runner's queue discipline over the graph with the journal deciding what ran and what was skipped:
    // unchosen triggers are skipped first; a finished node resolves its edges, skipping targets ruled out at once
    // and queueing the rest. The resulting rank orders events that share a millisecond; the time at which the last
    // input of a skipped node was resolved is when it was skipped.
    private static (Dictionary<string, int> Ranks, Dictionary<string, DateTimeOffset> SkippedAt) Simulate(
        StoredRun run, WorkflowDocument document, Dictionary<string, NodeRecord> records)
    {
        var ranks = new Dictionary<string, int>(StringComparer.Ordinal);
        var skippedAt = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var resolvedAt = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var outgoing = document.Edges.ToLookup(e => e.From, StringComparer.Ordinal);
        var incoming = document.Edges.ToLookup(e => e.To, StringComparer.Ordinal);
        var remaining = document.Nodes.ToDictionary(n => n.Id, n => incoming[n.Id].Count(), StringComparer.Ordinal);
        var ready = new Queue<string>();
        var start = run.StartedAt ?? run.CreatedAt;
        var rank = 0;

        NodeStatus StatusOf(string id) => records.TryGetValue(id, out var r) ? r.Status : NodeStatus.Pending;

        void Resolve(string id)
        {
            foreach (var edge in outgoing[id])
            {
                if (!remaining.ContainsKey(edge.To) || --remaining[edge.To] != 0) continue;
                if (StatusOf(edge.To) == NodeStatus.Skipped) Skip(edge.To);
                else if (StatusOf(edge.To) != NodeStatus.Pending) ready.Enqueue(edge.To);
            }
        }

        void Skip(string first)
        {
            var work = new Stack<string>();
            work.Push(first);
            while (work.TryPop(out var id))
            {
                ranks[id] = rank++;
                var at = incoming[id].Select(e => resolvedAt.GetValueOrDefault(e.From, start)).DefaultIfEmpty(start).Max();
                skippedAt[id] = resolvedAt[id] = at;
                foreach (var edge in outgoing[id])
                {
                    if (!remaining.ContainsKey(edge.To) || --remaining[edge.To] != 0) continue;
                    if (StatusOf(edge.To) == NodeStatus.Skipped) work.Push(edge.To);
                    else if (StatusOf(edge.To) != NodeStatus.Pending) ready.Enqueue(edge.To);
                }
            }
        }

        foreach (var node in document.Nodes)
        {
            if (node.Type == NodeTypes.Trigger && StatusOf(node.Id) == NodeStatus.Skipped && !ranks.ContainsKey(node.Id)) Skip(node.Id);
        }
        foreach (var node in document.Nodes)
        {
            if (node.Type == NodeTypes.Trigger && StatusOf(node.Id) is not (NodeStatus.Skipped or NodeStatus.Pending)) ready.Enqueue(node.Id);
        }
        while (ready.TryDequeue(out var id))
        {
            if (ranks.ContainsKey(id)) continue;
            ranks[id] = rank++;
            var record = records[id];
            if (!record.Status.IsFinished()) continue;
            resolvedAt[id] = record.FinishedAt ?? record.StartedAt ?? start;
            Resolve(id);
        }
        return (ranks, skippedAt);
    }

    private static RunEvent RunStarted(StoredRun run, DateTimeOffset at) => new()
    {
        Type = RunEventTypes.RunStarted,
        RunId = run.Id,
        WorkflowId = run.WorkflowId,
        At = at,
        Status = "running",
    };

    private static RunEvent NodeEvent(
        string type, StoredRun run, NodeRecord record, string? kind, DateTimeOffset at, string status, int? attempt,
        JsonElement? output = null, string? error = null, bool? willRetry = null, bool waiting = false) => new()
        {
            Type = type,
            RunId = run.Id,
            WorkflowId = run.WorkflowId,
            At = at,
            NodeId = record.NodeId,
            NodeKind = kind,
            Status = status,
            Attempt = attempt,
            // As live: durations on node.finished and node.failed only.
            DurationMs = type is RunEventTypes.NodeFinished or RunEventTypes.NodeFailed && record.StartedAt is { } start ? (at - start).TotalMilliseconds : null,
            Output = output,
            Error = error,
            WillRetry = willRetry,
            Bookmark = waiting ? record.Bookmark : null,
            WakeAt = waiting ? record.WakeAt : null,
        };
}
