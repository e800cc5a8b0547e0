// The live preview below a template or expression field (README §Data picker): the value the field renders to against
// the last run (or pinned data), rendered by the server in the sandbox runs use (POST /api/workflows/preview), as the
// person types. Errors read as a run would report them; a secret shows as ••••, never its value.

import { serialize } from "./document.js";

const { api, element: h } = window.ChatFlows;
const DEBOUNCE_MS = 250;

/** A preview box for `input`; options: { nodeId, field, syntax }. Plain text without {{ }} needs no preview. */
export function attachPreview(input, options) {
  const box = h("div", { class: "field-preview", dataset: { testid: "preview" }, "aria-live": "polite", hidden: true });
  let timer = null;
  let asked = 0;
  const refresh = async () => {
    const text = input.value;
    const needed = options.syntax === "expression" ? text.trim() !== "" : /\{\{|\{%/.test(text);
    if (!needed) {
      box.hidden = true;
      box.replaceChildren();
      return;
    }
    const ticket = ++asked;
    const result = await api("POST", "/api/workflows/preview", {
      document: JSON.parse(serialize()), nodeId: options.nodeId, field: options.field, syntax: options.syntax, text,
    });
    // An older answer arriving after a newer one would show a stale value.
    if (ticket !== asked) return;
    box.hidden = false;
    if (result.ok && result.data.pending) {
      box.className = "field-preview pending";
      box.replaceChildren(h("span", { class: "muted", dataset: { testid: "preview-pending" } }, result.data.pending));
    } else if (result.ok) {
      const data = result.data;
      const from = data.runId ? `last run ${data.runId.slice(0, 8)}` : data.triggerSource === "pinned" ? "pinned data" : "no run yet";
      box.className = "field-preview";
      box.replaceChildren(
        h("span", { class: "preview-label" }, `Preview (${from})${data.truthy === null || data.truthy === undefined ? "" : ` → ${data.truthy ? "true" : "false"}`}:`),
        h("code", { class: "preview-value", dataset: { testid: "preview-value" } }, data.text === "" ? "(empty)" : data.text + (data.truncated ? "…" : "")));
    } else {
      box.className = "field-preview error";
      const messages = result.problem?.errors ? Object.values(result.problem.errors).flat() : [result.problem?.detail ?? result.problem?.title ?? "The preview failed."];
      box.replaceChildren(h("span", { class: "field-error", dataset: { testid: "preview-error" } }, messages.join(" ")));
    }
  };
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, DEBOUNCE_MS);
  });
  refresh();
  return box;
}
