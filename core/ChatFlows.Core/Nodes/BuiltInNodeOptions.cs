using ChatFlows.Core.Agents;

namespace ChatFlows.Core.Nodes;

/// <summary>Settings of the built-in nodes, and the services the ones that reach outside the run use.</summary>
public sealed class BuiltInNodeOptions
{
    /// <summary>
    /// Delays up to this long are awaited in place; longer ones suspend the run on a timed bookmark so that it
    /// holds no thread or memory while it waits.
    /// </summary>
    public TimeSpan InlineDelayLimit { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The agents <c>agent</c> nodes refer to; without it, agent nodes fail with a message saying so.</summary>
    public IAgentStore? Agents { get; set; }

    /// <summary>
    /// Runs agents on their model profiles with the tools they are allowed; without it, agent nodes fail with a
    /// message saying which configuration keys to set. Other nodes never need it.
    /// </summary>
    public AgentRunner? AgentRunner { get; set; }
}
