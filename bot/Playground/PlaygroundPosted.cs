using System.Text.Json;
using ChatFlows.Bot.Cards;
using ChatFlows.Bot.Chat;

namespace ChatFlows.Bot.Playground;

/// <summary>The answer to a person's message: the message as stored, and what ChatFlows tells only them (for a command).</summary>
public sealed record PlaygroundPosted(PlaygroundMessage Message, PlaygroundReply? Reply);

/// <summary>What ChatFlows tells only the person who typed a command: its text, the run it started, and approval cards (<c>/run approvals</c>).</summary>
public sealed record PlaygroundReply(string Text, string? RunId, IReadOnlyList<JsonElement> Cards)
{
    /// <summary>A command's answer with each approval as its Adaptive Card, whose Approve and Reject decide as in the thread.</summary>
    public static PlaygroundReply From(ChatReply reply) => new(reply.Text, reply.RunId, reply.Approvals.Select(v => ApprovalCard.Render(v).ToJson()).ToArray());
}
