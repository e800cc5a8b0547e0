using System.Text.Json;

namespace ChatFlows.Canvas.Api;

/// <summary>
/// The answer of <c>POST /api/workflows/{id}/nodes/{nodeId}/test</c> (README §Test a node): how the node ended
/// (<c>succeeded</c>, <c>failed</c> or <c>waiting</c>), its output and port, its error, how long it took, and where its
/// inputs came from (<c>source</c>; <c>fromRun</c> for the last run).
/// </summary>
internal sealed record NodeTestView(
    string NodeId,
    string Kind,
    string Status,
    JsonElement? Output,
    string? Port,
    string? Error,
    double DurationMs,
    string? WaitsOn,
    string Source,
    string? FromRun,
    JsonElement Trigger);
