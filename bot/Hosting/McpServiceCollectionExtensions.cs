using ChatFlows.Core.Agents;
using ChatFlows.Core.Connections;
using ChatFlows.Core.Mcp;
using Microsoft.Extensions.Options;

namespace ChatFlows.Bot.Hosting;

/// <summary>Registers the MCP servers of <c>ChatFlows:Mcp:Servers</c> and their tools for agents (README §MCP servers).</summary>
public static class McpServiceCollectionExtensions
{
    /// <summary>Adds the options (checked at start-up), one client per server and the <c>mcp:</c> tool source.</summary>
    public static IServiceCollection AddMcp(this IServiceCollection services)
    {
        services.AddOptions<McpOptions>().BindConfiguration(McpOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<McpOptions>, McpOptionsValidation>();
        // Disposed with the host: the programs of stdio servers stop with it.
        services.AddSingleton(sp => new McpClients(
            sp.GetRequiredService<IOptions<McpOptions>>().Value, sp.GetRequiredService<ConnectionRegistry>(), sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton<IAgentToolSource>(sp => new McpToolSource(sp.GetRequiredService<McpClients>()));
        return services;
    }
}
