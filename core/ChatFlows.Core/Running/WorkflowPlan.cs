using ChatFlows.Core.Documents;
using ChatFlows.Core.Nodes;

namespace ChatFlows.Core.Running;

/// <summary>
/// A validated workflow compiled for execution: nodes indexed by position, edges as arrays, handlers built once
/// with their templates parsed. Immutable and shared by every run of that workflow version.
/// </summary>
public sealed class WorkflowPlan
{
    private readonly bool _forgetsSucceeded;
    private readonly bool _forgetsUnsuccessful;

    private WorkflowPlan(WorkflowDocument document, PlanNode[] nodes, string[] dataKeys, Dictionary<string, int> slotByKey, Dictionary<string, int> indexById)
    {
        Document = document;
        Nodes = nodes;
        DataKeys = dataKeys;
        SlotByKey = slotByKey;
        IndexById = indexById;
        _forgetsSucceeded = document.History is HistoryPolicies.Errors or HistoryPolicies.None;
        _forgetsUnsuccessful = document.History is HistoryPolicies.None;
        IsPure = Array.TrueForAll(nodes, n => n.Kind.Pure);
    }

    /// <summary>The document this plan was compiled from.</summary>
    public WorkflowDocument Document { get; }

    /// <summary>The workflow's history policy (<see cref="HistoryPolicies"/>).</summary>
    public string History => Document.History ?? HistoryPolicies.All;

    internal PlanNode[] Nodes { get; }

    /// <summary>True when every node is <see cref="NodeKind.Pure"/>: a run of the plan does nothing outside itself.</summary>
    public bool IsPure { get; }

    // Output keys; nodes that share a key (both arms of an if/else) share a slot.
    internal string[] DataKeys { get; }

    internal Dictionary<string, int> SlotByKey { get; }

    internal Dictionary<string, int> IndexById { get; }

    /// <summary>
    /// True when a run of this workflow that ended with <paramref name="status"/> is forgotten as it ends, by its
    /// history policy (docs/semantics.md §History policies); never for a run that is not over.
    /// </summary>
    public bool ForgetsEnded(RunStatus status) =>
        status == RunStatus.Succeeded ? _forgetsSucceeded : _forgetsUnsuccessful && status.IsTerminal();

    /// <summary>Validates and compiles; throws <see cref="WorkflowValidationException"/> listing every problem.</summary>
    public static WorkflowPlan Compile(WorkflowDocument document, NodeRegistry registry)
    {
        var result = new WorkflowValidator(registry).Check(document);
        if (result.Problems.Count > 0) throw new WorkflowValidationException(document.Id, result.Problems);

        var indexById = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < document.Nodes.Count; i++) indexById[document.Nodes[i].Id] = i;
        var slotByKey = new Dictionary<string, int>(StringComparer.Ordinal);
        var dataKeys = new List<string>();
        var outgoing = document.Edges.ToLookup(e => indexById[e.From]);
        var incoming = document.Edges.GroupBy(e => indexById[e.To]).ToDictionary(g => g.Key, g => g.Count());

        var nodes = new PlanNode[document.Nodes.Count];
        for (var i = 0; i < nodes.Length; i++)
        {
            var node = document.Nodes[i];
            if (!slotByKey.TryGetValue(node.OutputKey, out var slot))
            {
                slot = dataKeys.Count;
                slotByKey[node.OutputKey] = slot;
                dataKeys.Add(node.OutputKey);
            }
            nodes[i] = new PlanNode(
                i, node, result.Kinds[i]!, result.Handlers[i]!, slot,
                outgoing[i].Select(e => new PlanEdge(indexById[e.To], e.Port)).ToArray(),
                incoming.GetValueOrDefault(i),
                RetrySettings.From(node.Retry),
                node.Timeout is null ? null : ParseDuration(node.Timeout),
                node.OnError ?? OnErrorModes.Fail,
                OutputSelect.Read(node.Config, "", []));
        }
        return new WorkflowPlan(document, nodes, [.. dataKeys], slotByKey, indexById);
    }

    /// <summary>
    /// The same plan with each node's handler replaced by <paramref name="handlerOf"/>'s, and no timeouts or retry
    /// delays, for workflow tests that run offline on a clock that does not tick (README §Workflow tests).
    /// </summary>
    internal WorkflowPlan ForOfflineTests(Func<WorkflowNode, NodeKind, INodeHandler, INodeHandler> handlerOf) => new(
        Document,
        Nodes.Select(n => n with
        {
            Handler = handlerOf(n.Node, n.Kind, n.Handler),
            Timeout = null,
            Retry = n.Retry with { InitialDelay = TimeSpan.Zero, MaxDelay = TimeSpan.Zero },
        }).ToArray(),
        DataKeys,
        SlotByKey,
        IndexById);

    /// <summary>The trigger a run starts from: the named one, else the first manual trigger, else the first trigger.</summary>
    internal int StartingTrigger(string? triggerNodeId)
    {
        if (triggerNodeId is not null)
        {
            if (IndexById.TryGetValue(triggerNodeId, out var named) && Nodes[named].Kind.IsTrigger) return named;
            var triggers = string.Join(", ", Nodes.Where(n => n.Kind.IsTrigger).Select(n => n.Node.Id));
            throw new ArgumentException($"Workflow '{Document.Id}' has no trigger '{triggerNodeId}'; its triggers are {triggers}.", nameof(triggerNodeId));
        }
        var manual = Array.FindIndex(Nodes, n => n.Kind.IsTrigger && n.Kind.Kind == "manual");
        return manual >= 0 ? manual : Array.FindIndex(Nodes, n => n.Kind.IsTrigger);
    }

    private static TimeSpan ParseDuration(string text) => IsoDuration.TryParse(text, out var value) ? value : TimeSpan.Zero;

    internal sealed record PlanNode(
        int Index, WorkflowNode Node, NodeKind Kind, INodeHandler Handler, int Slot,
        PlanEdge[] Outgoing, int IncomingCount, RetrySettings Retry, TimeSpan? Timeout, string OnError, OutputSelect? Select);

    internal readonly record struct PlanEdge(int Target, string? Port);

    internal sealed record RetrySettings(int MaxAttempts, TimeSpan InitialDelay, double BackoffFactor, TimeSpan MaxDelay, double Jitter)
    {
        private static readonly RetrySettings None = new(1, TimeSpan.FromSeconds(1), 2, TimeSpan.FromMinutes(1), 0.2);

        public static RetrySettings From(RetryPolicy? policy) => policy is null ? None : new(
            policy.MaxAttempts,
            policy.InitialDelay is null ? None.InitialDelay : ParseDuration(policy.InitialDelay),
            policy.BackoffFactor ?? None.BackoffFactor,
            policy.MaxDelay is null ? None.MaxDelay : ParseDuration(policy.MaxDelay),
            policy.Jitter ?? None.Jitter);

        /// <summary>The delay after failed attempt <paramref name="attempt"/>: exponential, capped, then spread by jitter.</summary>
        public TimeSpan DelayAfter(int attempt, double random)
        {
            var baseMs = Math.Min(InitialDelay.TotalMilliseconds * Math.Pow(BackoffFactor, attempt - 1), MaxDelay.TotalMilliseconds);
            return TimeSpan.FromMilliseconds(baseMs * (1 + (Jitter * ((2 * random) - 1))));
        }
    }
}
