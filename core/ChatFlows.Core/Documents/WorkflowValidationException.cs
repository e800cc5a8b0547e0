namespace ChatFlows.Core.Documents;

/// <summary>A document that cannot be run; carries every problem found.</summary>
public sealed class WorkflowValidationException(string workflowId, IReadOnlyList<ValidationProblem> problems)
    : Exception($"Workflow '{workflowId}' is not valid: " + string.Join("; ", problems))
{
    /// <summary>Every problem, with its path.</summary>
    public IReadOnlyList<ValidationProblem> Problems { get; } = problems;
}
