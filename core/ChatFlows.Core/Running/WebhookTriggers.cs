using System.Text.Json;
using ChatFlows.Core.Documents;

namespace ChatFlows.Core.Running;

/// <summary>
/// What the engine knows about webhooks (README §Webhooks): which nodes are webhook triggers, whether a workflow
/// answers its caller through a <c>respond</c> output, and what that answer was.
/// </summary>
public static class WebhookTriggers
{
    /// <summary>The trigger kind started by <c>POST /hooks/{workflowId}</c>.</summary>
    public const string Kind = "webhook";

    /// <summary>The <c>provider</c> of a webhook trigger that takes ChatFlows-signed requests, the default.</summary>
    public const string ChatFlowsProvider = "chatflows";

    /// <summary>The <c>provider</c> of a webhook trigger that takes GitHub's deliveries.</summary>
    public const string GithubProvider = "github";

    /// <summary>The output kind whose <c>{ status, body }</c> answers the webhook's caller.</summary>
    public const string RespondKind = "respond";

    /// <summary>The webhook triggers of <paramref name="document"/>, in document order.</summary>
    public static IReadOnlyList<WebhookTrigger> Of(WorkflowDocument? document) => document is null ? [] : document.Nodes
        .Where(n => n.Type == NodeTypes.Trigger && n.Kind == Kind)
        .Select(n => new WebhookTrigger(n.Id, Text(n, "secret"), Flag(n, "timestamped"))
        {
            Provider = Text(n, "provider") is { Length: > 0 } provider ? provider : null,
            Workspace = document.Workspace,
            Events = n.Config["events"] is System.Text.Json.Nodes.JsonArray events
                ? events.OfType<System.Text.Json.Nodes.JsonValue>().Select(e => e.TryGetValue<string>(out var name) ? name : "").Where(e => e.Length > 0).ToArray()
                : [],
        })
        .ToArray();

    /// <summary>True when a run of <paramref name="document"/> can answer its caller: it has a respond output.</summary>
    public static bool Responds(WorkflowDocument document) => document.Nodes.Any(n => n.Type == NodeTypes.Output && n.Kind == RespondKind);

    /// <summary>The answer of the respond node that finished last, or null when none answered.</summary>
    public static WebhookResponse? Responded(RunState run)
    {
        var nodes = run.Plan.Document.Nodes;
        NodeRecord? answered = null;
        for (var i = 0; i < nodes.Count; i++)
        {
            var record = run.Nodes[i];
            if (nodes[i].Type == NodeTypes.Output && nodes[i].Kind == RespondKind && record.Status == NodeStatus.Succeeded
                && (answered is null || record.FinishedAt > answered.FinishedAt))
            {
                answered = record;
            }
        }
        if (answered?.Output is not { ValueKind: JsonValueKind.Object } output || !output.TryGetProperty("status", out var status) || !status.TryGetInt32(out var code))
        {
            return null;
        }
        return new WebhookResponse(code, output.TryGetProperty("body", out var body) ? body : null);
    }

    // Read leniently: a stored document that no longer validates still names its triggers.
    private static string Text(WorkflowNode node, string field) =>
        node.Config[field] is System.Text.Json.Nodes.JsonValue value && value.TryGetValue<string>(out var text) ? text : "";

    private static bool Flag(WorkflowNode node, string field) =>
        node.Config[field] is System.Text.Json.Nodes.JsonValue value && value.TryGetValue<bool>(out var flag) && flag;
}
