namespace ChatFlows.Core.Documents;

/// <summary>A node both versions have (same id) whose settings differ: both versions of it and every field that changed.</summary>
/// <param name="Id">The node id.</param>
/// <param name="Old">The node in the older version.</param>
/// <param name="New">The node in the newer version.</param>
/// <param name="Fields">Each differing field, by path (<c>config/url</c>, <c>name</c>, <c>retry/maxAttempts</c>).</param>
public sealed record NodeChange(string Id, WorkflowNode Old, WorkflowNode New, IReadOnlyList<FieldChange> Fields);
