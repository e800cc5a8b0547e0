namespace ChatFlows.Canvas.Api;

/// <summary>The members of a workspace, by principal.</summary>
/// <param name="Workspace">The workspace.</param>
/// <param name="Members">Its grants.</param>
public sealed record MemberList(string Workspace, IReadOnlyList<MemberView> Members);
