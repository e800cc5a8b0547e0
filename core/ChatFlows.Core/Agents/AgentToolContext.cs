using ChatFlows.Core.Connections;
using ChatFlows.Core.Nodes;
using Microsoft.SemanticKernel;

namespace ChatFlows.Core.Agents;

/// <summary>
/// The run an agent's tool call happens in: tools that reach a connection check it against both the agent's own
/// list of connections and the workflow's right to use it, and tools with side effects record them on the node
/// so that a re-executed node does not repeat them (docs/semantics.md, side effects).
/// </summary>
public sealed class AgentToolContext(AgentDefinition agent, NodeContext node)
{
    private const string DataKey = "chatflows.tool-context";

    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<KernelArguments, string> _stepRuns = [];

    private int _childRuns;

    /// <summary>The agent making the call.</summary>
    public AgentDefinition Agent { get; } = agent;

    /// <summary>The agent node's context: the run, the workflow, the node's effects.</summary>
    public NodeContext Node { get; } = node;

    /// <summary>The context of the run a tool function is called in, from the kernel Semantic Kernel hands it.</summary>
    /// <exception cref="InvalidOperationException">The tool is called outside an agent node.</exception>
    public static AgentToolContext From(Kernel kernel) =>
        kernel.Data.TryGetValue(DataKey, out var value) && value is AgentToolContext context
            ? context
            : throw new InvalidOperationException("This tool can only be called by an agent inside a run.");

    /// <summary>The context a kernel carries, or null outside an agent node.</summary>
    internal static AgentToolContext? Find(Kernel kernel) => kernel.Data.TryGetValue(DataKey, out var value) ? value as AgentToolContext : null;

    /// <summary>
    /// Links the call made with <paramref name="arguments"/> to the run it started (a workflow tool's child run), so
    /// that its step links to that run (README §Workflows as tools).
    /// </summary>
    public void LinkStep(KernelArguments arguments, string runId) => _stepRuns.AddOrUpdate(arguments, runId);

    /// <summary>The run linked to the call made with <paramref name="arguments"/>, if any.</summary>
    internal string? RunOf(KernelArguments? arguments) => arguments is not null && _stepRuns.TryGetValue(arguments, out var runId) ? runId : null;

    /// <summary>
    /// The number of the next run this node's tools start, counting the runs its conversation started before it paused
    /// for a confirmation, so that the Nth start is the same run however often the node executes (docs/semantics.md,
    /// side effects).
    /// </summary>
    public int NextChildRun() => Interlocked.Increment(ref _childRuns);

    /// <summary>Numbers the next child runs after <paramref name="taken"/>, the numbers a resumed conversation may have used before it paused.</summary>
    internal void NumberChildRunsAfter(int taken) => _childRuns = taken;

    /// <summary>Puts this context where <see cref="From"/> finds it.</summary>
    internal void AttachTo(Kernel kernel) => kernel.Data[DataKey] = this;

    /// <summary>
    /// The connection <paramref name="name"/> for a tool call: the agent must list it in its connections, and the
    /// connection must allow the run's workflow. The message of the exception is what the model reads.
    /// </summary>
    public Connection UseConnection(ConnectionRegistry? connections, string name, string type)
    {
        if (!Agent.Connections.Contains(name, StringComparer.Ordinal))
        {
            var allowed = Agent.Connections.Count == 0 ? "none" : string.Join(", ", Agent.Connections);
            throw new InvalidOperationException($"Agent '{Agent.Id}' may not use connection '{name}'; the connections it may use are: {allowed}.");
        }
        if (connections is null) throw new InvalidOperationException("Connections are not available on this host.");
        try
        {
            return connections.Use(name, type, Node);
        }
        catch (NodeException ex)
        {
            throw new InvalidOperationException(ex.Message, ex);
        }
    }
}
