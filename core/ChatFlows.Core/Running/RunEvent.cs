using System.Text.Json;
using System.Text.Json.Serialization;

namespace ChatFlows.Core.Running;

/// <summary>One thing that happened in a run, as streamed to observers and over server-sent events.</summary>
public sealed class RunEvent
{
    /// <summary>run.started, node.started, node.finished, node.failed, run.waiting or run.finished.</summary>
    public required string Type { get; init; }

    public required string RunId { get; init; }

    public required string WorkflowId { get; init; }

    public required DateTimeOffset At { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? NodeId { get; init; }

    /// <summary>The node's type and kind, e.g. <c>tool/transform</c>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? NodeKind { get; init; }

    /// <summary>The node's or the run's status after this event.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Status { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Attempt { get; init; }

    /// <summary>Milliseconds from start to this event (node or run).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? DurationMs { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JsonElement? Output { get; init; }

    /// <summary>
    /// True on an event of a run executing on another instance whose output was too large to travel between
    /// instances: it came without <see cref="Output"/>, which the run itself (<c>GET /api/runs/{id}</c>) has.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? OutputOmitted { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Error { get; init; }

    /// <summary>On node.failed: true when another attempt follows after <see cref="RetryInMs"/>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? WillRetry { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? RetryInMs { get; init; }

    /// <summary>On run.waiting: the bookmark the node waits on.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Bookmark { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? WakeAt { get; init; }

    /// <summary>
    /// False on the events of a run that can have no chat card (README §Chat cards): one with no chat thread whose
    /// nodes are all pure, so that none of them asks for an approval (a progress card is recorded before its run
    /// starts, with the run's thread; an approval card and its copies come from an approval node, which is never
    /// pure). Known where the run executes; never sent.
    /// </summary>
    [JsonIgnore]
    public bool MayHaveChatCards { get; init; } = true;
}

/// <summary>The event names of README §HTTP API.</summary>
public static class RunEventTypes
{
    public const string RunStarted = "run.started";
    public const string NodeStarted = "node.started";
    public const string NodeFinished = "node.finished";
    public const string NodeFailed = "node.failed";
    public const string RunWaiting = "run.waiting";
    public const string RunFinished = "run.finished";

    /// <summary>A waiting approval changed without the run moving: a vote short of the quorum, a reminder, an escalation, a delegation.</summary>
    public const string ApprovalChanged = "approval.changed";
}
