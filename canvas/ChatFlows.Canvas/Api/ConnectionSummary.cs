namespace ChatFlows.Canvas.Api;

/// <summary>
/// A connection as the API shows it: its settings without the credentials, which are write-only; <c>credentials</c>
/// names the credential settings that have a value.
/// </summary>
internal sealed record ConnectionSummary(
    string Name, string Type, IReadOnlyList<string> Workflows, string Source, IReadOnlyDictionary<string, string> Settings, IReadOnlyList<string> Credentials);

/// <summary><c>GET /api/connections</c>.</summary>
internal sealed record ConnectionList(IReadOnlyList<ConnectionSummary> Items);
