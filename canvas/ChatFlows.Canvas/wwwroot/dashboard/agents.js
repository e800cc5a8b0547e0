// The agents table and the agent form (create, edit, delete); /?agent=<id> opens the form from the editor.
import { byTestId, enc, load, state, subscribe } from "./state.js";
import { busy, clearFieldErrors, openConfirm, showFieldErrors } from "./dialogs.js";

const { api, problemText, toast, element, pageUrl } = window.ChatFlows;

/** Draws the table each time the agents are loaded. */
export function initAgents() {
  subscribe("agents", () => renderAgents());
}

export function renderAgents() {
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
export function openAgent(agent) {
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

  // README §Agents and models: a call to one of these waits for a person to approve it (the node's approvers).
  const confirmed = new Set(agent?.confirm ?? []);
  const confirmable = tools.map(t => t.name);
  for (const name of confirmed) if (!confirmable.includes(name)) confirmable.push(name);
  byTestId("agent-confirm").replaceChildren(...confirmable.map(name =>
    element("label", { class: "tool-choice" },
      element("input", { type: "checkbox", value: name, checked: confirmed.has(name), "data-testid": `agent-confirm-${name}` }),
      element("span", {}, element("code", {}, name)))));
  if (confirmable.length === 0) byTestId("agent-confirm").replaceChildren(element("span", { class: "muted" }, "No tools to confirm."));

  // README §Connections: the connections the agent's tools may use (each must also allow the workflow).
  const linked = new Set(agent?.connections ?? []);
  const connections = state.connections.map(c => ({ name: c.name, description: `${c.type} · ${c.workflows.join(", ") || "no workflows"}` }));
  for (const name of linked) if (!connections.some(c => c.name === name)) connections.push({ name, description: "not found" });
  byTestId("agent-connections").replaceChildren(...connections.map(connection =>
    element("label", { class: "tool-choice" },
      element("input", { type: "checkbox", value: connection.name, checked: linked.has(connection.name), "data-testid": `agent-connection-${connection.name}` }),
      element("span", {}, element("code", {}, connection.name), " ", element("span", { class: "muted" }, connection.description)))));
  if (connections.length === 0) byTestId("agent-connections").replaceChildren(element("span", { class: "muted" }, "No connections yet; add one under Connections."));
  // README §Knowledge: the knowledge bases its search_knowledge tool searches (loaded while the dialog opens).
  fillKnowledge(agent);
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
      confirm: [...byTestId("agent-confirm").querySelectorAll("input:checked")].map(c => c.value),
      connections: [...byTestId("agent-connections").querySelectorAll("input:checked")].map(c => c.value),
      knowledge: [...byTestId("agent-knowledge").querySelectorAll("input:checked")].map(c => c.value),
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
    await load("agents");
  };
  dialog.showModal();
  (agent ? fields.name : fields.id).focus();
}

async function fillKnowledge(agent) {
  const list = byTestId("agent-knowledge");
  const chosen = new Set(agent?.knowledge ?? []);
  // Until the bases are loaded, the agent's own stay checked, so a quick save keeps them.
  const choice = (id, description) => element("label", { class: "tool-choice" },
    element("input", { type: "checkbox", value: id, checked: chosen.has(id), "data-testid": `agent-knowledge-${id}` }),
    element("span", {}, element("code", {}, id), " ", element("span", { class: "muted" }, description)));
  list.replaceChildren(...[...chosen].map(id => choice(id, "")));
  const answer = await api("GET", "/api/knowledge");
  if (!answer.ok) return;
  const bases = answer.data.items.map(b => ({ id: b.id, description: `${b.name} · ${b.ready} of ${b.documents} documents ready` }));
  for (const id of chosen) if (!bases.some(b => b.id === id)) bases.push({ id, description: "not found" });
  list.replaceChildren(...bases.map(b => choice(b.id, b.description)));
  if (bases.length === 0) list.replaceChildren(element("span", { class: "muted" }, "No knowledge bases yet; create one on the Knowledge page."));
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
          problem.workflows.map(id => element("li", {}, element("a", { href: pageUrl(`/workflows/${enc(id)}`), "data-testid": "confirm-workflow", "data-id": id }, id))))]
      : null,
    done: async () => {
      toast(`Deleted ${agent.id}.`, "success");
      await load("agents");
    },
  });
}
