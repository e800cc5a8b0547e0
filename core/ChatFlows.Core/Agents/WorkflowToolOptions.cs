using System.ComponentModel.DataAnnotations;

namespace ChatFlows.Core.Agents;

/// <summary>How agents call workflows as tools (<c>ChatFlows:WorkflowTools</c>, README §Workflows as tools).</summary>
public sealed class WorkflowToolOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "ChatFlows:WorkflowTools";

    /// <summary>How long a call waits for the workflow's run to end; after it the model is told the run goes on.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "ChatFlows:WorkflowTools:Timeout must be between 00:00:01 and 1.00:00:00.")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(10);
}
