using System.Text.Json;
using ChatFlows.Core.Running;

namespace ChatFlows.Core.Nodes;

/// <summary>How a node attempt ended when it did not throw.</summary>
public enum NodeOutcome
{
    /// <summary>The node finished; its port fires.</summary>
    Succeeded,

    /// <summary>The node waits on a bookmark until the run is resumed with a value for it.</summary>
    Waiting,

    /// <summary>The node finished and ends the whole run successfully.</summary>
    EndRun,

    /// <summary>
    /// The node's wait ran out (an approval nobody decided): its <c>expired</c> port fires, and the run ends
    /// as expired when nothing is connected to that port.
    /// </summary>
    Expired,
}

/// <summary>The result of one node attempt. A small struct so that synchronous nodes allocate nothing.</summary>
public readonly struct NodeResult
{
    private NodeResult(NodeOutcome outcome, JsonElement? output, string? port, string? bookmark, DateTimeOffset? wakeAt, NodeDetails? details = null)
    {
        Outcome = outcome;
        Output = output;
        Port = port;
        Bookmark = bookmark;
        WakeAt = wakeAt;
        Details = details;
    }

    /// <summary>The port an expired wait fires.</summary>
    public const string ExpiredPort = "expired";

    /// <summary>Succeeded, waiting or ending the run.</summary>
    public NodeOutcome Outcome { get; }

    /// <summary>The value stored under the node's output key, if any.</summary>
    public JsonElement? Output { get; }

    /// <summary>The port that fires; null for the default port.</summary>
    public string? Port { get; }

    /// <summary>The bookmark a waiting node waits on.</summary>
    public string? Bookmark { get; }

    /// <summary>When a waiting node is to be resumed by the clock (a delay); null when only a resume call wakes it.</summary>
    public DateTimeOffset? WakeAt { get; }

    /// <summary>Sub-steps and token usage, for nodes that call models or tools; null for most nodes.</summary>
    public NodeDetails? Details { get; }

    /// <summary>The same result with sub-steps and token usage attached.</summary>
    public NodeResult WithDetails(IReadOnlyList<NodeStep>? steps, TokenUsage? usage) =>
        new(Outcome, Output, Port, Bookmark, WakeAt, steps is null && usage is null ? null : new NodeDetails(steps, usage));

    /// <summary>The node succeeded with <paramref name="output"/>, firing <paramref name="port"/> (default port when null).</summary>
    public static NodeResult Success(JsonElement? output = null, string? port = null) => new(NodeOutcome.Succeeded, output, port, null, null);

    /// <summary>
    /// The node waits on <paramref name="bookmark"/>; <paramref name="request"/> is recorded as its output meanwhile
    /// (e.g. an approval prompt), and <paramref name="wakeAt"/> makes the clock resume it.
    /// </summary>
    public static NodeResult Wait(string bookmark, JsonElement? request = null, DateTimeOffset? wakeAt = null) =>
        new(NodeOutcome.Waiting, request, null, bookmark, wakeAt);

    /// <summary>The node ends the run successfully with <paramref name="output"/> as the run's result.</summary>
    public static NodeResult End(JsonElement? output) => new(NodeOutcome.EndRun, output, null, null, null);

    /// <summary>The wait ran out; <paramref name="output"/> says so, and the <c>expired</c> port fires.</summary>
    public static NodeResult Expire(JsonElement? output) => new(NodeOutcome.Expired, output, ExpiredPort, null, null);
}
