using ChatFlows.Core.Agents;
using ChatFlows.Core.Running;
using ChatFlows.Core.Storage;
using ChatFlows.Core.Workspaces;
using Microsoft.Extensions.Options;

namespace ChatFlows.Bot.Hosting;

/// <summary>Registers workflows as agent tools (README §Workflows as tools).</summary>
public static class WorkflowToolsServiceCollectionExtensions
{
    /// <summary>Adds <see cref="WorkflowToolSource"/> and its options (<c>ChatFlows:WorkflowTools</c>).</summary>
    public static IServiceCollection AddWorkflowTools(this IServiceCollection services)
    {
        services.AddOptions<WorkflowToolOptions>().BindConfiguration(WorkflowToolOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        // Lazily: the starter and plans need the node registry, which needs the agent runner, which needs this source.
        services.AddSingleton<IAgentToolSource>(sp => new WorkflowToolSource(
            sp.GetRequiredService<IWorkflowStore>(), sp.GetRequiredService<IRunStore>(), sp.GetRequiredService<WorkflowPlans>, sp.GetRequiredService<RunStarter>,
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptions<WorkflowToolOptions>>().Value,
            sp.GetRequiredService<IOptions<RunWorkerOptions>>().Value.MaxSubworkflowDepth, sp.GetRequiredService<IWorkspaceStore>()));
        return services;
    }
}
