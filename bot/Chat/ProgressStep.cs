using ChatFlows.Core.Running;

namespace ChatFlows.Bot.Chat;

/// <summary>One node's line on a progress card.</summary>
/// <param name="NodeId">The node's id, as drawn on the canvas.</param>
/// <param name="Kind">Its type and kind, e.g. <c>tool/http</c> or <c>approval</c>.</param>
/// <param name="Status">Where it is.</param>
/// <param name="Attempts">How many times it started (2 or more after a retry).</param>
/// <param name="Duration">How long it took, once it finished.</param>
/// <param name="Summary">A short form of its output, or what it waits for; null when there is nothing to say.</param>
/// <param name="Error">Why it failed, shortened.</param>
public sealed record ProgressStep(string NodeId, string Kind, NodeStatus Status, int Attempts, TimeSpan? Duration, string? Summary, string? Error)
{
    /// <summary>What people read for the step: the node's name, or its id when it has none.</summary>
    public string Name { get => field ?? NodeId; init; }

    /// <summary>
    /// True for nodes that move data along rather than do what the workflow is for (see
    /// <see cref="ProgressView.IsPlumbing"/>): once they succeed they are folded into one "n steps done" line.
    /// </summary>
    public bool IsPlumbing { get; init; }

    /// <summary>
    /// True when the step has no line of its own: skipped steps and succeeded plumbing are counted on the fold line;
    /// plumbing still to come is left out until it runs (a person waits for the steps that do something).
    /// </summary>
    public bool IsFolded => Status == NodeStatus.Skipped || (IsPlumbing && Status is NodeStatus.Succeeded or NodeStatus.Pending);
}
