using ChatFlows.Core.Audit;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ChatFlows.Canvas.Api;

/// <summary>Records what a caller of the canvas or the API did in the audit log (README §Audit log): who, from where, in which workspace.</summary>
public static class AuditTrail
{
    /// <summary>
    /// Appends an entry for <paramref name="action"/> on <paramref name="target"/> by the caller of <paramref name="http"/>, at the
    /// host's <see cref="TimeProvider"/> time. Call it after the change succeeded; it is not cancelled with the request.
    /// </summary>
    public static Task<AuditEntry> RecordAsync(this IAuditLog log, HttpContext http, string action, string target, string? detail = null) =>
        log.RecordAsAsync(http, Caller.Of(http)?.Id ?? "anonymous", action, target, detail);

    /// <summary>
    /// Appends an entry for <paramref name="action"/> by <paramref name="actor"/>, named by the caller because the request
    /// does not carry them yet (a sign-in, a failed one).
    /// </summary>
    public static Task<AuditEntry> RecordAsAsync(this IAuditLog log, HttpContext http, string actor, string action, string target, string? detail = null) =>
        log.AppendAsync(new AuditEntry(
            0,
            (http.RequestServices.GetService<TimeProvider>() ?? TimeProvider.System).GetUtcNow(),
            WorkspaceRoute.Of(http),
            actor,
            SurfaceOf(http),
            action,
            target,
            detail,
            AddressOf(http)),
            CancellationToken.None);

    /// <summary>The caller of <paramref name="http"/> as the origin of something the engine records (a run it starts, an approval it decides).</summary>
    public static AuditOrigin OriginOf(HttpContext http) => new(Caller.Of(http)?.Id ?? "anonymous", SurfaceOf(http), AddressOf(http));

    // A program sends the API key; a browser carries a sign-in cookie or is this machine's own user.
    private static string SurfaceOf(HttpContext http) =>
        http.User.Identity?.AuthenticationType == "api-key" ? AuditSurfaces.Api : AuditSurfaces.Canvas;

    private static string? AddressOf(HttpContext http) => http.Connection.RemoteIpAddress?.ToString();
}
