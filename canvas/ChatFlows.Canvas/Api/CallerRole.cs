using ChatFlows.Core.Workspaces;
using Microsoft.AspNetCore.Http;

namespace ChatFlows.Canvas.Api;

/// <summary>
/// The caller's role in the workspace a request addresses (README §Workspaces and roles), as the host's role check
/// worked it out before the endpoint ran; endpoints and pages read it to go further than their
/// <see cref="RequiredRole"/> (a runner cancels only their own runs; the Members link shows to admins).
/// </summary>
public static class CallerRole
{
    private const string ItemKey = "chatflows:role";

    /// <summary>The caller's role in <see cref="WorkspaceRoute.Of"/>; <see cref="Role.None"/> when nothing checked it.</summary>
    public static Role Of(HttpContext http) => http.Items[ItemKey] is Role role ? role : Role.None;

    /// <summary>Remembers the caller's role for the rest of the request.</summary>
    public static void Remember(HttpContext http, Role role) => http.Items[ItemKey] = role;
}
