using System.Text.Json;

namespace ChatFlows.Bot.Tests;

/// <summary>One event read from a <c>text/event-stream</c>: its <c>event:</c> name and <c>data:</c> JSON.</summary>
public sealed record ServerSentEvent(string Type, JsonElement Data)
{
    public string? NodeId => Data.TryGetProperty("nodeId", out var id) ? id.GetString() : null;

    public override string ToString() => NodeId is null ? Type : $"{Type} {NodeId}";
}
