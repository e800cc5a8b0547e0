using ChatFlows.Core.Documents;
using ChatFlows.Core.Storage;

namespace ChatFlows.Canvas.Api;

/// <summary>A workflow in the list: enough to show it and to start it from one of its triggers.</summary>
internal sealed record WorkflowSummary(
    string Id, string Name, string? Description, int Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, IReadOnlyList<TriggerSummary> Triggers)
{
    public static WorkflowSummary From(StoredWorkflow stored)
    {
        var document = stored.Document;
        var triggers = document.Nodes
            .Where(n => n.Type == NodeTypes.Trigger)
            .Select(n => new TriggerSummary(n.Id, n.Kind))
            .ToArray();
        return new(document.Id, document.DisplayName, document.Description, document.Version, stored.CreatedAt, stored.UpdatedAt, triggers);
    }
}
