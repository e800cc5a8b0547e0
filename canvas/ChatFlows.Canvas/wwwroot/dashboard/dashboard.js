// The dashboard: workflows (Play, Duplicate, Export, Import, Delete), agents and connections (create, edit, delete). Every change
// goes through the JSON API, and whatever the server refuses is shown in its own words, next to the field it names.
(() => {
  "use strict";

  const { api, problemText, toast, timeElement, statusBadge, element, ready } = window.ChatFlows;
  const byTestId = id => document.querySelector(`[data-testid="${id}"]`);
  const enc = encodeURIComponent;

  const state = { workflows: [], agents: [], models: [], tools: [], connections: [] };
  let refreshTimer = null;
  let workflowsShown = false;

  // ---- Loading -------------------------------------------------------------------------------------------------

  async function loadWorkflows() {
    const answer = await api("GET", "/api/workflows");
    if (!answer.ok) {
      toast(problemText(answer.problem, "The workflows could not be loaded."), "error");
      return;
    }
    // A refresh that changes nothing leaves the table alone, and with it the keyboard focus.
    const changed = !workflowsShown || JSON.stringify(answer.data.items) !== JSON.stringify(state.workflows);
    workflowsShown = true;
    state.workflows = answer.data.items;
    if (changed) renderWorkflows();
    scheduleRefresh();
  }

  async function loadAgents() {
    const answer = await api("GET", "/api/agents");
    if (!answer.ok) {
      toast(problemText(answer.problem, "The agents could not be loaded."), "error");
      return;
    }
    state.agents = answer.data.items;
    renderAgents();
  }

  async function loadConnections() {
    const answer = await api("GET", "/api/connections");
    if (!answer.ok) {
      toast(problemText(answer.problem, "The connections could not be loaded."), "error");
      return;
    }
    state.connections = answer.data.items;
    renderConnections();
  }

  async function loadChoices() {
    const [models, tools] = await Promise.all([api("GET", "/api/models"), api("GET", "/api/agent-tools")]);
    state.models = models.ok ? models.data.items : [];
    state.tools = tools.ok ? tools.data.items : [];
  }

  // A run started from chat or a schedule shows up here too; while a listed run is going, look again soon.
  function scheduleRefresh() {
    clearTimeout(refreshTimer);
    const going = state.workflows.some(w => w.lastRun && (w.lastRun.status === "queued" || w.lastRun.status === "running"));
    refreshTimer = setTimeout(() => { if (!document.hidden) loadWorkflows(); else scheduleRefresh(); }, going ? 3000 : 15000);
  }

  // ---- Workflows -----------------------------------------------------------------------------------------------

  function renderWorkflows() {
    const body = byTestId("workflow-list").tBodies[0];
    // The rows are built anew: whoever was on a row's button stays on it.
    const focused = document.activeElement?.closest("[data-testid=workflow-row]") ? document.activeElement : null;
    const focusRow = focused?.closest("tr").dataset.id;
    const focusTestId = focused?.dataset.testid;
    body.replaceChildren(...state.workflows.map(workflowRow));
    if (focusRow && focusTestId) body.querySelector(`tr[data-id="${CSS.escape(focusRow)}"] [data-testid="${focusTestId}"]`)?.focus();
    byTestId("workflow-empty").hidden = state.workflows.length > 0;
    byTestId("workflow-list").hidden = state.workflows.length === 0;
  }

  function workflowRow(workflow) {
    const last = workflow.lastRun;
    const lastAt = last ? last.finishedAt ?? last.startedAt ?? last.createdAt : null;
    return element("tr", { "data-testid": "workflow-row", "data-id": workflow.id },
      element("td", {},
        element("a", { href: `/workflows/${enc(workflow.id)}`, class: "row-title", "data-testid": "workflow-edit", title: workflow.description ?? undefined }, workflow.name),
        element("div", { class: "muted row-sub", title: workflow.id }, workflow.id),
        setupNeeds(workflow)),
      element("td", { "data-testid": "workflow-triggers" }, workflow.triggers.length ? workflow.triggers.map(triggerChip) : element("span", { class: "muted" }, "none")),
      element("td", { "data-testid": "workflow-next" },
        workflow.nextRunAt
          ? timeElement(workflow.nextRunAt)
          : element("span", { class: "muted" }, "—")),
      element("td", { "data-testid": "workflow-last" },
        last
          ? element("a", { href: `/runs/${enc(last.id)}`, class: "last-run", "data-testid": "workflow-last-run", "data-status": last.status },
            statusBadge(last.status), " ", timeElement(lastAt))
          : element("span", { class: "muted" }, "never run")),
      element("td", { class: "actions" },
        element("button", { type: "button", class: "small primary", "data-testid": "workflow-play", title: `Start ${workflow.name}`, disabled: workflow.triggers.length === 0, onclick: () => openPlay(workflow) }, "▶ Play"),
        element("a", { href: `/runs?workflow=${enc(workflow.id)}`, class: "button small", "data-testid": "workflow-runs" }, "Runs"),
        element("button", { type: "button", class: "small", "data-testid": "workflow-duplicate", onclick: () => openDuplicate(workflow) }, "Duplicate"),
        element("button", { type: "button", class: "small", "data-testid": "workflow-export", onclick: () => exportWorkflow(workflow) }, "Export"),
        element("button", { type: "button", class: "small danger", "data-testid": "workflow-delete", onclick: () => confirmDeleteWorkflow(workflow) }, "Delete")));
  }

  // "Needs set-up": what the workflow needs before it can run (an agent, a model profile, a secret, a connection),
  // each with where to set it; the server decides, the page only shows it (README §Workflows that need set-up).
  function setupNeeds(workflow) {
    const needs = workflow.setup ?? [];
    if (needs.length === 0) return null;
    const summary = needs.map(n => `${n.path}: ${n.message}`).join("\n");
    return element("details", { class: "setup-needs", "data-testid": "workflow-setup" },
      element("summary", { class: "setup-badge", title: summary, "data-testid": "workflow-setup-badge" }, `Needs set-up (${needs.length})`),
      element("ul", {}, needs.map(need => element("li", { "data-testid": "workflow-setup-item", "data-path": need.path },
        element("code", {}, need.path.replace(/^nodes\//, "")), " ", need.message, " ", setupLink(workflow, need)))));
  }

  function setupLink(workflow, need) {
    if (/\/config\/connection$/.test(need.path)) return element("a", { href: "#connections-title", "data-testid": "workflow-setup-fix" }, "Connections");
    if (/\/config\/agent$/.test(need.path)) return element("a", { href: "#agents-title", "data-testid": "workflow-setup-fix" }, "Agents");
    return null; // a secret: the message says where to set it
  }

  function triggerChip(trigger) {
    let text = trigger.kind ?? "trigger";
    if (trigger.kind === "command" && trigger.command) text = `/run ${trigger.command}`;
    if (trigger.kind === "schedule" && trigger.cron) text = `⏰ ${trigger.cron}${trigger.timeZone ? ` (${trigger.timeZone})` : ""}`;
    return element("span", { class: "chip", "data-kind": trigger.kind ?? "", title: `trigger ${trigger.id}` }, text);
  }

  // Play: pick the trigger, give the payload, start, and watch the run on the canvas.
  function openPlay(workflow) {
    const dialog = byTestId("play-dialog");
    const select = byTestId("play-trigger");
    const payload = byTestId("play-payload");
    dialog.querySelector("h2").textContent = `Play ${workflow.name}`;
    select.replaceChildren(...workflow.triggers.map(t => element("option", { value: t.id }, `${t.id} (${t.kind ?? "trigger"})`)));
    const preferred = workflow.triggers.find(t => t.kind === "manual") ?? workflow.triggers[0];
    if (preferred) select.value = preferred.id;
    const template = () => workflow.triggers.find(t => t.id === select.value)?.kind === "command" ? '{\n  "args": {}\n}' : "{}";
    payload.value = template();
    let touched = false;
    payload.oninput = () => { touched = true; };
    select.onchange = () => { if (!touched) payload.value = template(); };
    hideError("play-error");

    dialog.querySelector("form").onsubmit = async event => {
      event.preventDefault();
      const text = payload.value.trim() || "{}";
      const answer = await busy("play-start", () =>
        api("POST", `/api/workflows/${enc(workflow.id)}/runs?trigger=${enc(select.value)}`, text, { raw: true }));
      if (!answer.ok) {
        showProblem("play-error", answer.problem, "The run could not start.");
        return;
      }
      dialog.close();
      location.href = `/workflows/${enc(workflow.id)}?run=${enc(answer.data.runId)}`;
    };
    dialog.showModal();
    payload.focus();
  }

  function openDuplicate(workflow) {
    const dialog = byTestId("duplicate-dialog");
    const id = byTestId("duplicate-id");
    const name = byTestId("duplicate-name");
    dialog.querySelector("h2").textContent = `Duplicate ${workflow.name}`;
    id.value = freeId(`${workflow.id}-copy`);
    name.value = `${workflow.name} (copy)`;
    hideError("duplicate-error");

    dialog.querySelector("form").onsubmit = async event => {
      event.preventDefault();
      const answer = await busy("duplicate-save", async () => {
        const original = await api("GET", `/api/workflows/${enc(workflow.id)}`);
        if (!original.ok) return original;
        const copy = { ...original.data, id: id.value.trim(), name: name.value.trim() || undefined };
        delete copy.version;
        return api("POST", "/api/workflows", copy);
      });
      if (!answer.ok) {
        showProblem("duplicate-error", answer.problem, "The workflow could not be duplicated.");
        return;
      }
      dialog.close();
      toast(`Duplicated as ${answer.data.id}.`, "success");
      await loadWorkflows();
    };
    dialog.showModal();
    id.select();
  }

  // The document as stored, without the server's version counter: importing it anywhere starts a history of its own.
  async function exportWorkflow(workflow) {
    const answer = await api("GET", `/api/workflows/${enc(workflow.id)}`);
    if (!answer.ok) {
      toast(problemText(answer.problem, `Workflow ${workflow.id} could not be exported.`), "error");
      return;
    }
    const document_ = { ...answer.data };
    delete document_.version;
    const blob = new Blob([JSON.stringify(document_, null, 2) + "\n"], { type: "application/json" });
    const url = URL.createObjectURL(blob);
    const link = element("a", { href: url, download: `${workflow.id}.json`, hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }

  function openImport() {
    const dialog = byTestId("import-dialog");
    const file = byTestId("import-file");
    const text = byTestId("import-text");
    const conflict = byTestId("import-conflict");
    const newId = byTestId("import-new-id");
    const replace = byTestId("import-replace");
    const submit = byTestId("import-submit");
    file.value = "";
    text.value = "";
    let existing = null;
    const resetConflict = () => {
      existing = null;
      conflict.hidden = true;
      replace.hidden = true;
      submit.textContent = "Import";
    };
    resetConflict();
    hideError("import-error");

    file.onchange = async () => {
      const picked = file.files?.[0];
      if (!picked) return;
      text.value = await picked.text();
      resetConflict();
      hideError("import-error");
    };
    text.oninput = () => { if (existing) resetConflict(); };

    const finish = async saved => {
      dialog.close();
      toast(`Imported ${saved.name ?? saved.id} (${saved.id}, version ${saved.version}).`, "success");
      await loadWorkflows();
    };

    dialog.querySelector("form").onsubmit = async event => {
      event.preventDefault();
      hideError("import-error");
      const body = text.value.trim();
      if (!body) {
        showProblem("import-error", null, "Pick a JSON file or paste a workflow document first.");
        return;
      }
      let parsed = null;
      try { parsed = JSON.parse(body); } catch { /* the server says where the JSON goes wrong */ }

      if (existing) {
        // Under a new id: the same document, renamed.
        const answer = await busy("import-submit", () => api("POST", "/api/workflows", { ...parsed, id: newId.value.trim(), version: undefined }));
        if (answer.ok) await finish(answer.data);
        else showProblem("import-error", answer.problem, "The workflow could not be imported.");
        return;
      }

      const id = parsed && typeof parsed === "object" && typeof parsed.id === "string" ? parsed.id : null;
      if (id && state.workflows.some(w => w.id === id)) {
        existing = id;
        byTestId("import-conflict-id").textContent = id;
        newId.value = freeId(`${id}-imported`);
        conflict.hidden = false;
        replace.hidden = false;
        submit.textContent = "Import as new id";
        newId.focus();
        return;
      }
      const answer = await busy("import-submit", () => api("POST", "/api/workflows", body, { raw: true }));
      if (answer.ok) await finish(answer.data);
      else showProblem("import-error", answer.problem, "The workflow could not be imported.");
    };

    // Replace: a save on top of the version stored now, as the editor saves, so a concurrent edit is not lost silently.
    replace.onclick = async () => {
      hideError("import-error");
      const answer = await busy("import-replace", async () => {
        const current = await api("GET", `/api/workflows/${enc(existing)}`);
        if (!current.ok) return current;
        return api("PUT", `/api/workflows/${enc(existing)}`, text.value.trim(), { raw: true, ifMatch: current.etag });
      });
      if (answer.ok) await finish(answer.data);
      else showProblem("import-error", answer.problem, "The workflow could not be replaced.");
    };
    dialog.showModal();
  }

  function confirmDeleteWorkflow(workflow) {
    openConfirm({
      title: `Delete ${workflow.name}?`,
      text: `Workflow ${workflow.id} and its triggers stop at once; its runs stay in the history, pinned to their version.`,
      action: () => api("DELETE", `/api/workflows/${enc(workflow.id)}`, undefined, { ifMatch: workflow.version }),
      done: async () => {
        toast(`Deleted ${workflow.id}.`, "success");
        await loadWorkflows();
      },
    });
  }

  function freeId(wanted) {
    const taken = new Set(state.workflows.map(w => w.id));
    if (!taken.has(wanted)) return wanted;
    for (let n = 2; ; n++) if (!taken.has(`${wanted}-${n}`)) return `${wanted}-${n}`;
  }

  // ---- Agents --------------------------------------------------------------------------------------------------

  function renderAgents() {
    const body = byTestId("agent-list").tBodies[0];
    body.replaceChildren(...state.agents.map(agentRow));
    byTestId("agent-empty").hidden = state.agents.length > 0;
    byTestId("agent-list").hidden = state.agents.length === 0;
  }

  function agentRow(agent) {
    return element("tr", { "data-testid": "agent-row", "data-id": agent.id },
      element("td", {},
        element("button", { type: "button", class: "link-button row-title", "data-testid": "agent-open", onclick: () => openAgent(agent) }, agent.name),
        element("div", { class: "muted row-sub" }, agent.id)),
      element("td", { "data-testid": "agent-model-cell" }, agent.model ?? element("span", { class: "muted" }, defaultModelLabel())),
      element("td", {}, agent.temperature ?? element("span", { class: "muted" }, "—")),
      element("td", {}, agent.tools.length ? agent.tools.map(t => element("span", { class: "chip" }, t)) : element("span", { class: "muted" }, "none")),
      element("td", { class: "actions" },
        element("button", { type: "button", class: "small", "data-testid": "agent-edit", onclick: () => openAgent(agent) }, "Edit"),
        element("button", { type: "button", class: "small danger", "data-testid": "agent-delete", onclick: () => confirmDeleteAgent(agent) }, "Delete")));
  }

  function defaultModelLabel() {
    const fallback = state.models.find(m => m.isDefault);
    return fallback ? `default (${fallback.name})` : "default";
  }

  // New when agent is null. The form keeps the server's field names, so its problems land on the right field.
  function openAgent(agent) {
    const dialog = byTestId("agent-dialog");
    const form = dialog.querySelector("form");
    const fields = {
      id: byTestId("agent-id"), name: byTestId("agent-name"), instructions: byTestId("agent-instructions"),
      model: byTestId("agent-model"), temperature: byTestId("agent-temperature"), maxOutputTokens: byTestId("agent-max-tokens"),
    };
    dialog.querySelector("h2").textContent = agent ? `Edit ${agent.name}` : "New agent";
    fields.id.value = agent?.id ?? "";
    fields.id.readOnly = Boolean(agent);
    fields.name.value = agent?.name ?? "";
    fields.instructions.value = agent?.instructions ?? "";
    fields.temperature.value = agent?.temperature ?? "";
    fields.maxOutputTokens.value = agent?.maxOutputTokens ?? "";

    const models = state.models.map(m => element("option", { value: m.name }, m.model ? `${m.name} — ${m.provider ?? ""} ${m.model}`.trim() : m.name));
    if (agent?.model && !state.models.some(m => m.name === agent.model)) {
      models.push(element("option", { value: agent.model }, `${agent.model} (not configured)`));
    }
    fields.model.replaceChildren(element("option", { value: "" }, `Default profile${state.models.some(m => m.isDefault) ? ` (${state.models.find(m => m.isDefault).name})` : ""}`), ...models);
    fields.model.value = agent?.model ?? "";

    const chosen = new Set(agent?.tools ?? []);
    const tools = [...state.tools];
    for (const name of chosen) if (!tools.some(t => t.name === name)) tools.push({ name, description: "not available on this host" });
    byTestId("agent-tools").replaceChildren(...tools.map(tool =>
      element("label", { class: "tool-choice" },
        element("input", { type: "checkbox", value: tool.name, checked: chosen.has(tool.name), "data-testid": `agent-tool-${tool.name}` }),
        element("span", {}, element("code", {}, tool.name), " ", element("span", { class: "muted" }, tool.description)))));
    if (tools.length === 0) byTestId("agent-tools").replaceChildren(element("span", { class: "muted" }, "This host offers no tools."));

    // README §Connections: the connections the agent's tools may use (each must also allow the workflow).
    const linked = new Set(agent?.connections ?? []);
    const connections = state.connections.map(c => ({ name: c.name, description: `${c.type} · ${c.workflows.join(", ") || "no workflows"}` }));
    for (const name of linked) if (!connections.some(c => c.name === name)) connections.push({ name, description: "not found" });
    byTestId("agent-connections").replaceChildren(...connections.map(connection =>
      element("label", { class: "tool-choice" },
        element("input", { type: "checkbox", value: connection.name, checked: linked.has(connection.name), "data-testid": `agent-connection-${connection.name}` }),
        element("span", {}, element("code", {}, connection.name), " ", element("span", { class: "muted" }, connection.description)))));
    if (connections.length === 0) byTestId("agent-connections").replaceChildren(element("span", { class: "muted" }, "No connections yet; add one under Connections."));
    clearFieldErrors(form);

    form.onsubmit = async event => {
      event.preventDefault();
      clearFieldErrors(form);
      const local = {};
      const number = (input, field) => {
        if (input.validity.badInput) local[field] = [`${field} must be a number.`];
        return input.value === "" ? null : Number(input.value);
      };
      const body = {
        id: fields.id.value.trim(),
        name: fields.name.value,
        instructions: fields.instructions.value,
        model: fields.model.value || null,
        temperature: number(fields.temperature, "temperature"),
        maxOutputTokens: number(fields.maxOutputTokens, "maxOutputTokens"),
        tools: [...byTestId("agent-tools").querySelectorAll("input:checked")].map(c => c.value),
        connections: [...byTestId("agent-connections").querySelectorAll("input:checked")].map(c => c.value),
      };
      if (Object.keys(local).length) {
        showFieldErrors(form, { errors: local }, "agent-error");
        return;
      }
      const answer = await busy("agent-save", () => agent
        ? api("PUT", `/api/agents/${enc(agent.id)}`, body, { ifMatch: agent.version })
        : api("POST", "/api/agents", body));
      if (!answer.ok) {
        showFieldErrors(form, answer.problem, "agent-error");
        return;
      }
      dialog.close();
      toast(agent ? `Saved ${answer.data.name}.` : `Created ${answer.data.name}.`, "success");
      await loadAgents();
    };
    dialog.showModal();
    (agent ? fields.name : fields.id).focus();
  }

  function confirmDeleteAgent(agent) {
    openConfirm({
      title: `Delete ${agent.name}?`,
      text: `Agent ${agent.id} is deleted for good. Workflows whose agent nodes use it keep it from being deleted.`,
      action: () => api("DELETE", `/api/agents/${enc(agent.id)}`),
      // 409 names the workflows that use it: link each, so they can be changed first.
      problem: problem => Array.isArray(problem?.workflows) && problem.workflows.length
        ? [element("p", {}, problemText(problem, "The agent is in use.")),
          element("ul", { class: "problems", "data-testid": "confirm-workflows" },
            problem.workflows.map(id => element("li", {}, element("a", { href: `/workflows/${enc(id)}`, "data-testid": "confirm-workflow", "data-id": id }, id))))]
        : null,
      done: async () => {
        toast(`Deleted ${agent.id}.`, "success");
        await loadAgents();
      },
    });
  }

  // ---- Connections (README §Connections) -------------------------------------------------------------------------

  // The form of each type; credentials are write-only: their inputs start empty, and empty keeps the stored value.
  const connectionFields = {
    mail: [
      { key: "ImapHost", label: "IMAP host" }, { key: "ImapPort", label: "IMAP port", input: "number" },
      { key: "SmtpHost", label: "SMTP host" }, { key: "SmtpPort", label: "SMTP port", input: "number" },
      { key: "UserName", label: "User name" }, { key: "Password", label: "Password", credential: true },
      { key: "Security", label: "Security", options: ["", "auto", "ssl", "starttls", "none"] }, { key: "From", label: "From address" },
    ],
    database: [
      { key: "Provider", label: "Provider", options: ["sqlite", "postgres"] },
      { key: "ReadOnly", label: "Read only", options: ["", "true", "false"] },
      { key: "ConnectionString", label: "Connection string", credential: true, wide: true },
    ],
    github: [
      { key: "Token", label: "Token", credential: true },
      { key: "ApiBaseUrl", label: "API base URL", placeholder: "https://api.github.com/" },
    ],
    http: [
      { key: "BaseUrl", label: "Base URL", placeholder: "https://api.example.com/v1/", wide: true },
      { key: "Headers", label: "Headers", group: true, wide: true },
    ],
  };

  function renderConnections() {
    const body = byTestId("connection-list").tBodies[0];
    body.replaceChildren(...state.connections.map(connectionRow));
    byTestId("connection-empty").hidden = state.connections.length > 0;
    byTestId("connection-list").hidden = state.connections.length === 0;
  }

  function connectionRow(connection) {
    const configured = connection.source !== "stored";
    return element("tr", { "data-testid": "connection-row", "data-id": connection.name },
      element("td", {},
        element("span", { class: "row-title" }, connection.name),
        element("div", { class: "muted row-sub", "data-testid": "connection-source" }, configured ? "from configuration (read-only)" : "saved here")),
      element("td", { "data-testid": "connection-type-cell" }, element("span", { class: "chip" }, connection.type)),
      element("td", { "data-testid": "connection-workflows-cell" }, connection.workflows.length
        ? connection.workflows.map(w => element("span", { class: "chip" }, w === "*" ? "* (all)" : w))
        : element("span", { class: "muted" }, "none")),
      element("td", { "data-testid": "connection-credentials" }, connection.credentials.length
        ? connection.credentials.map(c => element("span", { class: "chip", title: "set (never shown)" }, `${c} ✓`))
        : element("span", { class: "muted" }, "none set")),
      element("td", { class: "actions" }, configured
        ? element("span", { class: "muted small" }, `ChatFlows:Connections:${connection.name}`)
        : [element("button", { type: "button", class: "small", "data-testid": "connection-edit", onclick: () => openConnection(connection) }, "Edit"),
          element("button", { type: "button", class: "small danger", "data-testid": "connection-delete", onclick: () => confirmDeleteConnection(connection) }, "Delete")]));
  }

  // New when connection is null (of type, when given).
  function openConnection(connection, type_) {
    const dialog = byTestId("connection-dialog");
    const form = dialog.querySelector("form");
    const name = byTestId("connection-name");
    const type = byTestId("connection-type");
    const workflows = byTestId("connection-workflows");
    dialog.querySelector("h2").textContent = connection ? `Edit ${connection.name}` : "New connection";
    name.value = connection?.name ?? "";
    name.readOnly = Boolean(connection);
    type.value = connection?.type ?? (["mail", "database", "github", "http"].includes(type_) ? type_ : "http");
    workflows.value = connection ? connection.workflows.join("\n") : "*";
    const draw = () => renderConnectionSettings(type.value, connection?.type === type.value ? connection : null);
    type.onchange = draw;
    draw();
    clearFieldErrors(form);

    form.onsubmit = async event => {
      event.preventDefault();
      clearFieldErrors(form);
      const wanted = name.value.trim();
      const local = {};
      if (!wanted) local.name = ["Give the connection a name, like orders-api."];
      else if (!connection && state.connections.some(c => c.name === wanted && c.source === "stored")) local.name = [`A connection '${wanted}' already exists; edit it instead.`];
      if (Object.keys(local).length) {
        showFieldErrors(form, { errors: local }, "connection-error");
        return;
      }
      const body = {
        type: type.value,
        workflows: workflows.value.split(/[\n,]/).map(w => w.trim()).filter(Boolean),
        settings: readConnectionSettings(type.value),
      };
      const answer = await busy("connection-save", () => api("PUT", `/api/connections/${enc(wanted)}`, body));
      if (!answer.ok) {
        showFieldErrors(form, answer.problem, "connection-error");
        return;
      }
      dialog.close();
      toast(connection ? `Saved ${wanted}.` : `Created ${wanted}.`, "success");
      await loadConnections();
    };
    dialog.showModal();
    (connection ? workflows : name).focus();
  }

  function renderConnectionSettings(type, connection) {
    const box = byTestId("connection-settings");
    const set = new Set(connection?.credentials ?? []);
    const grid = element("div", { class: "connection-settings-grid" });
    for (const spec of connectionFields[type] ?? []) {
      const testid = `connection-setting-${spec.key}`;
      let input;
      let hint = null;
      if (spec.group) {
        const names = [...set].filter(c => c.startsWith(`${spec.key}:`)).map(c => c.slice(spec.key.length + 1));
        input = element("textarea", { rows: 3, spellcheck: "false", "data-testid": testid, placeholder: "Authorization: Bearer …" });
        hint = names.length
          ? `Set: ${names.join(", ")} (values never shown; left out, they are kept). One "Name: value" a line adds or replaces one; "Name:" with nothing after it removes it.`
          : `One "Name: value" a line, e.g. Authorization: Bearer …; the values are credentials, never shown again.`;
      } else if (spec.options) {
        input = element("select", { "data-testid": testid }, spec.options.map(o => element("option", { value: o }, o || "(default)")));
        input.value = connection?.settings?.[spec.key] ?? spec.options[0];
      } else if (spec.credential) {
        input = element("input", { type: "password", autocomplete: "new-password", "data-testid": testid, placeholder: set.has(spec.key) ? "set — leave empty to keep" : "" });
      } else {
        input = element("input", { type: spec.input ?? "text", autocomplete: "off", spellcheck: "false", "data-testid": testid, placeholder: spec.placeholder ?? "", value: connection?.settings?.[spec.key] ?? "" });
      }
      input.dataset.setting = spec.key;
      const clear = spec.credential && set.has(spec.key)
        ? element("label", { class: "credential-clear" }, element("input", { type: "checkbox", "data-testid": `${testid}-clear`, "data-clear": spec.key }), "clear it")
        : null;
      grid.append(element("label", { class: `field${spec.wide ? " wide" : ""}`, "data-field": `settings.${spec.key}` },
        element("span", {}, spec.label, spec.credential || spec.group ? element("span", { class: "muted" }, " (credential)") : null), input,
        clear, hint ? element("span", { class: "hint" }, hint) : null));
    }
    box.replaceChildren(grid);
  }

  // Empty settings are sent as "" (unset); an empty credential is left out, so the stored one is kept.
  function readConnectionSettings(type) {
    const box = byTestId("connection-settings");
    const settings = {};
    for (const spec of connectionFields[type] ?? []) {
      const input = box.querySelector(`[data-setting="${spec.key}"]`);
      if (spec.group) {
        const headers = {};
        for (const line of input.value.split("\n")) {
          if (!line.trim()) continue;
          const colon = line.indexOf(":");
          // A line without a colon is sent as a name, so the server's sentence about it shows at the field.
          if (colon < 0) headers[line.trim()] = "";
          else headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
        }
        if (Object.keys(headers).length) settings[spec.key] = headers;
      } else if (spec.credential) {
        if (box.querySelector(`[data-clear="${spec.key}"]`)?.checked) settings[spec.key] = "";
        else if (input.value !== "") settings[spec.key] = input.value;
      } else {
        settings[spec.key] = input.value.trim();
      }
    }
    return settings;
  }

  function confirmDeleteConnection(connection) {
    openConfirm({
      title: `Delete ${connection.name}?`,
      text: `Connection ${connection.name} and its credentials are deleted at once; nodes and agents naming it fail until it exists again.`,
      action: () => api("DELETE", `/api/connections/${enc(connection.name)}`),
      done: async () => {
        toast(`Deleted ${connection.name}.`, "success");
        await loadConnections();
      },
    });
  }

  // ---- Dialog helpers ------------------------------------------------------------------------------------------

  function openConfirm({ title, text, action, problem, done }) {
    const dialog = byTestId("confirm-dialog");
    dialog.querySelector("h2").textContent = title;
    byTestId("confirm-text").textContent = text;
    byTestId("confirm-ok").disabled = false;
    hideError("confirm-error");
    dialog.querySelector("form").onsubmit = async event => {
      event.preventDefault();
      const answer = await busy("confirm-ok", action);
      if (!answer.ok) {
        const custom = problem?.(answer.problem);
        if (custom) {
          const box = byTestId("confirm-error");
          box.replaceChildren(...custom);
          box.hidden = false;
        } else {
          showProblem("confirm-error", answer.problem, "It could not be deleted.");
        }
        return;
      }
      dialog.close();
      await done();
    };
    dialog.showModal();
    byTestId("confirm-cancel").focus();
  }

  // Disables the button while the request is out, so a double click sends one request.
  async function busy(testId, work) {
    const button = byTestId(testId);
    button.disabled = true;
    try {
      return await work();
    } finally {
      button.disabled = false;
    }
  }

  function hideError(testId) {
    const box = byTestId(testId);
    box.replaceChildren();
    box.hidden = true;
  }

  // A problem with per-path errors becomes a list, one sentence per problem; anything else its title and detail.
  function showProblem(testId, problem, fallback) {
    const box = byTestId(testId);
    const entries = problem && typeof problem === "object" && problem.errors && typeof problem.errors === "object"
      ? Object.entries(problem.errors).flatMap(([path, messages]) => [].concat(messages).map(message => [path, message]))
      : [];
    if (entries.length > 0) {
      box.replaceChildren(
        element("p", {}, problem.title ?? fallback, problem.detail ? ` ${problem.detail}` : ""),
        element("ul", { class: "problems" }, entries.map(([path, message]) =>
          element("li", { "data-testid": "problem", "data-path": path }, path ? element("code", {}, path) : null, path ? " " : null, message))));
    } else {
      box.replaceChildren(problemText(problem, fallback));
    }
    box.hidden = false;
  }

  function clearFieldErrors(form) {
    form.querySelectorAll(".field.invalid").forEach(f => f.classList.remove("invalid"));
    form.querySelectorAll(".field-error").forEach(e => e.remove());
    const summary = form.querySelector(".form-error");
    summary.replaceChildren();
    summary.hidden = true;
  }

  // Each problem under the field it names (tools/1 belongs to tools); what fits no field goes to the summary.
  function showFieldErrors(form, problem, summaryTestId) {
    const leftover = [];
    const errors = problem && typeof problem === "object" && problem.errors && typeof problem.errors === "object" ? problem.errors : {};
    for (const [path, messages] of Object.entries(errors)) {
      const name = path.split("/")[0];
      const field = name ? form.querySelector(`.field[data-field="${CSS.escape(name)}"]`) : null;
      for (const message of [].concat(messages)) {
        if (!field) {
          leftover.push(path ? `${path}: ${message}` : message);
          continue;
        }
        field.classList.add("invalid");
        field.append(element("p", { class: "field-error", "data-testid": `${summaryTestId}-${name}` }, message));
      }
    }
    if (Object.keys(errors).length === 0) leftover.push(problemText(problem, "It could not be saved."));
    if (leftover.length > 0) {
      const summary = byTestId(summaryTestId);
      summary.textContent = leftover.join(" ");
      summary.hidden = false;
    }
    form.querySelector(".field.invalid input, .field.invalid textarea, .field.invalid select")?.focus();
  }

  for (const dialog of document.querySelectorAll("dialog")) {
    dialog.querySelector("button[value=cancel]")?.addEventListener("click", () => dialog.close());
  }

  // /?agent=new and /?agent=<id> open the agent form (the editor's agent picker links here); closing it forgets that.
  byTestId("agent-dialog").addEventListener("close", () => {
    const url = new URL(location.href);
    if (url.searchParams.has("agent")) {
      url.searchParams.delete("agent");
      history.replaceState(null, "", url.pathname + url.search + url.hash);
    }
  });

  byTestId("agent-new").addEventListener("click", () => openAgent(null));
  byTestId("connection-new").addEventListener("click", () => openConnection(null));

  // /?connection=new&type=http opens the connection form (the inspector's connection fields link here); closing it forgets that.
  byTestId("connection-dialog").addEventListener("close", () => {
    const url = new URL(location.href);
    if (url.searchParams.has("connection")) {
      url.searchParams.delete("connection");
      url.searchParams.delete("type");
      history.replaceState(null, "", url.pathname + url.search + url.hash);
    }
  });
  byTestId("workflow-import").addEventListener("click", openImport);

  async function start() {
    await Promise.all([loadChoices(), loadWorkflows(), loadAgents(), loadConnections()]);
    renderAgents();
    const query = new URLSearchParams(location.search);
    if (query.get("connection") === "new") openConnection(null, query.get("type"));
    const wanted = query.get("agent");
    if (wanted === "new") openAgent(null);
    else if (wanted) {
      const agent = state.agents.find(a => a.id === wanted);
      if (agent) openAgent(agent);
      else toast(`There is no agent '${wanted}'.`, "error");
    }
    ready();
  }

  start();
})();
