using ChatFlows.Canvas.Api;
using ChatFlows.Canvas.Pages;
using ChatFlows.Canvas.Templates;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Workspaces;
using Microsoft.Extensions.DependencyInjection;

namespace ChatFlows.Canvas;

/// <summary>Registers the canvas: the editor, dashboard and other pages and their JSON API.</summary>
public static class CanvasServiceCollectionExtensions
{
    /// <summary>Adds what the canvas's pages and API need, and the JSON settings of its API.</summary>
    public static IServiceCollection AddCanvas(this IServiceCollection services)
    {
        services.AddSingleton<StaticAssetVersions>();
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
