using System.Text.Json;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Nodes;

namespace ChatFlows.Core.Running;

/// <summary>
/// Runs sub-workflows in place, to the end, as the command line does: documents come from
/// <paramref name="resolve"/> (by workflow id) and run on <see cref="Engine"/>. They are checked as
/// <see cref="RunStarter"/> checks every start.
/// </summary>
public sealed class InlineSubworkflows(Func<string, WorkflowDocument?> resolve) : ISubworkflowLauncher
{
    /// <summary>The engine children run on; set once the engine, whose registry holds this launcher, exists.</summary>
    public WorkflowEngine? Engine { get; set; }

    /// <inheritdoc />
    public async Task<JsonElement?> LaunchAsync(SubworkflowRequest request, CancellationToken ct)
    {
        var engine = Engine ?? throw new InvalidOperationException("InlineSubworkflows.Engine is not set.");
        var document = resolve(request.WorkflowId) ?? throw new NodeException($"Workflow '{request.WorkflowId}' was not found.");
        var run = request.Run with { TriggerNodeId = request.TriggerNodeId };
        var target = RunStarter.Prepare(document, engine.Compile);
        var problems = target.Plan is { } plan ? RunStarter.Admit(plan, run, out run) : target.Problems;
        if (problems.Count > 0) throw new NodeException(QueuedSubworkflows.SubworkflowProblem(request.WorkflowId, new StartOutcome.Refused(problems)));
        var child = await engine.RunToEndAsync(target.Plan!, run, ct);
        if (child.Status == RunStatus.Waiting)
        {
            throw new NodeException($"Sub-workflow '{request.WorkflowId}' (run {child.Id}) waits for a person; it cannot be continued here.");
        }
        return ChildRuns.Outcome(child);
    }
}
