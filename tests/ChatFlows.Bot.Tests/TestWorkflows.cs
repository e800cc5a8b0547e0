namespace ChatFlows.Bot.Tests;

/// <summary>Workflow documents for the host tests, each under the id a test gives it.</summary>
internal static class TestWorkflows
{
    /// <summary>
    /// Play → shape (transform) → pause (a delay awaited in place) → big (condition) → answer (respond 201) when the
    /// order is over 100, stop (end) otherwise. The pause leaves time to watch the run live.
    /// </summary>
    public static string Order(string id, string pause = "PT1S") => """
        {
          "id": "__ID__",
          "name": "Order check",
          "nodes": [
            {"id": "start", "type": "trigger", "config": {"kind": "manual"}},
            {"id": "shape", "type": "tool", "config": {"tool": "transform", "value": {"customer": "{{ trigger.customer }}", "total": "{{ trigger.quantity | times: trigger.price }}"}}, "output": "order"},
            {"id": "pause", "type": "tool", "config": {"tool": "delay", "duration": "__PAUSE__"}},
            {"id": "big", "type": "condition", "config": {"expression": "data.order.total > 100"}},
            {"id": "answer", "type": "output", "config": {"kind": "respond", "status": 201, "body": {"customer": "{{ data.order.customer }}", "total": "{{ data.order.total }}"}}},
            {"id": "stop", "type": "output", "config": {"kind": "end", "value": "too small"}}
          ],
          "edges": [
            {"from": "start", "to": "shape"},
            {"from": "shape", "to": "pause"},
            {"from": "pause", "to": "big"},
            {"from": "big", "port": "true", "to": "answer"},
            {"from": "big", "port": "false", "to": "stop"}
          ]
        }
        """.Replace("__ID__", id, StringComparison.Ordinal).Replace("__PAUSE__", pause, StringComparison.Ordinal);

    /// <summary>Play → echo (a transform labelled <paramref name="label"/>, echoing the payload) → done (end with the echo).</summary>
    public static string Echo(string id, string label = "echo") => """
        {
          "id": "__ID__",
          "nodes": [
            {"id": "play", "type": "trigger", "config": {"kind": "manual"}},
            {"id": "echo", "type": "tool", "config": {"tool": "transform", "value": {"label": "__LABEL__", "got": "{{ trigger }}"}}},
            {"id": "done", "type": "output", "config": {"kind": "end", "value": "{{ data.echo }}"}}
          ],
          "edges": [{"from": "play", "to": "echo"}, {"from": "echo", "to": "done"}]
        }
        """.Replace("__ID__", id, StringComparison.Ordinal).Replace("__LABEL__", label, StringComparison.Ordinal);

    /// <summary>Play → hold (a one-hour delay, so the run waits) → done.</summary>
    public static string Waiting(string id) => """
        {
          "id": "__ID__",
          "nodes": [
            {"id": "play", "type": "trigger", "config": {"kind": "manual"}},
            {"id": "hold", "type": "tool", "config": {"tool": "delay", "duration": "PT1H"}},
            {"id": "done", "type": "output", "config": {"kind": "end"}}
          ],
          "edges": [{"from": "play", "to": "hold"}, {"from": "hold", "to": "done"}]
        }
        """.Replace("__ID__", id, StringComparison.Ordinal);

    /// <summary>Webhook (with <paramref name="secret"/>) → packing (transform; fails without a pack size) → done (end).</summary>
    public static string Hook(string id, string secret) => """
        {
          "id": "__ID__",
          "nodes": [
            {"id": "hook", "type": "trigger", "config": {"kind": "webhook", "secret": "__SECRET__"}},
            {"id": "packing", "type": "tool", "config": {"tool": "transform", "value": {"packs": "{{ trigger.quantity | divided_by: trigger.packSize }}"}}},
            {"id": "done", "type": "output", "config": {"kind": "end", "value": "{{ data.packing }}"}}
          ],
          "edges": [{"from": "hook", "to": "packing"}, {"from": "packing", "to": "done"}]
        }
        """.Replace("__ID__", id, StringComparison.Ordinal).Replace("__SECRET__", secret, StringComparison.Ordinal);

    /// <summary>As <see cref="Hook"/>, but answering the caller: packing → accepted (respond with <paramref name="status"/>).</summary>
    public static string RespondingHook(string id, string secret, int status) => """
        {
          "id": "__ID__",
          "nodes": [
            {"id": "hook", "type": "trigger", "config": {"kind": "webhook", "secret": "__SECRET__"}},
            {"id": "packing", "type": "tool", "config": {"tool": "transform", "value": {"packs": "{{ trigger.quantity | divided_by: trigger.packSize }}"}}},
            {"id": "accepted", "type": "output", "config": {"kind": "respond", "status": __STATUS__, "body": {"orderId": "{{ trigger.orderId }}", "packs": "{{ data.packing.packs }}"}}}
          ],
          "edges": [{"from": "hook", "to": "packing"}, {"from": "packing", "to": "accepted"}]
        }
        """.Replace("__ID__", id, StringComparison.Ordinal).Replace("__SECRET__", secret, StringComparison.Ordinal)
        .Replace("__STATUS__", status.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
}
