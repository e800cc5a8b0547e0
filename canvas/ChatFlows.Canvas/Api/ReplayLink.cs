namespace ChatFlows.Canvas.Api;

/// <summary>The run a replay replays and the node it replays from, with that node's name (README §Replay a run).</summary>
internal sealed record ReplayLink(string RunId, string FromNode, string? FromNodeName);
