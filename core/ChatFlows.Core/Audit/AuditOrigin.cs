namespace ChatFlows.Core.Audit;

/// <summary>Who did something and from where, for the audit entry the engine records for them (README §Audit log).</summary>
/// <param name="Actor">The identity (<c>slack:U012</c>, <c>email:ana@corp.example</c>, <c>webhook</c>, <c>schedule</c>).</param>
/// <param name="Surface">Where (<see cref="AuditSurfaces"/>).</param>
/// <param name="Address">The caller's network address, when known.</param>
public sealed record AuditOrigin(string Actor, string Surface, string? Address = null)
{
    /// <summary>The surface a chat identity or channel address (<c>slack:U012</c>, <c>teams:…</c>, <c>playground:ada</c>) comes from.</summary>
    public static string SurfaceOfChat(string address) => address.IndexOf(':', StringComparison.Ordinal) is > 0 and var colon
        ? address[..colon] switch
        {
            AuditSurfaces.Slack => AuditSurfaces.Slack,
            AuditSurfaces.Teams => AuditSurfaces.Teams,
            AuditSurfaces.Playground => AuditSurfaces.Playground,
            _ => AuditSurfaces.Api,
        }
        : AuditSurfaces.Api;
}
