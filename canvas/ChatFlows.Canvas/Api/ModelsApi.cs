using ChatFlows.Core.Agents;
using ChatFlows.Core.Workspaces;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace ChatFlows.Canvas.Api;

/// <summary>
/// <c>GET /api/models</c>: the model profiles configured under <c>ChatFlows:Models</c>, by name, so an agent form can
/// offer them. Names, providers and model ids only: never endpoints' keys or any other setting.
/// </summary>
public static class ModelsApi
{
    /// <summary>Maps the list.</summary>
    public static IEndpointRouteBuilder MapModelsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/models", List).RequireRole(Role.Viewer);
        return app;
    }

    private static Ok<ModelList> List(ModelProfiles profiles)
    {
        var all = profiles.All.OrderBy(p => p.Name, StringComparer.Ordinal).ToArray();
        var defaults = all.Where(p => p.Default).ToArray();
        // As an agent without a model resolves it: the one marked Default, or the only profile there is.
        var fallback = defaults.Length == 1 ? defaults[0] : defaults.Length == 0 && all.Length == 1 ? all[0] : null;
        return TypedResults.Ok(new ModelList(all.Select(p => new ModelSummary(p.Name, p.Provider, p.Model, ReferenceEquals(p, fallback))).ToArray()));
    }
}
