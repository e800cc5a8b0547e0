using ChatFlows.Core.Documents;
using ChatFlows.Core.Running;
using ChatFlows.Core.Storage;

namespace ChatFlows.Canvas.Api;

/// <summary>
/// A workflow in the list: enough to show it and to start it from one of its triggers. <c>nextRunAt</c> is the
/// earliest next fire time of its schedule triggers (null without one); <c>lastRun</c> its newest run, if any;
/// <c>setup</c> what it needs before it can run (<see cref="WorkflowSetup"/>), empty when it is ready; <c>history</c> which
/// of its ended runs are kept (<see cref="HistoryPolicies"/>), so lists can say why successful runs are missing.
/// </summary>
internal sealed record WorkflowSummary(
    string Id,
    string Name,
    string? Description,
    int Version,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<TriggerSummary> Triggers,
    DateTimeOffset? NextRunAt,
    LastRunSummary? LastRun,
    IReadOnlyList<ValidationProblem> Setup,
    string History)
{
    public static WorkflowSummary From(StoredWorkflow stored, StoredRun? lastRun, DateTimeOffset now, IReadOnlyList<ValidationProblem> setup)
    {
        var document = stored.Document;
        var triggers = document.Nodes
            .Where(n => n.Type == NodeTypes.Trigger)
            .Select(n => TriggerSummary.From(n, now))
            .ToArray();
        var next = triggers.Where(t => t.NextFireAt is not null).Select(t => t.NextFireAt).Min();
        return new(document.Id, document.DisplayName, document.Description, document.Version, stored.CreatedAt, stored.UpdatedAt, triggers,
            next, lastRun is null ? null : LastRunSummary.From(lastRun), setup, document.History ?? HistoryPolicies.All);
    }
}
