using ChatFlows.Canvas.Templates;
using ChatFlows.Core.Agents;
using ChatFlows.Core.Connections;
using ChatFlows.Core.Secrets;
using ChatFlows.Core.Workspaces;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace ChatFlows.Canvas.Api;

/// <summary>
/// <c>/api/templates</c> (README §Templates): the workflows a team starts from, each with the settings it needs and
/// whether this host has them yet. Reading a template creates nothing; the editor opens its document as a new,
/// unsaved workflow.
/// </summary>
public static class TemplatesApi
{
    /// <summary>Maps list and get.</summary>
    public static RouteGroupBuilder MapTemplatesApi(this IEndpointRouteBuilder app)
    {
        var templates = app.MapGroup("/api/templates");
        templates.MapGet("/", ListAsync).RequireRole(Role.Viewer);
        templates.MapGet("/{id}", GetAsync).RequireRole(Role.Viewer);
        return templates;
    }

    private static async Task<Ok<TemplateList>> ListAsync(HttpContext http, TemplateLibrary library, SecretVault secrets, ConnectionRegistry connections, ModelProfiles models, IAgentStore agents, CancellationToken ct)
    {
        var items = new List<TemplateSummary>(library.All.Count);
        foreach (var template in library.All)
        {
            var settings = await CheckAsync(WorkspaceRoute.Of(http), template, secrets, connections, models, agents, ct);
            items.Add(new TemplateSummary(template.Id, template.Name, template.Description, template.Category, settings, template.Workflow.Nodes.Count, template.Kinds));
        }
        return TypedResults.Ok(new TemplateList(items, library.All.Select(t => t.Category).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray()));
    }

    private static async Task<Results<Ok<TemplateDetail>, ProblemHttpResult>> GetAsync(
        string id, HttpContext http, TemplateLibrary library, SecretVault secrets, ConnectionRegistry connections, ModelProfiles models, IAgentStore agents, CancellationToken ct)
    {
        if (library.Find(id) is not { } template)
        {
            return TypedResults.Problem(
                title: "No such template.",
                detail: $"There is no template '{id}'; GET /api/templates lists them.",
                statusCode: StatusCodes.Status404NotFound);
        }
        var settings = await CheckAsync(WorkspaceRoute.Of(http), template, secrets, connections, models, agents, ct);
        return TypedResults.Ok(new TemplateDetail(
            template.Id, template.Name, template.Description, template.Category, settings, template.Workflow.Nodes.Count, template.Kinds, template.Workflow, template.Agents));
    }

    // Whether this host has each setting in the workspace the workflow will be saved in: a checklist a person can act on
    // before the first run, not a validation.
    private static async Task<IReadOnlyList<TemplateSettingView>> CheckAsync(
        string workspace, WorkflowTemplate template, SecretVault secrets, ConnectionRegistry connections, ModelProfiles models, IAgentStore agents, CancellationToken ct)
    {
        var views = new List<TemplateSettingView>(template.Settings.Count);
        foreach (var s in template.Settings)
        {
            var (status, detail) = s.Kind switch
            {
                "secret" => secrets.TryGet(workspace, s.Name, out _) ? ("ready", $"The secret {s.Name} is set.") : ("missing", $"No secret {s.Name} yet."),
                "connection" => connections.Find(workspace, s.Name) switch
                {
                    null => ("missing", $"No connection {s.Name} yet."),
                    var c when !c.Allows(template.Workflow.Id) => ("missing", $"The connection {s.Name} ({c.Type}) exists but does not allow the workflow {template.Workflow.Id}; add it to its workflows."),
                    var c => ("ready", $"The connection {s.Name} ({c.Type}) exists."),
                },
                "model" => models.All.Count > 0
                    ? ("ready", $"Model profile{(models.All.Count == 1 ? "" : "s")} configured: {string.Join(", ", models.All.Select(m => m.Name).Order(StringComparer.Ordinal))}.")
                    : ("missing", "No model profile is configured."),
                "agent" => await agents.GetAsync(s.Name, ct) is { } agent && agent.Workspace == workspace
                    ? ("ready", $"The agent {s.Name} exists.")
                    : template.Agents.Any(a => a?["id"]?.GetValue<string>() == s.Name)
                        ? ("created", $"The agent {s.Name} is created with the workflow when you save it.")
                        : ("missing", $"No agent {s.Name} yet."),
                _ => ("check", "Check it before the first run."),
            };
            views.Add(new TemplateSettingView(s.Kind, s.Name, s.Description, s.Where, status, detail));
        }
        return views;
    }
}
