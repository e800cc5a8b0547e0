namespace ChatFlows.Core.Workspaces;

/// <summary>
/// What someone may do in a workspace (README §Workspaces and roles). Each role includes the ones below it.
/// </summary>
public enum Role
{
    /// <summary>Nothing: the workspace is not theirs.</summary>
    None = 0,

    /// <summary>Sees workflows, runs, agents and the rest; changes nothing.</summary>
    Viewer = 1,

    /// <summary>Also starts runs, cancels their own, and decides approvals that list them.</summary>
    Runner = 2,

    /// <summary>Also saves workflows, agents, knowledge bases and widgets.</summary>
    Editor = 3,

    /// <summary>Also manages members, connections and secrets.</summary>
    Admin = 4,
}
