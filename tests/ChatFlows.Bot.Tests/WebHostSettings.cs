using Microsoft.AspNetCore.Hosting;

namespace ChatFlows.Bot.Tests;

/// <summary>Settings a test host adds on top of its own.</summary>
internal static class WebHostSettings
{
    /// <summary>Applies every setting of <paramref name="settings"/>; they win over those set before.</summary>
    public static IWebHostBuilder UseSettings(this IWebHostBuilder builder, IReadOnlyDictionary<string, string> settings)
    {
        foreach (var (key, value) in settings) builder.UseSetting(key, value);
        return builder;
    }
}
