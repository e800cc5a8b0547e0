// The node types and kinds the editor offers (docs/semantics.md, core/ChatFlows.Core/Nodes): what the palette lists, the
// config a new node starts with, the ports it has and the fields its inspector form shows. Config fields not listed
// here are kept untouched.
(() => {
  "use strict";

  /**
   * Field kinds: text, textarea (templates), number, bool, select (options), list (one value a line), json (any JSON
   * value), map (names → values, edited as rows). `required` fields are never removed from config; optional ones are
   * removed when emptied. `template: true` marks a Liquid template (strings of a json field, values of a map) and
   * `expression: true` a condition's JavaScript: the inspector offers the data picker and a preview on both.
   */
  const types = [
    {
      type: "trigger", label: "Trigger", color: "#7c3aed", kindField: "kind",
      kinds: [
        { kind: "manual", label: "Manual", description: "Started by Play, the API or the CLI.", config: {}, fields: [] },
        {
          kind: "command", label: "Command", description: "Started by /run <command> in chat.", config: { command: "" },
          fields: [{ name: "command", label: "Command name", type: "text", hint: "/run <command> in Slack or Teams; empty: the workflow's id." }],
        },
        {
          kind: "webhook", label: "Webhook", description: "Started by a signed POST to /hooks/{workflowId}.", config: { secret: "" },
          fields: [
            { name: "secret", label: "Secret", type: "text", required: true, hint: "Plain text or {{ secrets.NAME }}; callers sign the body with it (X-ChatFlows-Signature: sha256=…)." },
            { name: "timestamped", label: "Require timestamped signatures", type: "bool", hint: "Callers send X-ChatFlows-Timestamp and sign \"<timestamp>.<body>\"; old or repeated requests are refused. Not with GitHub." },
            { name: "provider", label: "Sender", type: "select", options: ["chatflows", "github"], hint: "github: GitHub's deliveries, signed as X-Hub-Signature-256, one run per X-GitHub-Delivery; payload is GitHub's body plus event and delivery." },
            { name: "events", label: "GitHub events", type: "list", hint: "With github: one event a line (issues, pull_request, push…), or * for all; others answer 200 without a run." },
          ],
        },
        {
          kind: "schedule", label: "Schedule", description: "Started by a cron schedule in a time zone.", config: { cron: "0 9 * * MON-FRI", timeZone: "UTC" },
          fields: [
            { name: "cron", label: "Cron", type: "text", required: true, hint: "Five fields (minute hour day month weekday), or six with seconds first." },
            { name: "timeZone", label: "Time zone", type: "text", hint: "IANA name, like Europe/Berlin; empty: UTC.", list: "time-zones" },
            { name: "channel", label: "Channel", type: "text", hint: "Where its output goes: slack:C0123, teams:…, playground:name." },
            { name: "catchUp", label: "Catch up missed runs after downtime", type: "bool" },
          ],
        },
        {
          kind: "message", label: "Message", description: "Started by a chat message matching a pattern.", config: { pattern: "" },
          fields: [
            { name: "pattern", label: "Pattern", type: "text", hint: "A regular expression the message must match." },
            { name: "channels", label: "Channels", type: "list", hint: "One channel a line (slack:C0123); empty: every channel." },
            { name: "mention", label: "Only when the bot is mentioned", type: "bool" },
          ],
        },
        {
          kind: "email", label: "Email", description: "Started by new mail in a folder of a mail connection (IMAP).", config: { connection: "", folder: "INBOX" },
          fields: [
            { name: "connection", label: "Connection", type: "connection", connectionType: "mail", required: true, hint: "The mail connection whose mailbox is watched." },
            { name: "folder", label: "Folder", type: "text", hint: "The IMAP folder; empty: INBOX. Only mail that arrives after the workflow is saved starts runs." },
            { name: "from", label: "From", type: "text", hint: "A regular expression the sender must match (ignoring case), like @example\\.com$; empty: anyone." },
            { name: "subject", label: "Subject", type: "text", hint: "A regular expression the subject must match (ignoring case); empty: any subject." },
            { name: "channel", label: "Channel", type: "text", hint: "Where its runs post progress and approvals: slack:C0123, teams:…, playground:name." },
          ],
        },
      ],
    },
    {
      type: "agent", label: "Agent", color: "#0891b2",
      kinds: [{
        kind: null, label: "Agent", description: "Asks an agent (a model with instructions and tools).", config: { agent: "", input: "{{ trigger }}" },
        fields: [
          { name: "agent", label: "Agent", type: "agent", required: true },
          { name: "input", label: "Input", type: "textarea", template: true, required: true, hint: "A template, like {{ data.items }}." },
          { name: "maxToolRounds", label: "Max tool rounds", type: "number" },
        ],
      }],
    },
    {
      type: "tool", label: "Tool", color: "#2563eb", kindField: "tool",
      kinds: [
        {
          kind: "http", label: "HTTP request", description: "Sends an HTTP request.", config: { method: "GET", url: "" },
          fields: [
            { name: "method", label: "Method", type: "select", options: ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"] },
            { name: "connection", label: "Connection", type: "connection", connectionType: "http", hint: "Optional: an http connection whose BaseUrl the URL is relative to and whose headers (credentials) are sent too." },
            { name: "url", label: "URL", type: "text", template: true, required: true, hint: "Absolute http(s) URL, or relative to the connection's BaseUrl; may use templates." },
            { name: "headers", label: "Headers", type: "map", template: true, hint: "An object of names and values; credentials as {{ secrets.NAME }}, with no filter (e.g. \"Bearer {{ secrets.API_TOKEN }}\")." },
            { name: "query", label: "Query", type: "map", template: true, hint: "An object of names and values; a value may hold {{ secrets.NAME }}, with no filter." },
            { name: "body", label: "Body", type: "json", template: true },
            { name: "fullResponse", label: "Output the status and headers too", type: "bool" },
            { name: "requestTimeout", label: "Request timeout", type: "text", hint: "ISO-8601 duration, like PT10S." },
            { name: "retries", label: "Retries", type: "number" },
          ],
        },
        {
          kind: "sql", label: "SQL query", description: "Runs a SQL query on a database connection.", config: { connection: "", query: "", mode: "rows" },
          fields: [
            { name: "connection", label: "Connection", type: "connection", connectionType: "database", required: true },
            { name: "query", label: "Query", type: "textarea", required: true, hint: "Never templated; use @name for values, like select * from orders where id = @id." },
            { name: "parameters", label: "Parameters", type: "json", template: true, hint: "An object of the query's @names and their values; values are templates, like {\"id\": \"{{ trigger.id }}\"}." },
            { name: "mode", label: "Mode", type: "select", options: ["rows", "one", "execute"], hint: "rows: every row; one: the single row or null; execute: {affected}, run once per run." },
            { name: "maxRows", label: "Max rows", type: "number", hint: "1 to 10000 (default 1000); more rows fail the node." },
            { name: "timeout", label: "Timeout", type: "text", hint: "ISO-8601 duration, like PT30S (the default)." },
          ],
        },
        {
          kind: "github", label: "GitHub", description: "Creates, comments on, labels, closes, reads and lists GitHub issues and pull requests.",
          config: { connection: "github", action: "create-issue", repository: "", title: "" },
          fields: [
            { name: "connection", label: "Connection", type: "connection", connectionType: "github", required: true },
            { name: "action", label: "Action", type: "select", required: true, options: ["create-issue", "comment", "close-issue", "add-labels", "get-issue", "get-pull-request", "list-issues"] },
            { name: "repository", label: "Repository", type: "text", template: true, required: true, hint: "owner/name, like octo-org/website; may use templates ({{ trigger.repository.full_name }})." },
            { name: "number", label: "Issue or PR number", type: "text", template: true, actions: ["comment", "close-issue", "add-labels", "get-issue", "get-pull-request"], hint: "A number or a template, like {{ trigger.issue.number }}." },
            { name: "title", label: "Title", type: "text", template: true, actions: ["create-issue"], hint: "A template." },
            { name: "body", label: "Body", type: "textarea", template: true, actions: ["create-issue", "comment"], hint: "Markdown; a template." },
            { name: "labels", label: "Labels", type: "list", template: true, actions: ["create-issue", "add-labels", "list-issues"], hint: "One a line; each a template. Text with commas (an agent's \"bug, ui\") gives several labels." },
            { name: "assignees", label: "Assignees", type: "list", actions: ["create-issue"], hint: "GitHub logins, one a line." },
            { name: "state", label: "State", type: "select", actions: ["list-issues"], options: ["open", "closed", "all"] },
          ],
        },
        {
          kind: "transform", label: "Transform", description: "Builds a value from templates.", config: { value: {} },
          fields: [{ name: "value", label: "Value", type: "json", template: true, required: true, hint: "Any JSON; its strings are templates." }],
        },
        {
          kind: "delay", label: "Delay", description: "Waits for a duration.", config: { duration: "PT5S" },
          fields: [{ name: "duration", label: "Duration", type: "text", required: true, hint: "ISO-8601 duration, like PT30S or PT2H." }],
        },
        {
          kind: "subworkflow", label: "Sub-workflow", description: "Runs another workflow and waits for its result.", config: { workflow: "" },
          fields: [
            { name: "workflow", label: "Workflow", type: "text", required: true, list: "workflow-ids" },
            { name: "input", label: "Input", type: "json", template: true },
            { name: "trigger", label: "Trigger node", type: "text" },
          ],
        },
      ],
    },
    {
      type: "condition", label: "Condition", color: "#d97706", ports: ["true", "false"],
      kinds: [{
        kind: null, label: "Condition", description: "Branches on a JavaScript expression.", config: { expression: "" },
        fields: [{ name: "expression", label: "Expression", type: "textarea", expression: true, required: true, hint: "JavaScript over trigger, data and run, like data.items.length > 0." }],
      }],
    },
    {
      type: "approval", label: "Approval", color: "#db2777", ports: ["approved", "rejected", "expired"],
      kinds: [{
        kind: null, label: "Approval", description: "Waits until an approver decides in chat.", config: { prompt: "", approvers: ["anyone"], timeout: "PT4H" },
        fields: [
          { name: "prompt", label: "Prompt", type: "textarea", template: true, required: true },
          { name: "approvers", label: "Approvers", type: "list", required: true, hint: "One a line: slack:U012…, teams:<AAD id>, playground:name, or anyone." },
          { name: "timeout", label: "Timeout", type: "text", hint: "ISO-8601 duration, like PT4H; then the expired port fires." },
          { name: "draft", label: "Draft", type: "textarea", template: true, hint: "Text the approver may edit before approving." },
        ],
      }],
    },
    {
      type: "output", label: "Output", color: "#15803d", kindField: "kind",
      kinds: [
        {
          kind: "message", label: "Message", description: "Posts a message or card to the thread or a channel.", config: { text: "" },
          fields: [
            { name: "text", label: "Text", type: "textarea", template: true, hint: "A template." },
            { name: "card", label: "Card", type: "json", template: true, hint: "An Adaptive Card object." },
            { name: "channel", label: "Channel", type: "text", template: true, hint: "Empty: the run's thread." },
          ],
        },
        {
          kind: "respond", label: "Respond", description: "Answers the webhook request.", config: { body: {}, status: 200 },
          fields: [
            { name: "body", label: "Body", type: "json", template: true },
            { name: "status", label: "Status", type: "number" },
          ],
        },
        {
          kind: "email", label: "Email", description: "Sends an e-mail (Markdown text) through a mail connection.",
          config: { connection: "", to: "", subject: "", text: "" },
          fields: [
            { name: "connection", label: "Connection", type: "connection", connectionType: "mail", required: true, hint: "The mail connection whose SMTP server sends it." },
            { name: "to", label: "To", type: "text", template: true, required: true, hint: "Comma-separated addresses; a template, like {{ trigger.from }}." },
            { name: "cc", label: "Cc", type: "text", template: true, hint: "Comma-separated addresses; empty: none." },
            { name: "subject", label: "Subject", type: "text", template: true, required: true, hint: "A template, like Re: {{ trigger.subject }}." },
            { name: "text", label: "Text", type: "textarea", template: true, required: true, hint: "Markdown (a template); sent as plain text and as HTML. Sent once per run." },
          ],
        },
        { kind: "end", label: "End", description: "Ends the run with a result.", config: {}, fields: [{ name: "value", label: "Result", type: "json", template: true }] },
      ],
    },
  ];

  const byType = Object.fromEntries(types.map(t => [t.type, t]));

  /** The type entry of a node, or null for an unknown type. */
  function typeOf(node) {
    return byType[node?.type] ?? null;
  }

  /** The kind of a node: config.kind for triggers and outputs, config.tool for tools, null otherwise. */
  function kindName(node) {
    const type = typeOf(node);
    if (!type?.kindField) return null;
    const value = node.config?.[type.kindField];
    return typeof value === "string" ? value : null;
  }

  /** The kind entry of a node, or null when its kind is unknown. */
  function kindOf(node) {
    const type = typeOf(node);
    if (!type) return null;
    if (!type.kindField) return type.kinds[0];
    return type.kinds.find(k => k.kind === kindName(node)) ?? null;
  }

  /** A new node's config, with the kind field first as the documents write it. */
  function newConfig(type, kind) {
    const entry = byType[type];
    const spec = entry.kinds.find(k => k.kind === (kind ?? null)) ?? entry.kinds[0];
    const config = entry.kindField ? { [entry.kindField]: spec.kind } : {};
    return Object.assign(config, structuredClone(spec.config));
  }

  /** The node's named output ports (true/false, approved/…), plus error when it routes its failures. */
  function outputPorts(node) {
    const ports = [...(typeOf(node)?.ports ?? [])];
    if (node.onError === "route") ports.push("error");
    return ports;
  }

  /** A few words on what the node does, for its box on the canvas. */
  function summary(node) {
    const c = node.config ?? {};
    const text = value => (typeof value === "string" ? value : value === undefined ? "" : JSON.stringify(value));
    switch (node.type) {
      case "trigger":
        switch (c.kind) {
          case "command": return c.command ? `/run ${c.command}` : "/run <workflow id>";
          case "schedule": return text(c.cron);
          case "webhook": return c.provider === "github" ? `GitHub ${Array.isArray(c.events) ? c.events.join(", ") : ""}` : "POST /hooks/…";
          case "message": return c.pattern ? `matches ${text(c.pattern)}` : "any message";
          default: return "Play or API";
        }
      case "agent": return c.agent ? `agent ${text(c.agent)}` : "no agent chosen";
      case "tool":
        switch (c.tool) {
          case "http": return `${text(c.method ?? "GET")} ${text(c.url)}`;
          case "sql": return `${text(c.mode ?? "rows")} on ${text(c.connection)}`;
          case "delay": return `wait ${text(c.duration)}`;
          case "subworkflow": return `runs ${text(c.workflow)}`;
          case "github": return `${text(c.action)} ${text(c.repository)}${c.number !== undefined ? ` #${text(c.number)}` : ""}`;
          default: return text(c.value);
        }
      case "condition": return text(c.expression);
      case "approval": return text(c.prompt);
      case "output": return c.kind === "message" ? text(c.text ?? c.channel ?? "card") : c.kind === "respond" ? `HTTP ${text(c.status ?? 200)}` : "end the run";
      default: return "";
    }
  }

  window.ChatFlowsCatalog = { types, byType, typeOf, kindName, kindOf, newConfig, outputPorts, summary };
})();
