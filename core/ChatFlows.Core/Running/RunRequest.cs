using System.Text.Json;

namespace ChatFlows.Core.Running;

/// <summary>A request to start a run, from any trigger: chat, webhook, schedule, Play or the CLI.</summary>
public sealed record RunRequest
{
    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();

    /// <summary>The payload, available to the run as <c>trigger</c>.</summary>
    public JsonElement Trigger { get; init; } = EmptyObject;

    /// <summary>The trigger node that fires; null picks the first manual trigger, else the first trigger.</summary>
    public string? TriggerNodeId { get; init; }

    /// <summary>Who started the run, e.g. <c>slack:U012</c> or <c>cli</c>.</summary>
    public string? StartedBy { get; init; }

    /// <summary>The chat thread the run reports to, if any.</summary>
    public string? Thread { get; init; }

    /// <summary>A run id chosen by the caller; a new one is made when null.</summary>
    public string? RunId { get; init; }

    /// <summary>The run whose <c>tool/subworkflow</c> node started this one; it is resumed when this run ends.</summary>
    public string? ParentRunId { get; init; }

    /// <summary>The parent's node waiting for this run.</summary>
    public string? ParentNodeId { get; init; }

    /// <summary>How many sub-workflow calls deep this run is; 0 for a run started by a trigger.</summary>
    public int Depth { get; init; }

    /// <summary>
    /// For a replay (README §Replay a run): the run it replays. The nodes before <see cref="ReplayFrom"/> are journaled
    /// already, reused from that run, and only that node and what follows it execute.
    /// </summary>
    public string? ReplayOf { get; init; }

    /// <summary>For a replay: the node it replays from.</summary>
    public string? ReplayFrom { get; init; }

    /// <summary>
    /// The W3C <c>traceparent</c> the run's spans continue (README §Telemetry); null takes the current span's, when
    /// tracing is on.
    /// </summary>
    public string? TraceParent { get; init; }
}
