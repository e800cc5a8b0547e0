using Microsoft.SemanticKernel;

namespace ChatFlows.Core.Agents;

/// <summary>
/// A tool an agent may be allowed to call: its name (what <see cref="AgentDefinition.Tools"/> lists and the model
/// sees), a description for people choosing tools, and the function that runs it.
/// </summary>
public sealed record AgentTool(string Name, string Description, KernelFunction Function);
