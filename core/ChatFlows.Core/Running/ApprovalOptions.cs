namespace ChatFlows.Core.Running;

/// <summary><c>ChatFlows:Approvals</c> (README §Approvals).</summary>
public sealed class ApprovalOptions
{
    /// <summary>Identities that may reassign any waiting approval (<c>local</c>, <c>email:ana@corp.example</c>, <c>slack:U012</c>).</summary>
    public List<string> Admins { get; set; } = ["local"];

    /// <summary>E-mail lists approvers may name as <c>email-list:&lt;name&gt;</c>: name → addresses.</summary>
    public Dictionary<string, List<string>> EmailLists { get; set; } = new(StringComparer.Ordinal);

    /// <summary>How often waiting approvals are looked at for reminders and escalations that fell due while none was expected.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(30);
}
