using ChatFlows.Core.Running;

namespace ChatFlows.Canvas.Api;

/// <summary>One replay of a run, as the run detail lists it (README §Replay a run).</summary>
internal sealed record ReplaySummary(string RunId, string FromNode, string? FromNodeName, RunStatus Status, DateTimeOffset CreatedAt);
