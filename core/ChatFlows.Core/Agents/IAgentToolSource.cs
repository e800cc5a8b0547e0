using ChatFlows.Core.Documents;
using Microsoft.SemanticKernel;

namespace ChatFlows.Core.Agents;

/// <summary>
/// Tools that are not fixed at start-up (README §Agents and models): workflows as tools (<c>workflow:&lt;id&gt;</c>),
/// MCP servers' tools (<c>mcp:&lt;server&gt;/&lt;tool&gt;</c>), the <c>search_knowledge</c> tool an agent's
/// <c>knowledge</c> gives it. The catalog keeps the built-in tools; a source owns the <c>tools</c> entries it
/// recognises and may add functions that the agent's other settings imply.
/// </summary>
public interface IAgentToolSource
{
    /// <summary>True when <paramref name="entry"/> of an agent's <c>tools</c> is this source's, e.g. starts with <c>workflow:</c>.</summary>
    bool Owns(string entry);

    /// <summary>The entries people may pick for an agent's <c>tools</c> (shown by <c>GET /api/agent-tools</c>).</summary>
    ValueTask<IReadOnlyList<AgentToolInfo>> ListAsync(CancellationToken ct);

    /// <summary>
    /// Problems with the parts of <paramref name="agent"/> this source answers for (the <c>tools</c> entries it owns, as
    /// <c>tools/2</c>; settings of its own, as <c>knowledge/0</c>), checked before the agent is saved.
    /// </summary>
    ValueTask<IReadOnlyList<ValidationProblem>> CheckAsync(AgentDefinition agent, CancellationToken ct);

    /// <summary>
    /// The functions <paramref name="agent"/> gets from this source when it runs. A function's name is what the model
    /// calls (letters, digits, '_' and '-', at most 64); its <see cref="AgentFunction.Entry"/> is how the agent's
    /// <c>tools</c> and <c>confirm</c> lists name it. Throw <see cref="Nodes.NodeException"/> with a sentence for people
    /// when a tool cannot be had (a server down, a workflow deleted).
    /// </summary>
    ValueTask<IReadOnlyList<AgentFunction>> FunctionsAsync(AgentDefinition agent, AgentToolContext? context, CancellationToken ct);
}

/// <summary>A tool as the agent form lists it: the entry its <c>tools</c> list uses and what it does.</summary>
public sealed record AgentToolInfo(string Name, string Description);

/// <summary>A function an agent may call, and the entry (<c>http_get</c>, <c>workflow:triage</c>, <c>mcp:github/*</c>'s tool) that allowed it.</summary>
public sealed record AgentFunction(string Entry, KernelFunction Function);
