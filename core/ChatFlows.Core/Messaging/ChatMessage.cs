using System.Text.Json;

namespace ChatFlows.Core.Messaging;

/// <summary>A message a run posts: text (Markdown-ish: *bold*, _italic_, `code`, links, lists) or a card, or both.</summary>
public sealed record ChatMessage
{
    /// <summary>
    /// Where it goes: a channel (<c>slack:C0123</c>, <c>teams:&lt;conversation id&gt;</c>, <c>playground:general</c>) or a
    /// run's thread, which is a channel address the adapter extended with its thread id.
    /// </summary>
    public required string Target { get; init; }

    public string? Text { get; init; }

    /// <summary>A card as JSON, for the adapter to render (an Adaptive Card; Slack turns it into blocks).</summary>
    public JsonElement? Card { get; init; }

    public required string RunId { get; init; }

    public required string WorkflowId { get; init; }

    /// <summary>The node that posts it.</summary>
    public required string NodeId { get; init; }

    /// <summary>The platform part of <see cref="Target"/>: <c>slack</c>, <c>teams</c> or <c>playground</c>.</summary>
    public string Platform => Target[..Math.Max(0, Target.IndexOf(':', StringComparison.Ordinal))];
}
