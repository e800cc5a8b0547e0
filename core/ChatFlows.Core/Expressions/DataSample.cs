using System.Text.Json;
using System.Text.Json.Nodes;
using ChatFlows.Core.Documents;
using ChatFlows.Core.Running;
using ChatFlows.Core.Storage;

namespace ChatFlows.Core.Expressions;

/// <summary>
/// What one node of a workflow would see if it ran now, for the editor's data picker and live preview: the trigger
/// payload (pinned sample, else the last run's, else the trigger kind's payload with made-up values), the outputs of
/// the nodes upstream of it (pinned, else from the last run; never downstream nodes, which have not run yet when it
/// runs) and the last run's <c>run</c>. Secrets are never part of it.
/// </summary>
public sealed class DataSample
{
    private static readonly JsonElement EmptyObject = JsonElement.Parse("{}");

    private DataSample(JsonElement trigger, string triggerSource, IReadOnlyList<KeyValuePair<string, (JsonElement Value, string Source)>> data, JsonElement run, string runSource, string? runId, IReadOnlyList<string> missing)
    {
        Missing = missing;
        Trigger = trigger;
        TriggerSource = triggerSource;
        Data = data;
        Run = run;
        RunSource = runSource;
        RunId = runId;
    }

    /// <summary>The trigger payload.</summary>
    public JsonElement Trigger { get; }

    /// <summary><c>pinned</c>, <c>run</c> or <c>shape</c>.</summary>
    public string TriggerSource { get; }

    /// <summary>Outputs of upstream nodes by output key, in document order, each with where it comes from (<c>pinned</c> or <c>run</c>).</summary>
    public IReadOnlyList<KeyValuePair<string, (JsonElement Value, string Source)>> Data { get; }

    /// <summary><c>{ id, workflow, startedBy, thread }</c> of the last run, or made-up values.</summary>
    public JsonElement Run { get; }

    /// <summary><c>run</c> or <c>shape</c>.</summary>
    public string RunSource { get; }

    /// <summary>The run the sample comes from, if any.</summary>
    public string? RunId { get; }

    /// <summary>
    /// Output keys of upstream nodes with no sample (not pinned, and not run in the last run): a preview that fails may
    /// only lack their values.
    /// </summary>
    public IReadOnlyList<string> Missing { get; }

    /// <summary>The sample as templates and conditions see it.</summary>
    public RunScope Scope => new SampleScope(this);

    /// <summary>
    /// The sample of node <paramref name="nodeId"/> of <paramref name="document"/>, from its pinned data and
    /// <paramref name="lastRun"/> (a run of the same workflow with its node journal, or null).
    /// </summary>
    public static DataSample For(WorkflowDocument document, string nodeId, StoredRun? lastRun)
    {
        var upstream = Upstream(document, nodeId);
        var pinnedNodes = document.Pinned?["nodes"] as JsonObject;
        var runOutputs = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var record in lastRun?.Nodes ?? [])
        {
            // A node that failed with onError continue or route left its error as its output (docs/semantics.md).
            if (record.Output is { } output && record.Status is NodeStatus.Succeeded or NodeStatus.Failed) runOutputs[record.NodeId] = output;
        }

        var (trigger, triggerSource) = document.Pinned?["trigger"] is { } pinnedTrigger
            ? (JsonSerializer.SerializeToElement(pinnedTrigger), "pinned")
            : lastRun is not null ? (lastRun.Trigger, "run") : (ShapeOf(document, upstream), "shape");
        // A trigger's output is the payload; without a run, the first trigger upstream stands for the one that fires.
        var firstTrigger = lastRun is null ? document.Nodes.FirstOrDefault(n => n.Type == NodeTypes.Trigger && upstream.Contains(n.Id))?.Id : null;

        var data = new List<KeyValuePair<string, (JsonElement, string)>>();
        var missing = new List<string>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in document.Nodes)
        {
            if (!upstream.Contains(node.Id) || !keys.Add(node.OutputKey)) continue;
            if (pinnedNodes?[node.Id] is { } pinned) data.Add(new(node.OutputKey, (JsonSerializer.SerializeToElement(pinned), "pinned")));
            else if (runOutputs.TryGetValue(node.Id, out var output)) data.Add(new(node.OutputKey, (output, "run")));
            else if (node.Id == firstTrigger) data.Add(new(node.OutputKey, (trigger, triggerSource)));
            else if (node.Type != NodeTypes.Trigger) missing.Add(node.OutputKey);
        }

        var run = JsonSerializer.SerializeToElement(new
        {
            id = lastRun?.Id ?? "0190f0c1d2e34f5a8b6c7d8e9fa0b1c2",
            workflow = string.IsNullOrEmpty(document.Id) ? lastRun?.WorkflowId ?? "" : document.Id,
            startedBy = lastRun is null ? "playground:ada" : lastRun.StartedBy,
            thread = lastRun is null ? "card:0190f0c1d2e34f5a8b6c7d8e9fa0b1c2" : lastRun.Thread,
        });
        return new DataSample(trigger, triggerSource, data, run, lastRun is null ? "shape" : "run", lastRun?.Id, missing);
    }

    /// <summary>The ids of the nodes with a path of edges to <paramref name="nodeId"/> (its ancestors).</summary>
    public static HashSet<string> Upstream(WorkflowDocument document, string nodeId)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([nodeId]);
        while (pending.TryPop(out var id))
        {
            foreach (var edge in document.Edges)
            {
                if (edge.To == id && edge.From != nodeId && found.Add(edge.From)) pending.Push(edge.From);
            }
        }
        return found;
    }

    // The payload each trigger kind starts a run with (TriggerNodes, ChatCommand, MessageTriggers, Scheduler,
    // EmailPayload, GithubDeliveries), with made-up values, for a workflow that has not run yet. Webhook and manual
    // payloads are whatever the caller posts, so only GitHub's two added fields are known.
    private static JsonElement ShapeOf(WorkflowDocument document, HashSet<string> upstream)
    {
        var trigger = document.Nodes.FirstOrDefault(n => n.Type == NodeTypes.Trigger && upstream.Contains(n.Id));
        var channel = trigger?.Config["channel"] is JsonValue c && c.TryGetValue<string>(out var configured) ? configured : "playground:general";
        object shape = trigger?.Kind switch
        {
            "command" => new { args = new { }, text = "/run example", user = "playground:ada", channel, thread = "card:0190f0c1d2e34f5a8b6c7d8e9fa0b1c2" },
            "message" => new { text = "hello", user = "playground:ada", channel, thread = "playground:general:1733390000", ts = "1733390000", mention = false },
            "schedule" => new { scheduledAt = "2026-12-07T09:00:00Z", firedAt = "2026-12-07T09:00:00Z", triggerId = trigger.Id, channel = trigger.Config["channel"] is null ? null : channel },
            "email" => new
            {
                from = "ana@example.com",
                fromName = "Ana",
                to = new[] { "team@example.com" },
                cc = Array.Empty<string>(),
                subject = "Hello",
                text = "The message text.",
                html = (string?)null,
                date = "2026-12-07T09:00:00Z",
                messageId = "<1@example.com>",
                attachments = new[] { new { name = "report.pdf", contentType = "application/pdf", size = 1024 } },
                truncated = false,
            },
            "webhook" when trigger.Config["provider"] is JsonValue p && p.TryGetValue<string>(out var provider) && provider == WebhookTriggers.GithubProvider =>
                new { @event = "issues", delivery = "72d3162e-cc78-11e3-81ab-4c9367dc0958" },
            _ => new { },
        };
        return shape is null ? EmptyObject : JsonSerializer.SerializeToElement(shape);
    }

    private sealed class SampleScope(DataSample sample) : RunScope
    {
        public override JsonElement Trigger => sample.Trigger;

        public override IEnumerable<KeyValuePair<string, JsonElement>> Data => sample.Data.Select(d => new KeyValuePair<string, JsonElement>(d.Key, d.Value.Value));

        public override bool TryGetData(string key, out JsonElement value)
        {
            foreach (var (k, v) in sample.Data)
            {
                if (k != key) continue;
                value = v.Value;
                return true;
            }
            value = default;
            return false;
        }

        public override JsonElement Run => sample.Run;
    }
}
