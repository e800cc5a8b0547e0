// The dashboard's shared state and its loading (README §The canvas): what the server listed last, keyed by kind, and
// who wants to hear when a kind is loaded again. Views subscribe here and call load() after a change; this module
// depends on no view.
const { api, problemText, toast } = window.ChatFlows;

export const byTestId = id => document.querySelector(`[data-testid="${id}"]`);
export const enc = encodeURIComponent;

export const state = { workflows: [], agents: [], models: [], tools: [], connections: [] };

const sources = {
  workflows: ["/api/workflows", "The workflows could not be loaded."],
  agents: ["/api/agents", "The agents could not be loaded."],
  connections: ["/api/connections", "The connections could not be loaded."],
};
const listeners = { workflows: [], agents: [], connections: [] };
const loaded = new Set();

/** Calls listener(changed) each time the kind is loaded; changed is false when the server's list is the same. */
export function subscribe(kind, listener) {
  listeners[kind].push(listener);
}

/** Loads one kind (workflows, agents, connections) again and tells its subscribers. */
export async function load(kind) {
  const [url, failure] = sources[kind];
  const answer = await api("GET", url);
  if (!answer.ok) {
    toast(problemText(answer.problem, failure), "error");
    return;
  }
  // A refresh that changes nothing lets a view leave its table alone, and with it the keyboard focus.
  const changed = !loaded.has(kind) || JSON.stringify(answer.data.items) !== JSON.stringify(state[kind]);
  loaded.add(kind);
  state[kind] = answer.data.items;
  for (const listener of listeners[kind]) listener(changed);
}

/** The model profiles and agent tools the agent form offers. */
export async function loadChoices() {
  const [models, tools] = await Promise.all([api("GET", "/api/models"), api("GET", "/api/agent-tools")]);
  state.models = models.ok ? models.data.items : [];
  state.tools = tools.ok ? tools.data.items : [];
}

/** A workflow id not taken yet: wanted, else wanted-2, wanted-3… */
export function freeId(wanted) {
  const taken = new Set(state.workflows.map(w => w.id));
  if (!taken.has(wanted)) return wanted;
  for (let n = 2; ; n++) if (!taken.has(`${wanted}-${n}`)) return `${wanted}-${n}`;
}
