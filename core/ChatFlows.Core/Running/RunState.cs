using System.Text.Json;
using ChatFlows.Core.Expressions;
using ChatFlows.Core.Secrets;
using ChatFlows.Core.Storage;
using ChatFlows.Core.Telemetry;

namespace ChatFlows.Core.Running;

/// <summary>
/// A run: its request, status, node journal and data. The executor is its only writer; readers (templates in
/// concurrent branches, observers) see data through immutable, atomically swapped values.
/// </summary>
public sealed class RunState : RunScope
{
    private readonly object?[] _slots;
    private JsonElement? _run;

    /// <summary>Creates a queued run of <paramref name="plan"/>.</summary>
    public RunState(WorkflowPlan plan, RunRequest request, string id)
    {
        Plan = plan;
        Request = request;
        Id = id;
        TraceParent = request.TraceParent ?? RunTracing.CurrentTraceParent();
        _slots = new object?[plan.DataKeys.Length];
        var nodes = new NodeRecord[plan.Nodes.Length];
        for (var i = 0; i < nodes.Length; i++) nodes[i] = new NodeRecord(plan.Nodes[i].Node.Id);
        Nodes = nodes;
    }

    public string Id { get; }

    /// <summary>The compiled workflow version this run is pinned to.</summary>
    public WorkflowPlan Plan { get; }

    public string WorkflowId => Plan.Document.Id;

    public int WorkflowVersion => Plan.Document.Version;

    /// <summary>The workspace of the run's workflow (README §Workspaces and roles): its nodes use that workspace's secrets, connections and agents.</summary>
    public override string Workspace => Plan.Document.Workspace;

    public RunRequest Request { get; }

    /// <summary>
    /// The W3C <c>traceparent</c> every segment of this run's spans continues (README §Telemetry): the span that
    /// started the run, or the run's first root span when nothing traced was around it; null while tracing is off.
    /// </summary>
    public string? TraceParent { get; set; }

    /// <summary>
    /// The lease epoch this instance executes the run under (README §Running several instances), set when the run is
    /// queued here or claimed; the journal refuses writes under an epoch that has moved on.
    /// </summary>
    public long LeaseEpoch { get; set; }

    public RunStatus Status { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>The failing node and error when the run failed.</summary>
    public RunError? Error { get; set; }

    /// <summary>The output of the last respond or end node, if any.</summary>
    public JsonElement? Result { get; set; }

    /// <summary>One record per node, in document order.</summary>
    public IReadOnlyList<NodeRecord> Nodes { get; }

    /// <summary>The record of the node with this id.</summary>
    public NodeRecord Node(string nodeId) => Nodes[Plan.IndexById[nodeId]];

    /// <inheritdoc />
    public override JsonElement Trigger => Request.Trigger;

    /// <inheritdoc />
    public override IEnumerable<KeyValuePair<string, JsonElement>> Data
    {
        get
        {
            for (var i = 0; i < _slots.Length; i++)
            {
                if (Volatile.Read(ref _slots[i]) is JsonElement value) yield return new(Plan.DataKeys[i], value);
            }
        }
    }

    /// <inheritdoc />
    public override bool TryGetData(string key, out JsonElement value)
    {
        if (Plan.SlotByKey.TryGetValue(key, out var slot) && Volatile.Read(ref _slots[slot]) is JsonElement found)
        {
            value = found;
            return true;
        }
        value = default;
        return false;
    }

    /// <inheritdoc />
    public override JsonElement Run => _run ??= JsonSerializer.SerializeToElement(new
    {
        id = Id,
        workflow = WorkflowId,
        startedBy = Request.StartedBy,
        thread = Request.Thread,
    });

    /// <summary>The secrets and credentials this run has read; the engine that executes the run sets their vault.</summary>
    internal SecretsInUse Secrets { get; } = new();

    /// <inheritdoc />
    public override bool TryGetSecret(string name, out string value) => Secrets.TryGet(name, out value);

    /// <inheritdoc />
    public override void Redacts(string label, string value) => Secrets.Add(label, value);

    /// <summary>The text with the values of secrets this run has read replaced by <c>[secret NAME]</c>.</summary>
    internal string Redact(string text) => Secrets.Redact(text);

    /// <summary>The value with the values of secrets this run has read replaced.</summary>
    internal JsonElement? Redact(JsonElement? value) => Secrets.Redact(value);

    /// <summary>The steps with the values of secrets this run has read replaced.</summary>
    internal IReadOnlyList<NodeStep>? Redact(IReadOnlyList<NodeStep>? steps)
    {
        var used = Secrets.Used();
        if (used is null || steps is null) return steps;
        return steps.Select(step => step with
        {
            Arguments = Redact(step.Arguments),
            Result = Redact(step.Result),
            Error = step.Error is null ? null : SecretRedactor.Redact(step.Error, used),
        }).ToArray();
    }

    // Values are boxed so that a reader on another thread sees either the old or the new value, never a torn one.
    internal void SetData(int slot, JsonElement value) => Volatile.Write(ref _slots[slot], value);

    /// <summary>
    /// Rebuilds a run from its stored journal: node records as journaled (nodes never journaled stay pending) and
    /// the data the finished nodes produced. <paramref name="plan"/> must be the version the run is pinned to.
    /// </summary>
    public static RunState Restore(WorkflowPlan plan, StoredRun stored)
    {
        var run = new RunState(plan, stored.ToRequest(), stored.Id)
        {
            Status = stored.Status,
            StartedAt = stored.StartedAt,
            FinishedAt = stored.FinishedAt,
            Error = stored.Error,
            Result = stored.Result,
            LeaseEpoch = stored.LeaseEpoch,
        };
        foreach (var saved in stored.Nodes)
        {
            if (!plan.IndexById.TryGetValue(saved.NodeId, out var index)) continue;
            var node = run.Nodes[index];
            node.Status = saved.Status;
            node.Attempts = saved.Attempts;
            node.StartedAt = saved.StartedAt;
            node.FinishedAt = saved.FinishedAt;
            node.Output = saved.Output;
            node.Error = saved.Error;
            node.Port = saved.Port;
            node.Bookmark = saved.Bookmark;
            node.WakeAt = saved.WakeAt;
            node.Steps = saved.Steps;
            node.Usage = saved.Usage;
            node.ReusedFrom = saved.ReusedFrom;
            // Finished nodes' outputs are the run's data; a node that failed with onError continue/route left its error there.
            if (saved.Output is { } output && (saved.Status == NodeStatus.Succeeded || saved.Status == NodeStatus.Failed))
            {
                run.SetData(plan.Nodes[index].Slot, output);
            }
        }
        return run;
    }

    /// <summary>Restores a data value when a run is loaded from its journal.</summary>
    public void RestoreData(string key, JsonElement value)
    {
        if (Plan.SlotByKey.TryGetValue(key, out var slot)) SetData(slot, value);
    }
}
