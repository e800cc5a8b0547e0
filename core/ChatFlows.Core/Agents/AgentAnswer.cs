using ChatFlows.Core.Running;

namespace ChatFlows.Core.Agents;

/// <summary>What one agent run produced: the model's answer, the tools it called and the tokens it spent.</summary>
/// <param name="Text">The model's final answer; empty while <see cref="Confirmation"/> waits.</param>
/// <param name="Steps">Every tool call, in order (and the trim of the context, if any); empty when there were none.</param>
/// <param name="Usage">Tokens over every model call of the run, priced when the profile gives prices; null when the server reported none.</param>
public sealed record AgentAnswer(string Text, IReadOnlyList<NodeStep> Steps, TokenUsage? Usage)
{
    /// <summary>
    /// Set when the model asked for a tool in the agent's <c>confirm</c> list: the call was not made, and the
    /// conversation waits for a person to decide (<see cref="AgentRunner.ResumeAsync"/>).
    /// </summary>
    public AgentConfirmation? Confirmation { get; init; }
}
