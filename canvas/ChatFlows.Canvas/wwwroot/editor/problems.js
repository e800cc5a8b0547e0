// Validation problems from the server: the list above the canvas. It follows the problems event; a click on a problem
// selects its node.

import { $, state } from "./state.js";
import { on } from "./events.js";
import { nodeById, nodeOfPath, select } from "./document.js";
import { focusNode } from "./interaction.js";

const { element: h } = window.ChatFlows;

function showProblems() {
  const box = $("problems");
  const entries = Object.entries(state.errors);
  box.hidden = entries.length === 0;
  box.replaceChildren();
  if (entries.length === 0) return;
  const list = h("ul");
  for (const [path, messages] of entries) {
    const node = nodeOfPath(path);
    for (const message of [].concat(messages)) {
      const item = h("li", { dataset: { testid: "problem", path } }, h("code", {}, path || "workflow"), " ", message);
      if (node && nodeById(node)) {
        item.classList.add("clickable");
        item.tabIndex = 0;
        const go = () => { select({ node }); focusNode(node); };
        item.addEventListener("click", go);
        item.addEventListener("keydown", evt => { if (evt.key === "Enter") go(); });
      }
      list.append(item);
    }
  }
  box.append(h("strong", {}, entries.length === 1 ? "The workflow has a problem:" : `The workflow has ${entries.length} problems:`), list);
}

export function wireProblems() {
  on("problems", showProblems);
}
