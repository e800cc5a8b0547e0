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
        services.AddRazorPages();
        // The audit log page is for the workspace's admins, as GET /api/audit is (README §Audit log).
        services.Configure<RazorPagesOptions>(o => o.Conventions.AddPageApplicationModelConvention(
            "/Audit/Index", page => page.EndpointMetadata.Add(new RequiredRole(Role.Admin))));
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
