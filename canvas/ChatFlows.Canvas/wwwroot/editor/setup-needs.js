// What the open workflow needs before it can run (README §The canvas): the list the dashboard marks as "Needs set-up" —
// an agent or its model profile, a secret, a connection — shown above the canvas when the workflow is opened or saved,
// before anyone plays it. Each need names its node, and clicking the name selects it.

import { root, state } from "./state.js";
import { on } from "./events.js";
import { nodeOfPath, nodeById, select } from "./document.js";

const { api, element: h } = window.ChatFlows;

let panel = null;

/** Follows the opened and saved versions. */
export function wireSetupNeeds() {
  on("change", ({ cause }) => {
    if (cause === "open" || cause === "saved") refresh();
  });
}

async function refresh() {
  if (!state.id) return show([]);
  const result = await api("GET", `/api/workflows/${encodeURIComponent(state.id)}/setup`);
  return show(result.ok ? result.data.items ?? [] : []);
}

function show(needs) {
  panel?.remove();
  panel = null;
  if (needs.length === 0) return;
  panel = h("section", { class: "setup-needs", dataset: { testid: "setup-needs" }, role: "status" },
    h("strong", {}, `Needs set-up before it can run (${needs.length})`),
    h("ul", {}, needs.map(need => {
      const node = nodeById(nodeOfPath(need.path) ?? "");
      return h("li", { dataset: { testid: "setup-need", path: need.path } },
        node ? h("button", { type: "button", class: "link-button", dataset: { testid: "setup-need-node" }, onclick: () => select({ node: node.id }) }, node.name || node.id) : null,
        node ? " — " : null,
        need.message);
    })));
  root.querySelector(".editor-body").before(panel);
}
