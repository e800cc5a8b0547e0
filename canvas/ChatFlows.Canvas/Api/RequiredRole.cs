using ChatFlows.Core.Workspaces;
using Microsoft.AspNetCore.Builder;

namespace ChatFlows.Canvas.Api;

/// <summary>
/// Endpoint metadata: the role a caller needs in the addressed workspace (<see cref="WorkspaceRoute"/>) to use the
/// endpoint (README §Workspaces and roles). Every endpoint carries one; <see cref="Role.None"/> marks an endpoint
/// that checks its callers itself (chat platforms, webhooks, sign-in, health).
/// </summary>
public sealed record RequiredRole(Role Role);

/// <summary>Declares the role an endpoint needs.</summary>
public static class RequiredRoleExtensions
{
    /// <summary>The caller needs <paramref name="role"/> (or a higher one) in the addressed workspace.</summary>
    public static TBuilder RequireRole<TBuilder>(this TBuilder builder, Role role) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequiredRole(role));
}
