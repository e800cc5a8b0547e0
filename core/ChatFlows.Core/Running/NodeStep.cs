using System.Text.Json;

namespace ChatFlows.Core.Running;

/// <summary>
/// Something a node did inside one execution, shown under the node in the run detail: a tool an agent called, with
/// its arguments, result and duration.
/// </summary>
public sealed record NodeStep
{
    /// <summary>What was called, e.g. <c>http_get</c>.</summary>
    public required string Name { get; init; }

    /// <summary>The arguments it was called with.</summary>
    public JsonElement? Arguments { get; init; }

    /// <summary>What it returned.</summary>
    public JsonElement? Result { get; init; }

    /// <summary>The run the call started (a workflow tool's child run), shown as a link to <c>/runs/{id}</c>.</summary>
    public string? RunId { get; init; }

    /// <summary>Why it failed, when it did.</summary>
    public string? Error { get; init; }

    /// <summary>Who approved the call, for a tool an agent may call only after a person confirms it.</summary>
    public string? ApprovedBy { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required double DurationMs { get; init; }
}
