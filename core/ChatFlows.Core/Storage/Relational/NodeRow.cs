using System.Globalization;
using System.Text.Json;
using ChatFlows.Core.Running;

namespace ChatFlows.Core.Storage.Relational;

/// <summary>A row of <c>node_runs</c>, the journal of one node of a run.</summary>
internal sealed class NodeRow
{
    /// <summary>The columns read back, in <see cref="NodeRow"/>'s shape.</summary>
    public const string Columns =
        "node_id, status, attempts, started_at, finished_at, output, error, port, bookmark, wake_at, steps, prompt_tokens, completion_tokens, cost, reused_from";

    public string NodeId { get; init; } = "";

    public string Status { get; init; } = "";

    public int Attempts { get; init; }

    public long? StartedAt { get; init; }

    public long? FinishedAt { get; init; }

    public string? Output { get; init; }

    public string? Error { get; init; }

    public string? Port { get; init; }

    public string? Bookmark { get; init; }

    public long? WakeAt { get; init; }

    public string? Steps { get; init; }

    public long? PromptTokens { get; init; }

    public long? CompletionTokens { get; init; }

    public string? Cost { get; init; }

    public string? ReusedFrom { get; init; }

    public NodeRecord ToRecord() => new(NodeId)
    {
        Status = Enum.Parse<NodeStatus>(Status, ignoreCase: true),
        Attempts = Attempts,
        StartedAt = UnixTime.To(StartedAt),
        FinishedAt = UnixTime.To(FinishedAt),
        Output = StoredJson.Parse(Output),
        Error = Error,
        Port = Port,
        Bookmark = Bookmark,
        WakeAt = UnixTime.To(WakeAt),
        Steps = Steps is null ? null : JsonSerializer.Deserialize<NodeStep[]>(Steps, JournalJson.Options),
        Usage = PromptTokens is null && CompletionTokens is null ? null
            : new TokenUsage(PromptTokens ?? 0, CompletionTokens ?? 0, Cost is null ? null : decimal.Parse(Cost, CultureInfo.InvariantCulture)),
        ReusedFrom = ReusedFrom,
    };
}
