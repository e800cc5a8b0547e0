// A new workflow started from a template (/workflows/new?template=<id>, README §Templates): the template's document
// opens as a new, unsaved workflow, its id proposed on the first save, and a set-up checklist says which of its
// settings this host already has and where to set the others. Saving creates the agents it brings that are missing,
// before the workflow, whose agent nodes need them.

const { api, problemText, toast, element: h } = window.ChatFlows;

const MARK = { ready: "✓", created: "✓", missing: "✗", check: "•" };
const EMPTY = () => ({ id: "", version: 0, nodes: [], edges: [], layout: {} });

/** The id of the template asked for in the address, or null. */
export const templateId = () => new URLSearchParams(location.search).get("template") || null;

/**
 * The document a new workflow opens with: the template's (as version 0, unsaved) when one is asked for, else an empty
 * one. Also shows the template's checklist and prepares its agents for the first save.
 */
export async function newDocument(root, state) {
  const id = templateId();
  if (!id) return EMPTY();
  const result = await api("GET", `/api/templates/${encodeURIComponent(id)}`);
  if (!result.ok) {
    toast(problemText(result.problem, `Template '${id}' could not be loaded.`), "error");
    return EMPTY();
  }
  const template = result.data;
  root.dataset.template = template.id;
  const idInput = root.querySelector("[data-testid=save-id]");
  if (idInput && !idInput.value) idInput.value = template.workflow.id;
  showChecklist(root, template);
  state.beforeCreate = () => createAgents(template.agents ?? [], state);
  return { ...template.workflow, version: 0 };
}

// Only the agents this host does not have: one of the same id is kept as it is, as samples are.
async function createAgents(agents, state) {
  const listed = await api("GET", "/api/agents");
  const known = new Set((listed.ok ? listed.data.items ?? [] : state.agents).map(a => a.id));
  for (const agent of agents.filter(a => !known.has(a.id))) {
    const created = await api("POST", "/api/agents", agent);
    if (created.ok) {
      state.agents = [...state.agents, created.data];
      toast(`Created the agent ${agent.id}.`, "success");
    } else {
      toast(problemText(created.problem, `The agent '${agent.id}' could not be created.`), "error");
    }
  }
}

function showChecklist(root, template) {
  const missing = template.settings.filter(s => s.status === "missing").length;
  const panel = h("section", { class: "setup-checklist", "data-testid": "setup-checklist", "aria-labelledby": "setup-title" },
    h("div", { class: "setup-head" },
      h("h2", { id: "setup-title" }, "Set-up checklist"),
      h("span", { class: "muted", "data-testid": "setup-summary" },
        missing === 0 ? `${template.name}: nothing is missing on this host.` : `${template.name}: ${missing} of ${template.settings.length} still to set up.`),
      h("button", { type: "button", class: "icon-button", "data-testid": "setup-close", "aria-label": "Hide the set-up checklist" }, "×")),
    h("ul", {}, ...template.settings.map(s =>
      h("li", { "data-testid": "setup-item", "data-status": s.status, "data-kind": s.kind, "data-name": s.name },
        h("span", { class: "setup-mark", "aria-hidden": "true" }, MARK[s.status] ?? "•"),
        h("span", {}, h("strong", {}, `${s.kind}: ${s.name}`), ` — ${s.detail} ${s.description}`),
        h("span", { class: "setup-where" }, `Where: ${s.where}`)))));
  panel.querySelector("[data-testid=setup-close]").addEventListener("click", () => panel.remove());
  root.querySelector(".editor-body").before(panel);
}
