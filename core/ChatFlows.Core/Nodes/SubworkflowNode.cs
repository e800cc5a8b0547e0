using System.Text.Json;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Expressions;
using ChatFlows.Core.Running;

namespace ChatFlows.Core.Nodes;

/// <summary>
/// <c>tool/subworkflow</c>: runs the workflow <c>workflow</c> with <c>input</c> as its trigger payload and waits, durably,
/// for its result (its respond or end node's output, or else its data). The child's id is recorded before it starts,
/// so a re-execution waits for the same child instead of starting another. Nesting deeper than the configured depth
/// fails, which stops a workflow that calls itself.
/// </summary>
public sealed class SubworkflowNode(string workflowId, JsonTemplate? input, string? trigger, int maxDepth, ISubworkflowLauncher? launcher) : INodeHandler
{
    private const string ChildEffect = "child";

    /// <summary>Registers the kind.</summary>
    public static void Register(NodeRegistry registry, BuiltInNodeOptions options) =>
        registry.Add(new NodeKind(NodeTypes.Tool, "subworkflow", setup => Setup(setup, options))
        {
            SideEffect = "starts a run of another workflow",
            Label = "Sub-workflow",
            Description = "Runs another workflow and waits for its result.",
            Config = new() { ["workflow"] = "" },
            Fields =
            [
                new("workflow", "Workflow") { Required = true, List = "workflow-ids" },
                new("input", "Input", NodeFieldTypes.Json) { Template = true },
                new("trigger", "Trigger node"),
            ],
        });

    private static SubworkflowNode? Setup(NodeSetup setup, BuiltInNodeOptions options)
    {
        var workflow = setup.String("workflow", required: true);
        var input = setup.JsonTemplate("input");
        var trigger = setup.String("trigger");
        return setup.HasProblems ? null : new SubworkflowNode(workflow!, input, trigger, options.MaxSubworkflowDepth, options.Subworkflows);
    }

    /// <inheritdoc />
    public async ValueTask<NodeResult> RunAsync(NodeContext context, CancellationToken ct)
    {
        if (context.IsResumed) return Finished(context.ResumeValue);

        var depth = context.Request.Depth + 1;
        if (depth > maxDepth)
        {
            throw new NodeException(
                $"Sub-workflow depth limit reached: starting '{workflowId}' from '{context.WorkflowId}' would nest {depth} runs deep (limit {maxDepth}). " +
                "A workflow that calls itself, directly or through others, needs a condition that stops it.");
        }
        var payload = input is null ? JsonSerializer.SerializeToElement(new { }) : await input.EvaluateAsync(context.Scope);
        // A test of the node shows the run it would start; the other workflow is tested on its own (README §Test a node).
        if (context.IsTest) return NodeResult.Success(JsonSerializer.SerializeToElement(new { wouldStart = workflowId, trigger, input = payload }));
        var start = launcher ?? throw new NodeException("Sub-workflows cannot be started in this process.");
        JsonElement? outcome = null;
        string? childId = null;
        if (await context.Effects.FindAsync(ChildEffect, ct) is { } recorded)
        {
            // Executed again after a crash: wait for the child already started. A child that failed is started anew
            // only when this is a retry of the node, which is when the parent has seen it end.
            childId = recorded.GetProperty("runId").GetString()!;
            outcome = await start.LaunchAsync(Request(context, childId, payload, depth), ct);
            if (outcome is { } ended && ended.GetProperty("status").GetString() != "succeeded") childId = null;
        }
        if (childId is null)
        {
            childId = WorkflowEngine.NewRunId();
            await context.Effects.RecordAsync(ChildEffect, JsonSerializer.SerializeToElement(new { runId = childId, workflowId }), ct);
            outcome = await start.LaunchAsync(Request(context, childId, payload, depth), ct);
        }
        if (outcome is not null) return Finished(outcome);
        return NodeResult.Wait(ChildRuns.Bookmark(childId), JsonSerializer.SerializeToElement(new { workflowId, runId = childId }));
    }

    private SubworkflowRequest Request(NodeContext context, string childId, JsonElement payload, int depth) => new(workflowId, trigger, new RunRequest
    {
        RunId = childId,
        Trigger = payload,
        TriggerNodeId = trigger,
        StartedBy = context.Request.StartedBy,
        Thread = context.Request.Thread,
        ParentRunId = context.RunId,
        ParentNodeId = context.Node.Id,
        Depth = depth,
    })
    {
        CallerWorkspace = context.Workspace,
    };

    private NodeResult Finished(JsonElement? outcome)
    {
        if (outcome is not { ValueKind: JsonValueKind.Object } value) throw new NodeException($"Sub-workflow '{workflowId}' ended without an outcome.");
        var status = value.GetProperty("status").GetString();
        var runId = value.GetProperty("runId").GetString();
        if (status == "succeeded") return NodeResult.Success(value.GetProperty("result"));
        var reason = value.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object
            ? $" at '{error.GetProperty("nodeId").GetString()}': {error.GetProperty("message").GetString()}"
            : ".";
        throw new NodeException($"Sub-workflow '{workflowId}' (run {runId}) {status}{reason}");
    }
}
