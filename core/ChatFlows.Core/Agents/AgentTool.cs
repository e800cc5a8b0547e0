using Microsoft.SemanticKernel;

namespace ChatFlows.Core.Agents;

/// <summary>
/// A tool an agent may be allowed to call: its name (what <see cref="AgentDefinition.Tools"/> lists and the model
/// sees), a description for people choosing tools, and the function that runs it.
/// </summary>
public sealed class AgentTool
{
    private readonly Lazy<KernelFunction> _function;

    /// <summary>A tool that runs <paramref name="function"/>.</summary>
    public AgentTool(string name, string description, KernelFunction function)
        : this(name, description, () => function)
    {
    }

    /// <summary>A tool whose function <paramref name="create"/> makes the first time it is needed.</summary>
    public AgentTool(string name, string description, Func<KernelFunction> create)
    {
        Name = name;
        Description = description;
        _function = new Lazy<KernelFunction>(create, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The name agents list and the model calls.</summary>
    public string Name { get; }

    /// <summary>What the tool does, for people choosing tools.</summary>
    public string Description { get; }

    /// <summary>The function that runs the tool.</summary>
    public KernelFunction Function => _function.Value;
}
