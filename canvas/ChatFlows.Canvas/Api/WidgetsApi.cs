using ChatFlows.Core.Widgets;
using ChatFlows.Core.Workspaces;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace ChatFlows.Canvas.Api;

/// <summary>
/// <c>/api/widgets</c> (README §Dashboard widgets): the widgets <c>output/widget</c> nodes set. Runs set them; people
/// read and delete them. Widgets belong to the workspace of the workflow that set them (<c>/api/w/{workspace}/widgets</c>,
/// README §Workspaces and roles); another workspace's widget answers 404 as if it did not exist.
/// </summary>
public static class WidgetsApi
{
    /// <summary>Maps list, get and delete.</summary>
    public static RouteGroupBuilder MapWidgetsApi(this IEndpointRouteBuilder app)
    {
        var widgets = app.MapGroup("/api/widgets");
        widgets.MapGet("/", ListAsync).RequireRole(Role.Viewer);
        widgets.MapGet("/{name}", GetAsync).RequireRole(Role.Viewer);
        widgets.MapDelete("/{name}", DeleteAsync).RequireRole(Role.Editor);
        return widgets;
    }

    private static async Task<Ok<WidgetList>> ListAsync(HttpContext http, IWidgetStore widgets, CancellationToken ct) =>
        TypedResults.Ok(new WidgetList((await widgets.ListAsync(WorkspaceRoute.Of(http), ct)).Select(w => WidgetView.Of(w, withHistory: false)).ToArray()));

    private static async Task<Results<Ok<WidgetView>, ProblemHttpResult, ValidationProblem>> GetAsync(string name, HttpContext http, IWidgetStore widgets, CancellationToken ct)
    {
        if (!WidgetNode.IsValidName(name)) return BadName(name);
        var widget = await widgets.GetAsync(name, ct);
        return widget is null || widget.Workspace != WorkspaceRoute.Of(http) ? NoSuchWidget(name) : TypedResults.Ok(WidgetView.Of(widget, withHistory: true));
    }

    private static async Task<Results<NoContent, ProblemHttpResult, ValidationProblem>> DeleteAsync(string name, HttpContext http, IWidgetStore widgets, CancellationToken ct)
    {
        if (!WidgetNode.IsValidName(name)) return BadName(name);
        if (await widgets.GetAsync(name, ct) is not { } widget || widget.Workspace != WorkspaceRoute.Of(http)) return NoSuchWidget(name);
        return await widgets.DeleteAsync(name, ct) ? TypedResults.NoContent() : NoSuchWidget(name);
    }

    private static ProblemHttpResult NoSuchWidget(string name) => TypedResults.Problem(
        title: "No such widget.", detail: $"There is no widget '{name}'; an output/widget node creates it when it runs.", statusCode: StatusCodes.Status404NotFound);

    private static ValidationProblem BadName(string name) => TypedResults.ValidationProblem(
        new Dictionary<string, string[]> { ["name"] = [$"'{name}' is not a widget name; {WidgetNode.NameRule}."] },
        title: "The widget name is not valid.");
}
