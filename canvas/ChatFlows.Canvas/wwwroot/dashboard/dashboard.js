// The dashboard's entry: workflows, agents and connections, each in its own module (workflows.js, import.js,
// agents.js, connections.js) over one shared state (state.js) and dialog helpers (dialogs.js). This module only wires
// the page: it starts the views, connects the page's buttons and opens what the URL asks for.
import { byTestId, load, loadChoices, state } from "./state.js";
import { initWorkflows } from "./workflows.js";
import { openImport } from "./import.js";
import { initAgents, openAgent, renderAgents } from "./agents.js";
import { initConnections, openConnection } from "./connections.js";

const { toast, ready } = window.ChatFlows;

initWorkflows();
initAgents();
initConnections();

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
  await Promise.all([loadChoices(), load("workflows"), load("agents"), load("connections")]);
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
