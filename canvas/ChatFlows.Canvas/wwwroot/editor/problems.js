// Validation problems from the server: the list above the canvas, and which node and field each one belongs to.

import { $, state } from "./state.js";
import { nodeById } from "./document.js";
import { refreshFlags } from "./graph.js";
import { focusNode, select } from "./interaction.js";
import { renderInspector } from "./inspector.js";

const { element: h } = window.ChatFlows;

/** The node id a problem path belongs to (nodes/fetch/config/url or nodes/3/id), or null. */
export function nodeOfPath(path) {
  const parts = path.split("/");
  if (parts[0] !== "nodes" || parts.length < 2) return null;
  if (/^\d+$/.test(parts[1])) return state.doc.nodes[Number(parts[1])]?.id ?? null;
  return parts[1];
}

/** Messages for one node, keyed by the path within it (config/url), "" for the node as a whole. */
export function nodeErrors(id) {
  const found = {};
  for (const [path, messages] of Object.entries(state.errors)) {
    if (nodeOfPath(path) !== id) continue;
    const rest = path.split("/").slice(2).join("/");
    (found[rest] ??= []).push(...[].concat(messages));
  }
  return found;
}

export function showProblems() {
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

export function setErrors(errors) {
  state.errors = errors ?? {};
  showProblems();
  refreshFlags();
  renderInspector();
}

export function clearError(path) {
  const id = state.selection?.node;
  let cleared = false;
  for (const key of Object.keys(state.errors)) {
    if (nodeOfPath(key) === id && key.split("/").slice(2).join("/").startsWith(path)) {
      delete state.errors[key];
      cleared = true;
    }
  }
  if (cleared) {
    showProblems();
    refreshFlags();
  }
}
