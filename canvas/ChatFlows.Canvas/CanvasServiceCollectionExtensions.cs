using ChatFlows.Canvas.Api;
using ChatFlows.Canvas.Templates;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Workspaces;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.DependencyInjection;

namespace ChatFlows.Canvas;

/// <summary>Registers the canvas: the Razor Pages editor, dashboard and their JSON API.</summary>
public static class CanvasServiceCollectionExtensions
{
    /// <summary>Adds the canvas's Razor Pages and the JSON settings of its API.</summary>
    public static IServiceCollection AddCanvas(this IServiceCollection services)
    {
        // Every page needs the viewer role (CanvasEndpoints); Members and Audit log need admin (README §Workspaces and roles, §Audit log).
        services.AddRazorPages(options =>
        {
            foreach (var adminPage in new[] { "/Members/Index", "/Audit/Index" })
            {
                options.Conventions.AddPageRouteModelConvention(adminPage, page =>
                {
                    foreach (var selector in page.Selectors) selector.EndpointMetadata.Add(new RequiredRole(Role.Admin));
                });
            }
        });
        services.AddOptions<TemplateOptions>().BindConfiguration(TemplateOptions.SectionName);
        services.AddSingleton<TemplateLibrary>();
        services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.Converters.Add(new WorkflowDocumentJsonConverter());
            // A payload accepted at the input limit sits a few levels down in a run's detail; it must still be answered.
            options.SerializerOptions.MaxDepth = StrictJson.StoredMaxDepth;
        });
        return services;
    }
}
