namespace ChatFlows.Core.Audit;

/// <summary>
/// One entry of the audit log (README §Audit log): who did what, when, from where. Entries are only ever appended;
/// they are kept for <c>ChatFlows:Audit:RetainFor</c>, longer than runs.
/// </summary>
/// <param name="Id">Its position in the log (assigned when appended; 0 before).</param>
/// <param name="At">When it happened.</param>
/// <param name="Workspace">The workspace it happened in.</param>
/// <param name="Actor">Who did it (<c>email:ana@corp.example</c>, <c>slack:U…</c>, <c>local</c>, <c>api-key</c>, …).</param>
/// <param name="Surface">Where they did it (<see cref="AuditSurfaces"/>).</param>
/// <param name="Action">What they did (<see cref="AuditActions"/>).</param>
/// <param name="Target">What it was done to (a workflow id, a run id, a secret's name — never a secret's value).</param>
/// <param name="Detail">A short sentence or JSON with the particulars, or null.</param>
/// <param name="Address">The caller's network address, when known.</param>
public sealed record AuditEntry(
    long Id,
    DateTimeOffset At,
    string Workspace,
    string Actor,
    string Surface,
    string Action,
    string Target,
    string? Detail,
    string? Address);
