using System.Text.Json;

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
}

/// <summary>The result of one node attempt. A small struct so that synchronous nodes allocate nothing.</summary>
public readonly struct NodeResult
{
    private NodeResult(NodeOutcome outcome, JsonElement? output, string? port, string? bookmark, DateTimeOffset? wakeAt)
    {
        Outcome = outcome;
        Output = output;
        Port = port;
        Bookmark = bookmark;
        WakeAt = wakeAt;
    }

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
}
