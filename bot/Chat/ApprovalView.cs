using System.Text.Json;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;

namespace ChatFlows.Bot.Chat;

/// <summary>
/// An approval as every chat channel shows it: the question with Approve / Reject while it waits, then who decided
/// and when (or that it expired, or that the run ended without a decision).
/// </summary>
public sealed record ApprovalView
{
    public required string RunId { get; init; }

    /// <summary>The approval node; with <see cref="RunId"/> it names what a button click decides.</summary>
    public required string NodeId { get; init; }

    public required string WorkflowName { get; init; }

    public required ApprovalRequest Request { get; init; }

    /// <summary><c>approved</c>, <c>rejected</c> or <c>expired</c>; null while it waits.</summary>
    public string? Decision { get; init; }

    /// <summary>Who decided, e.g. <c>playground:ada</c>.</summary>
    public string? DecidedBy { get; init; }

    public DateTimeOffset? DecidedAt { get; init; }

    public string? Comment { get; init; }

    /// <summary>Set when the run ended while the approval still waited (e.g. it was cancelled): why nobody can decide.</summary>
    public string? Closed { get; init; }

    /// <summary>True while Approve and Reject can still be clicked.</summary>
    public bool IsOpen => Decision is null && Closed is null;

    /// <summary>
    /// The approval of <paramref name="node"/> as its journal shows it: open while it waits, decided or expired once
    /// it finished; null when the node never asked.
    /// </summary>
    public static ApprovalView? From(string runId, string workflowName, NodeRecord node)
    {
        if (node.Status == NodeStatus.Waiting && ApprovalRequest.From(node.Output) is { } asked)
        {
            return new ApprovalView { RunId = runId, NodeId = node.NodeId, WorkflowName = workflowName, Request = asked };
        }
        if (!node.Status.IsFinished() || node.Output is not { ValueKind: JsonValueKind.Object } output || Text(output, "decision") is not { } decision) return null;
        // A decided node keeps the question and the draft beside the answer, not the approvers.
        var request = new ApprovalRequest
        {
            Prompt = Text(output, "prompt") ?? "",
            Approvers = [],
            Draft = Text(output, "draft"),
            RequestedAt = node.StartedAt ?? DateTimeOffset.MinValue,
        };
        return new ApprovalView
        {
            RunId = runId,
            NodeId = node.NodeId,
            WorkflowName = workflowName,
            Request = request,
            Decision = decision,
            DecidedBy = Text(output, "by"),
            DecidedAt = output.TryGetProperty("at", out var at) && at.ValueKind == JsonValueKind.String ? at.GetDateTimeOffset() : node.FinishedAt,
            Comment = Text(output, "comment"),
        };
    }

    private static string? Text(JsonElement value, string property) =>
        value.TryGetProperty(property, out var found) && found.ValueKind == JsonValueKind.String ? found.GetString() : null;
}
