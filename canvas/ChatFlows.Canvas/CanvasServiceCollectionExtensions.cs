using Microsoft.Extensions.DependencyInjection;

namespace ChatFlows.Canvas;

/// <summary>Registers the canvas: the Razor Pages editor, dashboard and their JSON API.</summary>
public static class CanvasServiceCollectionExtensions
{
    /// <summary>Adds the canvas's Razor Pages.</summary>
    public static IServiceCollection AddCanvas(this IServiceCollection services)
    {
        services.AddRazorPages();
        return services;
    }
}
