// The inspector: the form for the selected node (fields per type and kind, as the server describes them, with their
// errors), connection or workflow. It redraws itself on the document's events (wireInspector). Two extension points:
// registerInspectorSection adds a section to every node's form (the run view's "In this run" is one), and
// registerFieldControl gives a field type its input (one function per type, fieldControls below).

import { root, inspector, state } from "./state.js";
import { on } from "./events.js";
import { nodeById, edgeKey, change, deleteSelection, renameNode, connect, nodeErrors, clearError } from "./document.js";
import { typeOf, kindOf, kindName, newConfig, hasNamedPorts, outputPorts } from "./kinds.js";
import { attachDataPicker } from "./picker.js";
import { mapControl } from "./map-field.js";

const { api, problemText, toast, element: h, pageUrl } = window.ChatFlows;
const NODE_ID = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
const MAX_NAME = 80;

const sections = { top: [], bottom: [] };

/**
 * Adds a section to the selected node's form: render(node, { errors, kind }) returns an element, or null for none.
 * "top" sections come before the form's fields (the run's view of the node), "bottom" ones after its connections and
 * common settings (a Test section, say). Sections are drawn in the order they were registered.
 */
export function registerInspectorSection(render, { position = "bottom" } = {}) {
  sections[position].push(render);
}

function renderSections(position, node, context) {
  return sections[position].map(render => render(node, context)).filter(Boolean);
}

function renderInspector() {
  const focusedField = document.activeElement?.closest?.("[data-field]")?.dataset.field;
  inspector.replaceChildren();
  const node = state.selection?.node && nodeById(state.selection.node);
  const edgeIndex = state.selection?.edge ? state.doc.edges.findIndex(e => edgeKey(e) === state.selection.edge) : -1;
  if (node) {
    const context = { errors: nodeErrors(node.id), kind: kindOf(node) };
    inspector.append(...renderSections("top", node, context));
    inspector.append(nodeForm(node, context));
  } else if (edgeIndex >= 0) {
    inspector.append(edgePanel(state.doc.edges[edgeIndex], edgeIndex));
  } else {
    inspector.append(workflowPanel());
  }
  if (focusedField) inspector.querySelector(`[data-field="${CSS.escape(focusedField)}"] :is(input, textarea, select)`)?.focus();
}

function field(path, label, control, { hint, errors } = {}) {
  const messages = [...(errors?.[path] ?? []), ...(state.localErrors[`${state.selection?.node}:${path}`] ? [state.localErrors[`${state.selection?.node}:${path}`]] : [])];
  const wrapper = h("label", { class: `field${messages.length ? " invalid" : ""}`, dataset: { field: path, testid: "field" } },
    h("span", {}, label), control,
    hint ? h("span", { class: "hint" }, hint) : null,
    messages.map(m => h("p", { class: "field-error", dataset: { testid: "field-error" } }, m)));
  return wrapper;
}

const fieldTestId = path => (path.startsWith("config/") ? `config-${path.slice(7)}` : `node-${path.replaceAll("/", "-")}`);

/**
 * The input of each field type: (spec, value, commit, testid) => element, where commit(read) makes a change handler
 * from read(element) => { value } or { error }. map is shown as JSON until it has rows of its own.
 */
const fieldControls = {
  text(spec, value, commit, testid) {
    const input = h("input", { type: "text", dataset: { testid }, value: value ?? "", list: spec.list, autocomplete: "off", spellcheck: "false" });
    input.addEventListener("change", commit(el => ({ value: el.value })));
    return input;
  },
  textarea(spec, value, commit, testid) {
    return h("textarea", { rows: 3, dataset: { testid }, onchange: commit(el => ({ value: el.value })) }, value ?? "");
  },
  number(spec, value, commit, testid) {
    const input = h("input", { type: "number", dataset: { testid }, value: value ?? "" });
    input.addEventListener("change", commit(el => (el.value === "" ? { value: undefined } : Number.isFinite(Number(el.value)) ? { value: Number(el.value) } : { error: "Enter a number." })));
    return input;
  },
  bool(spec, value, commit, testid) {
    const input = h("input", { type: "checkbox", dataset: { testid } });
    input.checked = value === true;
    input.addEventListener("change", commit(el => ({ value: el.checked ? true : undefined })));
    return input;
  },
  select(spec, value, commit, testid) {
    const select = h("select", { dataset: { testid } }, spec.options.map(o => h("option", { value: o }, o)));
    if (value !== undefined && !spec.options.includes(value)) select.append(h("option", { value }, String(value)));
    select.value = value ?? spec.options[0];
    select.addEventListener("change", commit(el => ({ value: el.value })));
    return select;
  },
  list(spec, value, commit, testid) {
    return h("textarea", { rows: 3, dataset: { testid }, onchange: commit(el => ({ value: el.value.split(/[\n,]/).map(s => s.trim()).filter(Boolean) })) },
      Array.isArray(value) ? value.join("\n") : value === undefined ? "" : JSON.stringify(value));
  },
  json(spec, value, commit, testid) {
    return h("textarea", {
      rows: 4, class: "json", spellcheck: "false", dataset: { testid },
      onchange: commit(el => {
        if (el.value.trim() === "") return { value: undefined };
        try { return { value: JSON.parse(el.value) }; } catch (error) { return { error: `Not valid JSON: ${error.message}` }; }
      }),
    }, value === undefined ? "" : JSON.stringify(value, null, 2));
  },
  map(spec, value, commit, testid, apply) {
    return mapControl(spec, value, apply, { testid, nodeId: state.selection?.node, template: spec.template });
  },
  agent(spec, value, commit, testid) {
    const select = h("select", { dataset: { testid } }, h("option", { value: "" }, "Choose an agent…"),
      state.agents.map(a => h("option", { value: a.id }, a.name && a.name !== a.id ? `${a.name} (${a.id})` : a.id)));
    if (value && !state.agents.some(a => a.id === value)) select.append(h("option", { value }, `${value} (not found)`));
    select.value = value ?? "";
    select.addEventListener("change", commit(el => ({ value: el.value })));
    return select;
  },
  connection(spec, value, commit, testid) {
    // Connections of the field's type; a name the host does not know stays selectable, so saving shows the
    // server's problem with it instead of the document changing behind the author's back.
    const usable = c => c.workflows.includes("*") || (state.id && c.workflows.includes(state.id));
    const choices = state.connections.filter(c => c.type === spec.connectionType);
    const select = h("select", { dataset: { testid } }, h("option", { value: "" }, spec.required ? "Choose a connection…" : "None"),
      choices.map(c => h("option", { value: c.name }, usable(c) ? c.name : `${c.name} (not allowed for this workflow)`)));
    if (value && !choices.some(c => c.name === value)) select.append(h("option", { value }, `${value} (not found)`));
    select.value = value ?? "";
    select.addEventListener("change", commit(el => ({ value: el.value || undefined })));
    return select;
  },
};

/**
 * Gives a field type its input (replacing the built-in one): fn(spec, value, commit, testid, apply) => element, where
 * commit(read) makes a change handler from read(element) => { value } | { error }, and apply(value) saves a value.
 */
export function registerFieldControl(type, fn) {
  fieldControls[type] = fn;
}

/** An input bound to one value of the node: what it shows, and apply(value) for an edit. */
function control(spec, path, value, apply, { check } = {}) {
  const testid = fieldTestId(path);
  const commit = fn => evt => {
    const read = fn(evt.target);
    const result = check && !read.error ? check(read.value) : read;
    const key = `${state.selection?.node}:${path}`;
    if (result && result.error) {
      state.localErrors[key] = result.error;
      renderInspector();
      return;
    }
    const hadLocal = key in state.localErrors;
    delete state.localErrors[key];
    clearError(path);
    apply(result.value);
    if (hadLocal) renderInspector();
  };
  return (fieldControls[spec.type] ?? fieldControls.text)(spec, value, commit, testid, apply);
}

function setConfig(nodeId, name, value, required) {
  change(doc => {
    const node = doc.nodes.find(n => n.id === nodeId);
    if ((value === undefined || value === "") && !required) delete node.config[name];
    else node.config[name] = value ?? "";
  }, { inspector: name === "cron" || name === "timeZone" || name === "timestamped" || name === "action" || name === "provider" });
}

// The server's rule for a node name (trimmed, 1 to 80 characters, one line), so a slip shows before saving.
function nameProblem(value) {
  const name = (value ?? "").trim();
  if (name === "") return { value: undefined };
  if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(name)) return { error: "The name must be one line, without line breaks or control characters." };
  if (name.length > MAX_NAME) return { error: `The name has ${name.length} characters; at most ${MAX_NAME} are allowed.` };
  return { value: name };
}

function setNodeField(nodeId, name, value) {
  change(doc => {
    const node = doc.nodes.find(n => n.id === nodeId);
    if (value === undefined || value === "") delete node[name];
    else node[name] = value;
  }, { inspector: name === "onError" || name === "name" });
}

function nodeForm(node, context) {
  const type = typeOf(node);
  const { kind, errors } = context;
  const form = h("div", { class: "inspector-form", dataset: { testid: "node-form", nodeId: node.id } });
  form.append(h("div", { class: "inspector-head" },
    h("span", { class: "inspector-type", style: `--type-color: ${type?.color ?? "#64748b"}` }, type?.label ?? node.type),
    h("h2", { dataset: { testid: "node-heading" } }, node.name || node.id),
    h("button", { type: "button", class: "small danger", dataset: { testid: "node-delete" }, onclick: deleteSelection }, "Delete")));
  if (kind?.description) form.append(h("p", { class: "muted" }, kind.description));
  if (errors[""]) form.append(...errors[""].map(m => h("p", { class: "field-error", dataset: { testid: "node-error" } }, m)));

  form.append(field("name", "Name", control({ type: "text" }, "name", node.name, value => setNodeField(node.id, "name", value), { check: nameProblem }),
    { errors, hint: "What progress cards and the canvas show for this step; the id when empty." }));

  const idInput = h("input", { type: "text", dataset: { testid: "node-id" }, value: node.id, autocomplete: "off", spellcheck: "false" });
  idInput.addEventListener("change", () => {
    const id = idInput.value.trim();
    const key = `${node.id}:id`;
    if (id === node.id) return;
    if (!NODE_ID.test(id)) state.localErrors[key] = "Use letters, digits, '-' and '_', starting with a letter.";
    else if (nodeById(id)) state.localErrors[key] = `The id '${id}' is already used by another node.`;
    else {
      delete state.localErrors[key];
      clearError("id");
      renameNode(node, id);
      return;
    }
    renderInspector();
  });
  form.append(field("id", "Id", idInput, { errors, hint: "Other nodes read its output as data.<id> unless an output key is set." }));

  if (type?.kindField) {
    const kinds = type.kinds.map(k => k.kind);
    const current = kindName(node);
    const select = h("select", { dataset: { testid: "node-kind" } }, type.kinds.map(k => h("option", { value: k.kind }, k.label)));
    if (!kinds.includes(current)) select.append(h("option", { value: current ?? "" }, current ?? "(none)"));
    select.value = current ?? "";
    select.addEventListener("change", () => changeKind(node.id, select.value));
    form.append(field(`config/${type.kindField}`, "Kind", select, { errors }));
  }

  // A field with `actions` belongs to those values of config.action only (tool/github); set fields of other actions are listed below.
  const fields = (kind?.fields ?? []).filter(spec => !spec.actions || spec.actions.includes(node.config.action));
  for (const spec of fields) {
    const path = `config/${spec.name}`;
    const input = control(spec, path, node.config[spec.name], value => setConfig(node.id, spec.name, value, spec.required));
    const wrapper = field(path, spec.label, input, { errors, hint: spec.hint });
    // Templates and expressions offer the data the node can read, with a live preview (map rows attach their own).
    if ((spec.template || spec.expression) && spec.type !== "map") {
      attachDataPicker(wrapper, input, { nodeId: node.id, field: spec.name, syntax: spec.expression ? "expression" : spec.type === "json" ? "json" : "template", preview: spec.type !== "list" });
    }
    // Nested problems (config/headers/X-Token, config/approvers/0) belong to the field they are under.
    for (const [rest, messages] of Object.entries(errors)) {
      if (rest.startsWith(`${path}/`)) wrapper.append(...messages.map(m => h("p", { class: "field-error", dataset: { testid: "field-error" } }, `${rest.slice(path.length + 1)}: ${m}`)));
    }
    if (spec.type === "agent") {
      wrapper.append(h("a", { class: "hint", href: pageUrl("/?agent=new"), dataset: { testid: "agent-create" } }, "Create a new agent"));
    }
    if (spec.type === "connection") {
      const none = !state.connections.some(c => c.type === spec.connectionType);
      wrapper.append(h("a", { class: "hint", href: none ? pageUrl(`/?connection=new&type=${encodeURIComponent(spec.connectionType)}`) : pageUrl("/#connections-title"), dataset: { testid: "connection-create" } },
        none ? `Add ${spec.connectionType === "http" ? "an" : "a"} ${spec.connectionType} connection in the dashboard` : "Manage connections in the dashboard"));
    }
    form.append(wrapper);
    if (node.type === "trigger" && spec.name === "cron") form.append(cronPreview(node));
  }
  if (node.type === "trigger" && node.config.kind === "webhook") form.append(webhookInfo(node));
  const isCommand = node.type === "trigger" && node.config.kind === "command";
  if (isCommand) form.append(...allowFields(node, errors));

  // Config fields the editor has no form for are shown (read-only) so nothing is hidden from the author.
  const known = new Set([type?.kindField, ...fields.map(f => f.name), ...(isCommand ? ["allow"] : [])]);
  const extra = Object.keys(node.config).filter(k => !known.has(k));
  if (extra.length) form.append(h("p", { class: "muted small" }, `Also set: ${extra.join(", ")} (kept as they are).`));
  for (const [rest, messages] of Object.entries(errors)) {
    if (rest.startsWith("config/") && !known.has(rest.split("/")[1])) form.append(...messages.map(m => h("p", { class: "field-error", dataset: { testid: "field-error" } }, `${rest}: ${m}`)));
  }

  form.append(connectionsSection(node));
  form.append(commonSection(node, errors));
  form.append(...renderSections("bottom", node, context));
  return form;
}

function changeKind(nodeId, kind) {
  change(doc => {
    const node = doc.nodes.find(n => n.id === nodeId);
    const type = typeOf(node);
    const old = kindOf(node);
    const fresh = newConfig(node.type, kind);
    const next = type.kinds.find(k => k.kind === kind);
    const keep = new Set(next?.fields.map(f => f.name) ?? []);
    // Fields of the old kind the new one does not have are dropped; fields nobody here knows are kept.
    for (const f of old?.fields ?? []) if (!keep.has(f.name)) delete node.config[f.name];
    node.config[type.kindField] = kind;
    for (const [name, value] of Object.entries(fresh)) if (!(name in node.config)) node.config[name] = value;
  });
}

function cronPreview(node) {
  const box = h("div", { class: "cron-preview", dataset: { testid: "cron-preview" }, "aria-live": "polite" }, h("span", { class: "muted" }, "Next fire times…"));
  const cron = node.config.cron;
  if (typeof cron !== "string" || !cron.trim()) {
    box.replaceChildren(h("span", { class: "muted" }, "Enter a cron expression to see when it fires."));
    return box;
  }
  const query = new URLSearchParams({ cron });
  if (typeof node.config.timeZone === "string" && node.config.timeZone) query.set("timeZone", node.config.timeZone);
  api("GET", `/api/schedules/preview?${query}`).then(result => {
    if (result.ok) {
      const zone = result.data.timeZone;
      box.replaceChildren(h("span", {}, `Next fire times (${zone}):`), h("ol", {},
        result.data.next.map(t => h("li", { dataset: { testid: "cron-next" } }, formatZoned(t, zone)))));
    } else {
      box.replaceChildren(h("p", { class: "field-error", dataset: { testid: "cron-preview-error" } }, problemText(result.problem, "The schedule could not be read.")));
    }
  });
  return box;
}

function formatZoned(iso, zone) {
  try {
    return new Date(iso).toLocaleString(undefined, { timeZone: zone, weekday: "short", year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
  } catch {
    return iso;
  }
}

function webhookInfo(node) {
  const github = node.config.provider === "github";
  const url = github ? `${location.origin}/hooks/github` : state.id ? `${location.origin}/hooks/${state.id}` : `${location.origin}/hooks/<id once saved>`;
  const output = h("input", { type: "text", readonly: true, value: url, dataset: { testid: "webhook-url" } });
  const copy = h("button", { type: "button", class: "small", onclick: () => navigator.clipboard?.writeText(url).then(() => toast("Webhook URL copied.", "success")) }, "Copy");
  const generate = h("button", {
    type: "button", class: "small", dataset: { testid: "webhook-generate" },
    onclick: () => {
      const bytes = crypto.getRandomValues(new Uint8Array(24));
      setConfig(node.id, "secret", Array.from(bytes, b => b.toString(16).padStart(2, "0")).join(""), true);
      renderInspector();
    },
  }, "New secret");
  return h("div", { class: "field" }, h("span", {}, "Webhook URL"), h("div", { class: "row" }, output, copy), h("div", { class: "row" }, generate),
    h("span", { class: "hint" }, github
      ? "Give this URL and the secret to the repository's or organisation's webhook (Settings → Webhooks, content type application/json); /hooks/<workflow id> works too."
      : node.config.timestamped === true
      ? "POST JSON here with X-ChatFlows-Timestamp: <unix seconds> and X-ChatFlows-Signature: sha256=<hex HMAC-SHA256 of \"<timestamp>.<body>\" with the secret>."
      : "POST JSON here with X-ChatFlows-Signature: sha256=<hex HMAC-SHA256 of the body with the secret>."));
}

// Who may run a command: config.allow.users and config.allow.channels; both empty drops allow (everyone may).
function allowFields(node, errors) {
  const allow = node.config.allow && typeof node.config.allow === "object" && !Array.isArray(node.config.allow) ? node.config.allow : {};
  const lists = [
    ["users", "Allowed people", "One chat identity a line: slack:U012AB3CD, teams:<AAD object id>, playground:ada. Empty (with no channels): everyone."],
    ["channels", "Allowed channels", "Anyone typing in these channels may run it: slack:C0123ABCD, playground:ops."],
  ];
  return lists.map(([name, label, hint]) => {
    const path = `config/allow/${name}`;
    const input = control({ type: "list" }, path, allow[name], value => setAllow(node.id, name, value));
    const wrapper = field(path, label, input, { errors, hint });
    for (const [rest, messages] of Object.entries(errors)) {
      if (rest.startsWith(`${path}/`)) wrapper.append(...messages.map(m => h("p", { class: "field-error", dataset: { testid: "field-error" } }, `${rest.slice(path.length + 1)}: ${m}`)));
    }
    if (name === "users") wrapper.append(...(errors["config/allow"] ?? []).map(m => h("p", { class: "field-error", dataset: { testid: "field-error" } }, m)));
    return wrapper;
  });
}

function setAllow(nodeId, name, value) {
  change(doc => {
    const node = doc.nodes.find(n => n.id === nodeId);
    const allow = node.config.allow && typeof node.config.allow === "object" && !Array.isArray(node.config.allow) ? { ...node.config.allow } : {};
    if (value?.length) allow[name] = value;
    else delete allow[name];
    if (Object.keys(allow).length) node.config.allow = allow;
    else delete node.config.allow;
  }, { inspector: false });
}

function connectionsSection(node) {
  const section = h("details", { class: "inspector-section", open: true, dataset: { testid: "connections" } }, h("summary", {}, "Connections"));
  const ports = hasNamedPorts(node) ? outputPorts(node) : ["", ...outputPorts(node)];
  const candidates = state.doc.nodes.filter(n => n.id !== node.id && n.type !== "trigger");
  for (const port of ports) {
    const targets = state.doc.edges.filter(e => e.from === node.id && (e.port ?? "") === port);
    const row = h("div", { class: "connection", dataset: { port: port || "out" } }, h("span", { class: "port-name" }, port || "next"));
    for (const edge of targets) {
      row.append(h("span", { class: "chip" }, `→ ${edge.to} `, h("button", {
        type: "button", class: "icon-button", "aria-label": `Remove the connection to ${edge.to}`,
        onclick: () => change(doc => { doc.edges = doc.edges.filter(e => edgeKey(e) !== edgeKey(edge)); }),
      }, "×")));
    }
    const free = candidates.filter(c => !targets.some(t => t.to === c.id));
    if (free.length) {
      const select = h("select", { class: "connect-select", "aria-label": `Connect ${port || "next"} to`, dataset: { testid: `connect-${port || "out"}` } },
        h("option", { value: "" }, "Connect to…"), free.map(c => h("option", { value: c.id }, c.id)));
      select.addEventListener("change", () => { if (select.value) connect(node.id, port || undefined, select.value); });
      row.append(select);
    }
    section.append(row);
  }
  const incoming = state.doc.edges.filter(e => e.to === node.id);
  if (incoming.length) section.append(h("p", { class: "muted small" }, `From: ${incoming.map(e => (e.port ? `${e.from} (${e.port})` : e.from)).join(", ")}`));
  return section;
}

function commonSection(node, errors) {
  const open = ["output", "timeout", "onError", "retry", "config/select"].some(k => (k === "config/select" ? node.config.select : node[k]) !== undefined || Object.keys(errors).some(p => p.startsWith(k)));
  const section = h("details", { class: "inspector-section", open, dataset: { testid: "node-common" } }, h("summary", {}, "Output, timeout and errors"));
  section.append(field("output", "Output key", control({ type: "text" }, "output", node.output, v => setNodeField(node.id, "output", v)), { errors, hint: `Stored as data.${node.output || node.id}.` }));
  // select (README §Bounded outputs) is common to every kind: the fields of the output the run keeps.
  const selectField = field("config/select", "Keep only", control({ type: "list", name: "select" }, "config/select", node.config.select, v => setConfig(node.id, "select", v?.length ? v : undefined, false)),
    { errors, hint: "Paths of the output to keep, one a line, like total, user.name or items[*].id; empty keeps it all." });
  for (const [rest, messages] of Object.entries(errors)) {
    if (rest.startsWith("config/select/")) selectField.append(...messages.map(m => h("p", { class: "field-error", dataset: { testid: "field-error" } }, `${rest.slice("config/select/".length)}: ${m}`)));
  }
  section.append(selectField);
  section.append(field("timeout", "Timeout", control({ type: "text" }, "timeout", node.timeout, v => setNodeField(node.id, "timeout", v)), { errors, hint: "ISO-8601 duration per attempt, like PT10S." }));
  section.append(field("onError", "On error", control({ type: "select", options: ["fail", "continue", "route"] }, "onError", node.onError ?? "fail",
    v => setNodeField(node.id, "onError", v === "fail" && node.onError === undefined ? undefined : v)), { errors, hint: "route adds an error port." }));
  section.append(field("retry/maxAttempts", "Attempts", control({ type: "number" }, "retry/maxAttempts", node.retry?.maxAttempts, v => {
    change(doc => {
      const target = doc.nodes.find(n => n.id === node.id);
      if (v === undefined) {
        if (target.retry) delete target.retry.maxAttempts;
        if (target.retry && Object.keys(target.retry).length === 0) delete target.retry;
      } else {
        target.retry = { ...(target.retry ?? {}), maxAttempts: v };
      }
    }, { inspector: false });
  }), { errors, hint: "How often to try before failing (1–20)." }));
  return section;
}

function edgePanel(edge, index) {
  const errors = Object.entries(state.errors).filter(([p]) => p === `edges/${index}` || p.startsWith(`edges/${index}/`));
  return h("div", { class: "inspector-form", dataset: { testid: "edge-form" } },
    h("div", { class: "inspector-head" }, h("span", { class: "inspector-type" }, "Connection"), h("h2", {}, `${edge.from} → ${edge.to}`),
      h("button", { type: "button", class: "small danger", dataset: { testid: "edge-delete" }, onclick: deleteSelection }, "Delete")),
    edge.port ? h("p", {}, "Port: ", h("code", {}, edge.port)) : h("p", { class: "muted" }, "Default port."),
    errors.flatMap(([, messages]) => [].concat(messages).map(m => h("p", { class: "field-error", dataset: { testid: "field-error" } }, m))));
}

function workflowPanel() {
  const doc = state.doc;
  const errors = { "": state.errors.id ?? [], name: state.errors.name ?? [] };
  const panel = h("div", { class: "inspector-form", dataset: { testid: "workflow-form" } }, h("h2", {}, "Workflow"));
  panel.append(h("p", { class: "muted" }, state.id ? h("code", {}, state.id) : "Not saved yet: Save asks for its id."));
  if (errors[""].length) panel.append(...errors[""].map(m => h("p", { class: "field-error", dataset: { testid: "field-error" } }, m)));
  const name = h("input", { type: "text", dataset: { testid: "workflow-name" }, value: doc.name ?? "" });
  name.addEventListener("change", () => change(d => { if (name.value.trim()) d.name = name.value; else delete d.name; }, { inspector: false }));
  const description = h("textarea", { rows: 2, dataset: { testid: "workflow-description" } }, doc.description ?? "");
  description.addEventListener("change", () => change(d => { if (description.value.trim()) d.description = description.value; else delete d.description; }, { inspector: false }));
  panel.append(h("label", { class: "field" }, h("span", {}, "Name"), name), h("label", { class: "field" }, h("span", {}, "Description"), description));
  panel.append(historyField(doc));
  panel.append(h("p", { class: "muted small" }, `${doc.nodes.length} nodes, ${doc.edges.length} connections.`));
  panel.append(h("div", { class: "help muted small" },
    h("p", {}, "Drag a node from the palette onto the canvas (or select a node and press Enter on a palette item to add one after it)."),
    h("p", {}, "Connect by dragging from a port on the right of a node to the left port of another, or with Connections in the inspector."),
    h("p", {}, "Keys: Ctrl+S save · Ctrl+Z / Ctrl+Shift+Z undo/redo · Delete remove · Ctrl+D duplicate · arrows move or pan · + / − zoom · 0 fit · Shift+L auto-layout · Ctrl+Enter play · Esc deselect.")));
  return panel;
}

// The workflow's history policy (docs/semantics.md §History policies); "all" is the default and is not written.
const historyChoices = {
  all: ["Every run", "Every run is kept until run retention prunes it."],
  errors: ["Failures only", "Failed, cancelled and expired runs are kept; a run that succeeds is not kept once it ends."],
  none: ["No runs", "No run is kept once it ends: for high-volume workflows. A waiting run is kept until it ends."],
};

function historyField(doc) {
  const value = doc.history ?? "all";
  const known = value in historyChoices;
  const select = h("select", { dataset: { testid: "workflow-history-policy" } },
    Object.entries(historyChoices).map(([key, [label]]) => h("option", { value: key }, label)),
    known ? null : h("option", { value }, value));
  select.value = value;
  select.addEventListener("change", () => change(d => { if (select.value === "all") delete d.history; else d.history = select.value; }));
  const messages = [].concat(state.errors.history ?? []);
  return h("label", { class: `field${messages.length ? " invalid" : ""}`, dataset: { field: "history", testid: "field" } },
    h("span", {}, "History"), select,
    h("span", { class: "hint", dataset: { testid: "workflow-history-hint" } }, known ? historyChoices[value][1] : "Not a history policy; choose one."),
    messages.map(m => h("p", { class: "field-error", dataset: { testid: "field-error" } }, m)));
}

export function commitActiveField() {
  const active = document.activeElement;
  if (active && inspector.contains(active) && active.matches("input, textarea, select")) active.dispatchEvent(new Event("change"));
}

export function timeZoneList() {
  const zones = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  root.append(h("datalist", { id: "time-zones" }, ["UTC", ...zones].map(z => h("option", { value: z }))));
}

/** Redraws on the events that change what the form shows. */
export function wireInspector() {
  on("change", ({ inspector: redraw }) => { if (redraw) renderInspector(); });
  on("selection", renderInspector);
  on("problems", ({ inspector: redraw }) => { if (redraw) renderInspector(); });
  on("run", ({ inspector: redraw = true }) => { if (redraw && state.selection?.node) renderInspector(); });
  on("context", () => { if (state.selection?.node) renderInspector(); });
}
