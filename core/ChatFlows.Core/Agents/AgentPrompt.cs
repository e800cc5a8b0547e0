using ChatFlows.Core.Messaging;

namespace ChatFlows.Core.Agents;

/// <summary>What an agent is asked: the input, after the earlier messages of its thread when the node sends them.</summary>
/// <param name="Input">The user message.</param>
/// <param name="History">Earlier messages, oldest first: people's as the user, the bot's as the assistant.</param>
public sealed record AgentPrompt(string Input, IReadOnlyList<ThreadMessage> History)
{
    /// <summary>Only an input, no history.</summary>
    public AgentPrompt(string input)
        : this(input, [])
    {
    }
}
