using System.Text.Json;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;
using ChatFlows.Core.Storage;

namespace ChatFlows.Bot.Chat;

/// <summary>
/// A run as every chat channel shows it, whatever it renders to (an Adaptive Card, Block Kit, plain text): each
/// node's state, duration, attempt and a short output or error, who started it, the elapsed time and token cost.
/// </summary>
public sealed record ProgressView
{
    /// <summary>The longest output or error text a step shows; the run detail has the rest.</summary>
    public const int SummaryLength = 120;

    public required string RunId { get; init; }

    public required string WorkflowId { get; init; }

    /// <summary>The workflow's name, or its id when it has none.</summary>
    public required string WorkflowName { get; init; }

    public required RunStatus Status { get; init; }

    /// <summary>Who started the run, e.g. <c>playground:ada</c> or <c>schedule</c>.</summary>
    public string? StartedBy { get; init; }

    /// <summary>From the moment the run was queued to its end, or to now while it goes on.</summary>
    public required TimeSpan Elapsed { get; init; }

    /// <summary>Tokens and cost over every agent node so far; null when no model was called.</summary>
    public TokenUsage? Usage { get; init; }

    /// <summary>Every node but the triggers, in document order.</summary>
    public required IReadOnlyList<ProgressStep> Steps { get; init; }

    /// <summary>Why the run failed, naming the node.</summary>
    public string? Error { get; init; }

    /// <summary>The run's result, shortened: its <c>text</c> when it has one, else its JSON.</summary>
    public string? Result { get; init; }

    /// <summary>True once the run has ended: this is the last state a card shows.</summary>
    public bool IsFinal => Status.IsTerminal();

    /// <summary>The view of a stored run of <paramref name="document"/> (the version it is pinned to) at <paramref name="now"/>.</summary>
    public static ProgressView From(StoredRun run, WorkflowDocument document, DateTimeOffset now)
    {
        var records = run.Nodes.ToDictionary(n => n.NodeId, StringComparer.Ordinal);
        var steps = document.Nodes
            .Where(n => n.Type != NodeTypes.Trigger)
            .Select(n => Step(n, records.GetValueOrDefault(n.Id)))
            .ToArray();
        return new ProgressView
        {
            RunId = run.Id,
            WorkflowId = run.WorkflowId,
            WorkflowName = document.DisplayName,
            Status = run.Status,
            StartedBy = run.StartedBy,
            Elapsed = (run.FinishedAt ?? now) - run.CreatedAt,
            Usage = TokenUsage.Sum(run.Nodes.Select(n => n.Usage)),
            Steps = steps,
            Error = run.Error is { } error ? Shorten(error.ToString()) : null,
            Result = run.Result is { } result ? Summarize(result) : null,
        };
    }

    /// <summary>The view of a run that is about to be queued: every step pending.</summary>
    public static ProgressView Queued(string runId, WorkflowDocument document, string? startedBy) => new()
    {
        RunId = runId,
        WorkflowId = document.Id,
        WorkflowName = document.DisplayName,
        Status = RunStatus.Queued,
        StartedBy = startedBy,
        Elapsed = TimeSpan.Zero,
        Steps = document.Nodes.Where(n => n.Type != NodeTypes.Trigger)
            .Select(n => new ProgressStep(n.Id, n.TypeName, NodeStatus.Pending, 0, null, null, null)).ToArray(),
    };

    private static ProgressStep Step(WorkflowNode node, NodeRecord? record)
    {
        if (record is null) return new ProgressStep(node.Id, node.TypeName, NodeStatus.Pending, 0, null, null, null);
        var summary = record.Status switch
        {
            NodeStatus.Waiting when record.Bookmark == ApprovalNode.Bookmark && ApprovalRequest.From(record.Output) is { } asked =>
                $"waiting for {(asked.Approvers.Contains(ApprovalRequest.Anyone) ? "anyone" : string.Join(", ", asked.Approvers))} to approve",
            NodeStatus.Waiting when record.WakeAt is { } wake => $"waiting until {wake.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC",
            NodeStatus.Succeeded when record.Output is { } output => Summarize(output),
            _ => null,
        };
        var error = record.Error is { } message ? Shorten(message) : null;
        return new ProgressStep(node.Id, node.TypeName, record.Status, record.Attempts, record.Duration, summary, error);
    }

    /// <summary>An output as one short line: a decision as "approved by …", text as itself, anything else as compact JSON.</summary>
    public static string? Summarize(JsonElement output)
    {
        var text = output.ValueKind switch
        {
            JsonValueKind.Null or JsonValueKind.Undefined => null,
            JsonValueKind.String => output.GetString(),
            JsonValueKind.Object when output.TryGetProperty("decision", out var decision) && decision.ValueKind == JsonValueKind.String =>
                output.TryGetProperty("by", out var by) && by.ValueKind == JsonValueKind.String ? $"{decision.GetString()} by {by.GetString()}" : decision.GetString(),
            JsonValueKind.Object when output.TryGetProperty("text", out var inner) && inner.ValueKind == JsonValueKind.String => inner.GetString(),
            _ => output.GetRawText(),
        };
        return string.IsNullOrWhiteSpace(text) ? null : Shorten(text);
    }

    private static string Shorten(string text)
    {
        var line = string.Join(' ', text.Split((char[])['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return line.Length <= SummaryLength ? line : string.Concat(line.AsSpan(0, SummaryLength - 1), "…");
    }
}
