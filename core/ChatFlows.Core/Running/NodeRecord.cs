using System.Text.Json;

namespace ChatFlows.Core.Running;

/// <summary>The journal entry of one node in one run. Written only by the run's executor.</summary>
public sealed class NodeRecord(string nodeId)
{
    /// <summary>The node's id.</summary>
    public string NodeId { get; } = nodeId;

    /// <summary>Pending until started; finished once succeeded, failed or skipped.</summary>
    public NodeStatus Status { get; set; }

    /// <summary>Attempts started so far.</summary>
    public int Attempts { get; set; }

    /// <summary>When the first attempt started.</summary>
    public DateTimeOffset? StartedAt { get; set; }

    /// <summary>When the node finished or began waiting.</summary>
    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>What the node produced (or, while waiting, what it asked for).</summary>
    public JsonElement? Output { get; set; }

    /// <summary>Why the node failed.</summary>
    public string? Error { get; set; }

    /// <summary>The port that fired when it finished; null for the default port.</summary>
    public string? Port { get; set; }

    /// <summary>The bookmark it waits on, while waiting.</summary>
    public string? Bookmark { get; set; }

    /// <summary>When the clock resumes it, for a timed wait.</summary>
    public DateTimeOffset? WakeAt { get; set; }

    /// <summary>Sub-steps of its last execution (an agent's tool calls), if any.</summary>
    public IReadOnlyList<NodeStep>? Steps { get; set; }

    /// <summary>Model tokens (and cost) of its last execution, if it called a model.</summary>
    public TokenUsage? Usage { get; set; }

    /// <summary>
    /// In a replay, the run whose recorded result this node reuses instead of executing (README §Replay a run); null
    /// for a node this run executed.
    /// </summary>
    public string? ReusedFrom { get; set; }

    /// <summary>Time from start to finish.</summary>
    public TimeSpan? Duration => StartedAt is { } start && FinishedAt is { } end ? end - start : null;
}
