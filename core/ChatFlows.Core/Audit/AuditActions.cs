namespace ChatFlows.Core.Audit;

/// <summary>The actions the audit log records (README §Audit log).</summary>
public static class AuditActions
{
    public const string WorkflowSaved = "workflow.saved";
    public const string WorkflowDeleted = "workflow.deleted";
    public const string WorkflowImported = "workflow.imported";
    public const string WorkflowRestored = "workflow.restored";
    public const string AgentSaved = "agent.saved";
    public const string AgentDeleted = "agent.deleted";
    public const string ConnectionSaved = "connection.saved";
    public const string ConnectionDeleted = "connection.deleted";
    public const string SecretSet = "secret.set";
    public const string SecretDeleted = "secret.deleted";
    public const string SignedIn = "signin";
    public const string SignInFailed = "signin.failed";
    public const string RunStarted = "run.started";
    public const string RunCancelled = "run.cancelled";
    public const string ApprovalDecided = "approval.decided";
    public const string RoleGranted = "role.granted";
    public const string RoleRevoked = "role.revoked";
    public const string WorkspaceCreated = "workspace.created";
    public const string WorkspaceChanged = "workspace.changed";
}
