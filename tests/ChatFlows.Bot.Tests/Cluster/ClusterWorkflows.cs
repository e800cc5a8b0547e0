namespace ChatFlows.Bot.Tests.Cluster;

/// <summary>
/// The workflows the cluster tests run. Each begins its work with a call to the <see cref="WitnessServer"/> (node
/// <c>work</c>), whose answer — the executing instance and a token never given twice — becomes the node's output.
/// </summary>
internal static class ClusterWorkflows
{
    /// <summary>The channel flows and approvals post their last message to.</summary>
    public const string DoneChannel = "C0CLDONE1";

    /// <summary>The channel chat runs are started from; their progress cards live there.</summary>
    public const string ChatChannel = "C0CLCHAT1";

    /// <summary>The channel the scheduled digest posts to.</summary>
    public const string DigestChannel = "C0CLDIGST";

    /// <summary>Who may approve chat runs.</summary>
    public const string Approver = "UBOSS0001";

    /// <summary>A sub-workflow: work, then a result built from the parent's id.</summary>
    public const string Child = $$$"""
        {"id": "cl-child", "name": "Cluster child", "nodes": [
          {"id": "start", "type": "trigger", "config": {"kind": "manual"}},
          {{{Work}}},
          {"id": "result", "type": "tool", "config": {"tool": "transform", "value": "child of {{ trigger.parent }}"}}
        ], "edges": [{"from": "start", "to": "work"}, {"from": "work", "to": "result"}]}
        """;

    /// <summary>Work, a durable delay (parked: longer than the inline limit), a sub-workflow, a message to Slack.</summary>
    public const string Flow = $$$"""
        {"id": "cl-flow", "name": "Cluster flow", "nodes": [
          {"id": "start", "type": "trigger", "config": {"kind": "manual"}},
          {{{Work}}},
          {"id": "pause", "type": "tool", "config": {"tool": "delay", "duration": "PT6S"}},
          {"id": "sub", "type": "tool", "config": {"tool": "subworkflow", "workflow": "cl-child", "input": {"parent": "{{ run.id }}"} } },
          {"id": "tell", "type": "output", "config": {"kind": "message", "channel": "slack:{{{DoneChannel}}}", "text": "done {{ run.id }}: {{ data.sub.result }}"}}
        ], "edges": [{"from": "start", "to": "work"}, {"from": "work", "to": "pause"}, {"from": "pause", "to": "sub"}, {"from": "sub", "to": "tell"}]}
        """;

    /// <summary>Work, an approval anyone may give (through the runs API), a message to Slack.</summary>
    public const string Ask = $$$"""
        {"id": "cl-ask", "name": "Cluster ask", "nodes": [
          {"id": "start", "type": "trigger", "config": {"kind": "manual"}},
          {{{Work}}},
          {"id": "ask", "type": "approval", "config": {"prompt": "Go on with {{ run.id }}?", "approvers": ["anyone"]}},
          {"id": "tell", "type": "output", "config": {"kind": "message", "channel": "slack:{{{DoneChannel}}}", "text": "done {{ run.id }}"}},
          {"id": "held", "type": "output", "config": {"kind": "end", "value": "held"}}
        ], "edges": [{"from": "start", "to": "work"}, {"from": "work", "to": "ask"},
          {"from": "ask", "port": "approved", "to": "tell"}, {"from": "ask", "port": "rejected", "to": "held"}]}
        """;

    /// <summary>Started with <c>/run clchat</c> from Slack (a progress card): work, an inline delay, an approval by a button, a message in the thread.</summary>
    public const string Chat = $$$"""
        {"id": "cl-chat", "name": "Cluster chat", "nodes": [
          {"id": "cmd", "type": "trigger", "config": {"kind": "command", "command": "clchat"}},
          {{{Work}}},
          {"id": "pause", "type": "tool", "config": {"tool": "delay", "duration": "PT1S"}},
          {"id": "ask", "type": "approval", "config": {"prompt": "Go on with {{ run.id }}?", "approvers": ["slack:{{{Approver}}}"]}},
          {"id": "tell", "type": "output", "config": {"kind": "message", "text": "done {{ run.id }}"}},
          {"id": "held", "type": "output", "config": {"kind": "end", "value": "held"}}
        ], "edges": [{"from": "cmd", "to": "work"}, {"from": "work", "to": "pause"}, {"from": "pause", "to": "ask"},
          {"from": "ask", "port": "approved", "to": "tell"}, {"from": "ask", "port": "rejected", "to": "held"}]}
        """;

    /// <summary>A digest every two seconds, posted to its channel with the tick it is for.</summary>
    public const string Digest = $$$"""
        {"id": "cl-digest", "name": "Cluster digest", "nodes": [
          {"id": "tick", "type": "trigger", "config": {"kind": "schedule", "cron": "*/2 * * * * *", "timeZone": "UTC", "channel": "slack:{{{DigestChannel}}}"}},
          {{{Work}}},
          {"id": "post", "type": "output", "config": {"kind": "message", "text": "digest for {{ trigger.scheduledAt }}"}}
        ], "edges": [{"from": "tick", "to": "work"}, {"from": "work", "to": "post"}]}
        """;

    /// <summary>Work held long enough to watch the run live from another instance.</summary>
    public const string Watched = """
        {"id": "cl-watch", "name": "Cluster watched", "nodes": [
          {"id": "start", "type": "trigger", "config": {"kind": "manual"}},
          {"id": "work", "type": "tool", "config": {"tool": "http", "method": "POST", "connection": "witness", "url": "work?ms=1500", "body": {"run": "{{ run.id }}", "node": "work"}}},
          {"id": "after", "type": "tool", "config": {"tool": "transform", "value": "watched"}}
        ], "edges": [{"from": "start", "to": "work"}, {"from": "work", "to": "after"}]}
        """;

    // The witness holds its answer 300 ms, so that instances are often caught in the middle of a call.
    private const string Work = """
        {"id": "work", "type": "tool", "config": {"tool": "http", "method": "POST", "connection": "witness", "url": "work?ms=300", "body": {"run": "{{ run.id }}", "node": "work"}}}
        """;
}
