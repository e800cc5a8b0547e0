using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Nodes;
using ChatFlows.Core.Running;
using ChatFlows.Core.Storage;
using ChatFlows.Core.Workspaces;
using Microsoft.SemanticKernel;

namespace ChatFlows.Core.Agents;

/// <summary>
/// Workflows as agent tools (README §Workflows as tools): an agent's <c>tools</c> entry <c>workflow:&lt;id&gt;</c> gives
/// the model a function <c>workflow_&lt;id&gt;</c> ('-' as '_') whose parameters are the workflow's manual trigger input schema.
/// Each call is a durable child run of the agent's run (its id derived from the parent run, the node and the call's
/// ordinal, so a node executed again after a crash finds the child it started instead of starting another); the tool
/// waits for its end and returns its result, or its error. Arguments that do not fit the schema start nothing: the
/// model is told what is wrong, so that it can call again.
/// </summary>
/// <remarks>
/// <c>maxDepth</c> is <c>ChatFlows:Runs:MaxSubworkflowDepth</c>, as for <c>tool/subworkflow</c>. The starter and plans are resolved lazily: they need the node registry, which needs the agent runner, which needs this source.
/// </remarks>
public sealed class WorkflowToolSource(
    IWorkflowStore workflows, IRunStore runs, Func<WorkflowPlans> plans, Func<RunStarter> starter, TimeProvider time,
    WorkflowToolOptions? options = null, int maxDepth = 8, IWorkspaceStore? workspaces = null) : IAgentToolSource
{
    /// <summary>The prefix of the entries this source owns.</summary>
    public const string Prefix = "workflow:";

    /// <summary>The prefix of the functions the model calls.</summary>
    public const string FunctionPrefix = "workflow_";

    private readonly WorkflowToolOptions _options = options ?? new WorkflowToolOptions();

    /// <inheritdoc />
    public bool Owns(string entry) => entry.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>
    /// The function the model calls for workflow <paramref name="workflowId"/>: <c>workflow_&lt;id&gt;</c> with each '-'
    /// as '_' (<c>workflow_deploy_check</c>), as Semantic Kernel reads a '-' in a called name as plugin-function.
    /// </summary>
    public static string FunctionName(string workflowId) => FunctionPrefix + workflowId.Replace('-', '_');

    /// <summary>
    /// The id of the child run of a workflow tool call: the same for the same parent run, node and call ordinal, so
    /// that a re-executed node finds it stored.
    /// </summary>
    public static string ChildRunId(string parentRunId, string nodeId, int ordinal)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{parentRunId}\n{nodeId}\n{ordinal}"));
        return Convert.ToHexStringLower(hash.AsSpan(0, 16));
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<AgentToolInfo>> ListAsync(CancellationToken ct)
    {
        var stored = await workflows.ListAsync(ct);
        return stored
            .Where(s => ManualTriggerOf(s.Document) is not null)
            .OrderBy(s => s.Document.Id, StringComparer.Ordinal)
            .Select(s => new AgentToolInfo(Prefix + s.Document.Id, DescriptionOf(s.Document)))
            .ToArray();
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<ValidationProblem>> CheckAsync(AgentDefinition agent, CancellationToken ct)
    {
        var problems = new List<ValidationProblem>();
        for (var i = 0; i < agent.Tools.Count; i++)
        {
            var entry = agent.Tools[i];
            if (!Owns(entry)) continue;
            var id = entry[Prefix.Length..];
            var path = $"tools/{i}";
            if (id.Length == 0)
            {
                problems.Add(new(path, "Name the workflow: workflow:<id>, like workflow:deploy-check."));
                continue;
            }
            if (FunctionName(id).Length > 64)
            {
                problems.Add(new(path, $"The workflow id '{id}' is too long to be a tool name (at most {64 - FunctionPrefix.Length} characters)."));
                continue;
            }
            var stored = await workflows.GetAsync(id, ct);
            if (stored is null)
            {
                problems.Add(new(path, $"There is no workflow '{id}'; save it first, or pick one from the list of tools."));
                continue;
            }
            if (ManualTriggerOf(stored.Document) is null)
            {
                problems.Add(new(path, $"Workflow '{id}' has no manual trigger, so an agent cannot start it; add one (its input schema becomes the tool's parameters)."));
                continue;
            }
            if (await LoopAsync(agent.Id, stored.Document, [], ct) is { } via)
            {
                problems.Add(new(path, $"Workflow '{id}' runs agent '{agent.Id}' itself ({via}), so each call would call it again; remove the tool or the agent from that workflow."));
            }
        }
        return problems;
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<AgentFunction>> FunctionsAsync(AgentDefinition agent, AgentToolContext? context, CancellationToken ct)
    {
        var functions = new List<AgentFunction>();
        foreach (var entry in agent.Tools.Where(Owns).Distinct(StringComparer.Ordinal))
        {
            var id = entry[Prefix.Length..];
            WorkflowPlan? plan;
            try
            {
                plan = await plans().GetCurrentAsync(id, ct);
            }
            catch (WorkflowValidationException ex)
            {
                throw new NodeException($"Agent '{agent.Id}' may call workflow '{id}', which no longer validates ({ex.Problems.FirstOrDefault()}); fix it in the canvas, or remove {entry} from the agent.");
            }
            if (plan is null) throw new NodeException($"Agent '{agent.Id}' may call workflow '{id}', which does not exist; remove {entry} from the agent or save the workflow.");
            var trigger = Array.FindIndex(plan.Nodes, n => n.Kind.IsTrigger && n.Kind.Kind == "manual");
            if (trigger < 0) throw new NodeException($"Agent '{agent.Id}' may call workflow '{id}', which has no manual trigger any more; add one, or remove {entry} from the agent.");
            var schema = (plan.Nodes[trigger].Handler as ManualTrigger)?.Input;
            functions.Add(new AgentFunction(entry, Function(id, plan.Document, plan.Nodes[trigger].Node.Id, schema)));
        }
        return functions;
    }

    private KernelFunction Function(string workflowId, WorkflowDocument document, string triggerId, InputSchema? schema)
    {
        var parameters = schema?.Inputs.Select(input => new KernelParameterMetadata(input.Name)
        {
            Description = input.Schema["description"]?.GetValue<string>(),
            IsRequired = input.Required,
            Schema = KernelJsonSchema.Parse(input.Schema.ToJsonString()),
        }).ToArray() ?? [];
        return KernelFunctionFactory.CreateFromMethod(
            (Kernel kernel, KernelArguments arguments, CancellationToken ct) => CallAsync(workflowId, triggerId, kernel, arguments, ct),
            new KernelFunctionFromMethodOptions
            {
                FunctionName = FunctionName(workflowId),
                Description = DescriptionOf(document) + " Runs the workflow and returns its result.",
                Parameters = parameters,
                ReturnParameter = new KernelReturnParameterMetadata { Description = "The workflow's result as JSON.", ParameterType = typeof(string) },
            });
    }

    private async Task<string> CallAsync(string workflowId, string triggerId, Kernel kernel, KernelArguments arguments, CancellationToken ct)
    {
        var context = AgentToolContext.From(kernel);
        var node = context.Node;
        var args = new JsonObject();
        foreach (var (name, value) in arguments) args[name] = ToNode(value);
        if (node.IsTest)
        {
            // A test of the agent node shows the run it would start; the workflow is tested on its own (README §Test a node).
            return JsonSerializer.Serialize(new { wouldStart = workflowId, args });
        }

        var depth = node.Request.Depth + 1;
        if (depth > maxDepth)
        {
            throw new InvalidOperationException(
                $"Workflow '{workflowId}' cannot be started: it would nest {depth} runs deep (limit {maxDepth}, ChatFlows:Runs:MaxSubworkflowDepth). Answer without it.");
        }
        // A workflow of another workspace is called only when the calling workspace's policy allows it, checked as the
        // call is made so a policy tightened after the agent was saved holds (README §Workspaces and roles).
        if (workspaces is not null && (await workflows.GetAsync(workflowId, ct))?.Document.Workspace is { } target
            && await WorkspaceCalls.RefusalAsync(workspaces, node.Workspace, target, workflowId, ct) is { } refusal)
        {
            throw new InvalidOperationException(refusal);
        }
        var ordinal = context.NextChildRun();
        var childId = ChildRunId(node.RunId, node.Node.Id, ordinal);
        var request = new RunRequest
        {
            RunId = childId,
            Trigger = JsonSerializer.SerializeToElement(new JsonObject { ["args"] = args, ["user"] = node.Request.StartedBy, ["agent"] = context.Agent.Id }),
            TriggerNodeId = triggerId,
            StartedBy = node.Request.StartedBy,
            Thread = node.Request.Thread,
            ParentRunId = node.RunId,
            ParentNodeId = node.Node.Id,
            Depth = depth,
        };

        // Executed again after a crash: the child this call started is stored already, so it is waited for, not started twice.
        if (await runs.GetAsync(childId, ct) is null)
        {
            StartOutcome outcome;
            try
            {
                outcome = await starter().StartAsync(workflowId, request, ct: ct);
            }
            catch (RunAlreadyStoredException)
            {
                outcome = new StartOutcome.Started(childId);
            }
            if (outcome is StartOutcome.Refused refused)
            {
                if (refused.Kind == StartProblemKind.InvalidInput)
                {
                    throw new InvalidOperationException(
                        $"The arguments do not fit the inputs of workflow '{workflowId}', so it was not started: {refused.Describe()}. Call {FunctionName(workflowId)} again with arguments that fit its parameters.");
                }
                throw new InvalidOperationException($"Workflow '{workflowId}' could not be started: {refused.Describe(3)}");
            }
        }
        context.LinkStep(arguments, childId);
        return await AwaitAsync(workflowId, childId, ct);
    }

    private async Task<string> AwaitAsync(string workflowId, string childId, CancellationToken ct)
    {
        var until = time.GetUtcNow() + _options.Timeout;
        var poll = TimeSpan.FromMilliseconds(20);
        while (true)
        {
            if (await runs.GetAsync(childId, ct) is { } child && child.Status.IsTerminal())
            {
                var version = await plans().GetAsync(child.WorkflowId, child.WorkflowVersion, ct)
                    ?? throw new InvalidOperationException($"Version {child.WorkflowVersion} of workflow '{child.WorkflowId}' is no longer stored.");
                var outcome = ChildRuns.Outcome(RunState.Restore(version, child));
                var status = outcome.GetProperty("status").GetString();
                if (status == "succeeded") return outcome.GetProperty("result").GetRawText();
                var reason = outcome.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object
                    ? $" at '{error.GetProperty("nodeId").GetString()}': {error.GetProperty("message").GetString()}"
                    : ".";
                throw new InvalidOperationException($"Workflow '{workflowId}' (run {childId}) {status}{reason}");
            }
            var left = until - time.GetUtcNow();
            if (left <= TimeSpan.Zero)
            {
                throw new InvalidOperationException(
                    $"Workflow '{workflowId}' (run {childId}) did not end within {_options.Timeout} (ChatFlows:WorkflowTools:Timeout); it goes on, see /runs/{childId}. Say so instead of waiting.");
            }
            await Task.Delay(poll < left ? poll : left, time, ct);
            poll = TimeSpan.FromTicks(Math.Min(poll.Ticks * 2, TimeSpan.FromMilliseconds(500).Ticks));
        }
    }

    // Semantic Kernel hands each argument as text; objects and lists arrive as their JSON, which the input schema reads back.
    private static JsonNode? ToNode(object? value) => value switch
    {
        null => null,
        JsonElement element => JsonNode.Parse(element.GetRawText()),
        JsonNode node => node.DeepClone(),
        string text => JsonValue.Create(text),
        _ => JsonSerializer.SerializeToNode(value),
    };

    private static string DescriptionOf(WorkflowDocument document) =>
        document.Description is { Length: > 0 } description ? $"{document.DisplayName}: {description}" : document.DisplayName + ".";

    private static WorkflowNode? ManualTriggerOf(WorkflowDocument document) =>
        document.Nodes.FirstOrDefault(n => n.Type == NodeTypes.Trigger && n.Kind == "manual");

    // Does running this workflow run the agent, directly or through sub-workflows? Returns where, e.g. "node 'ask'".
    private async Task<string?> LoopAsync(string agentId, WorkflowDocument document, HashSet<string> seen, CancellationToken ct)
    {
        if (!seen.Add(document.Id)) return null;
        foreach (var node in document.Nodes)
        {
            var config = node.Config;
            if (node.Type == NodeTypes.Agent && Text(config["agent"]) == agentId) return $"node '{node.Id}'";
            if (node.TypeName == "tool/subworkflow" && Text(config["workflow"]) is { } child && await workflows.GetAsync(child, ct) is { } stored
                && await LoopAsync(agentId, stored.Document, seen, ct) is { } via)
            {
                return $"through sub-workflow '{child}', {via}";
            }
        }
        return null;
    }

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
