using System.Text.Json;

namespace ChatFlows.Core.Testing;

/// <summary>
/// What a node gives in a workflow test instead of running (README §Workflow tests): an output and the port it fires,
/// or an error that fails it (and goes through its <c>onError</c> like a real failure).
/// </summary>
/// <param name="Output">The node's output; null for none.</param>
/// <param name="Port">The port that fires (<c>true</c>, <c>approved</c>, …); null for the default port.</param>
/// <param name="Error">When set, the node fails with this message instead.</param>
public sealed record NodeMock(JsonElement? Output, string? Port, string? Error);
