using System.Text.Json;

namespace ChatFlows.Core.Testing;

/// <summary>
/// How a tested node ended (README §Test a node): <c>succeeded</c> with its output and the port it fired (null for the
/// default port), <c>failed</c> with its error, or <c>waiting</c> (an approval shows the request it would post, and
/// <see cref="WaitsOn"/> names what it waits for). Secrets the node read are redacted as in a run.
/// </summary>
public sealed record NodeTestResult(
    string NodeId,
    string Kind,
    string Status,
    JsonElement? Output,
    string? Port,
    string? Error,
    double DurationMs,
    string? WaitsOn);
