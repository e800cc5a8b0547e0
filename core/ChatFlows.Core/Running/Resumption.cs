using System.Text.Json;

namespace ChatFlows.Core.Running;

/// <summary>Wakes the node waiting on <paramref name="Bookmark"/> (optionally a given node) with <paramref name="Value"/>.</summary>
public sealed record Resumption(string Bookmark, JsonElement? Value = null, string? NodeId = null);
