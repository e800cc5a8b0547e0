using ChatFlows.Core.Documents;

namespace ChatFlows.Core.Storage;

/// <summary>One saved version of a workflow (README §Workflow history): its document, when and by whom it was saved.</summary>
/// <param name="Document">The document as saved, with its version.</param>
/// <param name="SavedAt">When it was saved.</param>
/// <param name="SavedBy">The identity that saved it (<c>local</c>, <c>email:ana@corp.example</c>), or null when unknown (saved before authors were kept, or by a program that named nobody).</param>
public sealed record WorkflowVersion(WorkflowDocument Document, DateTimeOffset SavedAt, string? SavedBy);
