namespace ChatFlows.Core.Running;

/// <summary>Why a run failed: the node and its error.</summary>
/// <param name="NodeId">The failing node, or null when the run failed as a whole.</param>
/// <param name="Message">What went wrong.</param>
public sealed record RunError(string? NodeId, string Message)
{
    public override string ToString() => NodeId is null ? Message : $"{NodeId}: {Message}";
}
