using ChatFlows.Core.Documents;

namespace ChatFlows.Core.Storage;

/// <summary>A saved workflow: its current document (with its version) and when it was created and last saved.</summary>
public sealed record StoredWorkflow(WorkflowDocument Document, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);
