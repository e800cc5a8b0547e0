using System.Text.Json.Serialization;

namespace ChatFlows.Core.Running;

/// <summary>Where a run is; every run ends in exactly one of succeeded, failed, cancelled or expired.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RunStatus>))]
public enum RunStatus
{
    [JsonStringEnumMemberName("queued")] Queued,
    [JsonStringEnumMemberName("running")] Running,
    [JsonStringEnumMemberName("waiting")] Waiting,
    [JsonStringEnumMemberName("succeeded")] Succeeded,
    [JsonStringEnumMemberName("failed")] Failed,
    [JsonStringEnumMemberName("cancelled")] Cancelled,
    [JsonStringEnumMemberName("expired")] Expired,
}

/// <summary>Where one node of a run is.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<NodeStatus>))]
public enum NodeStatus
{
    [JsonStringEnumMemberName("pending")] Pending,
    [JsonStringEnumMemberName("running")] Running,
    [JsonStringEnumMemberName("waiting")] Waiting,
    [JsonStringEnumMemberName("succeeded")] Succeeded,
    [JsonStringEnumMemberName("failed")] Failed,
    [JsonStringEnumMemberName("skipped")] Skipped,
}

/// <summary>Status helpers.</summary>
public static class StatusExtensions
{
    /// <summary>True for succeeded, failed, cancelled and expired.</summary>
    public static bool IsTerminal(this RunStatus status) => status >= RunStatus.Succeeded;

    /// <summary>True once a node can no longer change: succeeded, failed or skipped.</summary>
    public static bool IsFinished(this NodeStatus status) => status >= NodeStatus.Succeeded;

    // The names are made once: every journal write of a run and of each node takes one.
    private static readonly string[] RunStatusTexts = Enum.GetNames<RunStatus>().Select(n => n.ToLowerInvariant()).ToArray();
    private static readonly string[] NodeStatusTexts = Enum.GetNames<NodeStatus>().Select(n => n.ToLowerInvariant()).ToArray();

    /// <summary>The lower-case name used in JSON and on screen.</summary>
    public static string ToText(this RunStatus status) => (uint)status < (uint)RunStatusTexts.Length ? RunStatusTexts[(int)status] : status.ToString().ToLowerInvariant();

    /// <summary>The lower-case name used in JSON and on screen.</summary>
    public static string ToText(this NodeStatus status) => (uint)status < (uint)NodeStatusTexts.Length ? NodeStatusTexts[(int)status] : status.ToString().ToLowerInvariant();
}
