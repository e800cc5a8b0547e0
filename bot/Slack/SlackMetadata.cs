using System.Text.Json;

namespace ChatFlows.Bot.Slack;

/// <summary>
/// Slack message metadata (https://api.slack.com/metadata): what a message is about, stored with it and returned by
/// <c>conversations.history</c> with <c>include_all_metadata=true</c>. ChatFlows tags every card with
/// <see cref="CardEventType"/> and <c>{run_id, kind, node_id}</c>, and every message a run posts with
/// <see cref="MessageEventType"/> and <c>{run_id, node_id}</c>, so a post whose answer was lost is found again instead
/// of being posted twice.
/// </summary>
/// <param name="EventType">What happened, e.g. <c>chatflows_card</c>.</param>
/// <param name="EventPayload">A JSON object of strings.</param>
public sealed record SlackMetadata(string EventType, JsonElement EventPayload)
{
    /// <summary>The event type of ChatFlows' cards.</summary>
    public const string CardEventType = "chatflows_card";

    /// <summary>The event type of the messages runs post (<c>output/message</c>).</summary>
    public const string MessageEventType = "chatflows_message";

    /// <summary>The metadata of a run's card.</summary>
    public static SlackMetadata Card(string runId, string kind, string nodeId) =>
        new(CardEventType, JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["run_id"] = runId, ["kind"] = kind, ["node_id"] = nodeId }));

    /// <summary>True when this is the metadata of that run's card.</summary>
    public bool IsCard(string runId, string kind, string nodeId) =>
        EventType == CardEventType && EventPayload.ValueKind == JsonValueKind.Object
        && Value("run_id") == runId && Value("kind") == kind && (Value("node_id") ?? "") == nodeId;

    /// <summary>The metadata of the message node <paramref name="nodeId"/> of run <paramref name="runId"/> posts.</summary>
    public static SlackMetadata Message(string runId, string nodeId) =>
        new(MessageEventType, JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["run_id"] = runId, ["node_id"] = nodeId }));

    /// <summary>True when this is the metadata of the message that node of that run posted.</summary>
    public bool IsMessage(string runId, string nodeId) =>
        EventType == MessageEventType && EventPayload.ValueKind == JsonValueKind.Object && Value("run_id") == runId && Value("node_id") == nodeId;

    private string? Value(string name) =>
        EventPayload.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
