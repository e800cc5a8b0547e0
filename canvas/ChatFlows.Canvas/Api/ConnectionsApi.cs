using ChatFlows.Core.Connections;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace ChatFlows.Canvas.Api;

/// <summary>
/// <c>/api/connections</c> (README §Connections): the named credentials nodes refer to. Credentials are write-only,
/// like secrets: listings show every other setting, and only the names of the credentials that are set.
/// </summary>
public static class ConnectionsApi
{
    /// <summary>Maps the list.</summary>
    public static RouteGroupBuilder MapConnectionsApi(this IEndpointRouteBuilder app)
    {
        var connections = app.MapGroup("/api/connections");
        connections.MapGet("/", List);
        return connections;
    }

    private static Ok<ConnectionList> List(ConnectionRegistry registry) =>
        TypedResults.Ok(new ConnectionList(registry.List().Select(Summarize).ToArray()));

    internal static ConnectionSummary Summarize(Connection connection) => new(
        connection.Name,
        connection.Type,
        connection.Workflows,
        connection.Source,
        connection.Settings.Where(p => !ConnectionTypes.IsCredential(connection.Type, p.Key)).ToDictionary(p => p.Key, p => p.Value, StringComparer.OrdinalIgnoreCase),
        connection.Settings.Where(p => p.Value.Length > 0 && ConnectionTypes.IsCredential(connection.Type, p.Key)).Select(p => p.Key).Order(StringComparer.Ordinal).ToArray());
}
