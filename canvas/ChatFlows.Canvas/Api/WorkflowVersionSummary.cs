namespace ChatFlows.Canvas.Api;

/// <summary>One saved version in a workflow's history (README §Workflow history).</summary>
/// <param name="Version">The version number.</param>
/// <param name="SavedAt">When it was saved.</param>
/// <param name="SavedBy">Who saved it (<c>local</c>, <c>email:ana@corp.example</c>, <c>samples</c>); null for versions saved before authors were kept.</param>
/// <param name="Summary">What it changed from the version before, e.g. <c>+2 nodes, 1 changed, −1 edge</c>; <c>created</c> for the first.</param>
/// <param name="Current">True for the version the workflow is at now.</param>
public sealed record WorkflowVersionSummary(int Version, DateTimeOffset SavedAt, string? SavedBy, string Summary, bool Current);
