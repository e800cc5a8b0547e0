using ChatFlows.Core.Documents;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Workspaces;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace ChatFlows.Canvas.Api;

/// <summary>
/// <c>GET /api/node-kinds</c>: every node kind the host runs, as the editor's palette, inspector and kind pickers show
/// them (README §Node kinds): types in palette order with their label, colour and kind field, then each kind with its
/// ports, side effect, the config a new node starts with and its form's fields. The descriptions live beside each
/// node's config rules (its <c>Register</c>), so the editor never repeats them.
/// </summary>
public static class NodeKindsApi
{
    /// <summary>Maps the list.</summary>
    public static IEndpointRouteBuilder MapNodeKindsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/node-kinds", List).RequireRole(Role.Viewer);
        return app;
    }

    private static Ok<NodeKindList> List(NodeRegistry registry)
    {
        var types = NodeTypeInfo.All.Where(t => registry.Kinds.Any(k => k.Type == t.Type)).ToArray();
        var kinds = registry.Kinds
            .OrderBy(k => Rank(k.Type))
            .Select(k => new NodeKindSummary(
                k.Type, k.Kind, k.Name, k.Label, k.Description, k.Ports, k.SideEffect, k.NewConfig(), k.Fields))
            .ToArray();
        return TypedResults.Ok(new NodeKindList(types, NodeTypes.ErrorPort, kinds));
    }

    // Stable: kinds of one type keep the order they were registered in.
    private static int Rank(string type)
    {
        var index = NodeTypes.All.ToList().IndexOf(type);
        return index < 0 ? int.MaxValue : index;
    }
}
