using System.Text.Json;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Nodes;

namespace ChatFlows.Core.Running;

/// <summary>
/// Runs sub-workflows in place, to the end, as the command line does: documents come from
/// <paramref name="resolve"/> (by workflow id) and run on <see cref="Engine"/>.
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
        var plan = engine.Compile(document);
        RunState child;
        try
        {
            child = await engine.RunToEndAsync(plan, request.Run, ct);
        }
        catch (ArgumentException ex)
        {
            throw new NodeException(ex.Message.Replace($" (Parameter '{ex.ParamName}')", "", StringComparison.Ordinal));
        }
        if (child.Status == RunStatus.Waiting)
        {
            throw new NodeException($"Sub-workflow '{request.WorkflowId}' (run {child.Id}) waits for a person; it cannot be continued here.");
        }
        return ChildRuns.Outcome(child);
    }
}
