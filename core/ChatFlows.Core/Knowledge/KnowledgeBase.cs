namespace ChatFlows.Core.Knowledge;

/// <summary>
/// A knowledge base (README §Knowledge): documents people added, split into chunks and embedded with the
/// <see cref="Agents.ModelProfile.EmbeddingModel"/> of the profile <see cref="Model"/> names (the default profile when null).
/// </summary>
/// <param name="Id">Lower-case letters, digits and dashes, e.g. <c>runbook</c>.</param>
/// <param name="Name">What people call it.</param>
/// <param name="Model">The model profile whose embedding model indexes and searches it; null for the default profile.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="UpdatedAt">When it or one of its documents last changed.</param>
public sealed record KnowledgeBase(string Id, string Name, string? Model, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    /// <summary>
    /// The workspace it belongs to (README §Workspaces and roles): only that workspace's workflows and agents search it.
    /// Ids stay unique across the install.
    /// </summary>
    public string Workspace { get; init; } = Workspaces.WorkspaceIds.Default;
}
