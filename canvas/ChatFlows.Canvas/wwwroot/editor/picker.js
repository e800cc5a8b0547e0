// The data picker (README §Data picker): every template or expression field gets "Insert data", a searchable tree of
// what the node can read — trigger.*, data.<upstream node>.*, run.* and, in credential fields, secrets.NAME — with
// example values from the last run or pinned data; autocomplete inside {{ }} and in expressions; and, below the field,
// a live preview (preview.js). The paths come from the server (POST /api/workflows/paths), which reads the same
// document the editor holds, saved or not.

import { serialize } from "./document.js";
import { attachPreview } from "./preview.js";

const { api, problemText, element: h } = window.ChatFlows;
const MAX_SUGGESTIONS = 12;

/**
 * Attaches the picker, autocomplete and preview to one field's input. `options`: { nodeId, field (config path such as
 * url or headers/Authorization), syntax: "template" | "expression", preview (default true) }. Puts its button in
 * `wrapper`'s first span (the field's label text), and its panel and preview at the end of `wrapper`.
 */
export function attachDataPicker(wrapper, input, options) {
  const context = { ...options, input, paths: null };
  const button = h("button", {
    type: "button", class: "small picker-button", dataset: { testid: "insert-data" }, title: "Insert a value the node can read",
    // The field keeps its focus and caret until a path is chosen.
    onmousedown: evt => evt.preventDefault(),
    onclick: () => togglePicker(context, wrapper),
  }, "Insert data");
  wrapper.querySelector(":scope > span")?.append(button);
  wireAutocomplete(context);
  if (options.preview !== false) wrapper.append(attachPreview(input, options));
}

/** The paths of the node, fetched for the document as it is now. */
async function loadPaths(context) {
  const key = `${context.nodeId}\u0000${context.field}\u0000${context.syntax}\u0000${serialize()}`;
  if (context.paths?.key === key) return context.paths;
  const result = await api("POST", "/api/workflows/paths", { document: JSON.parse(serialize()), nodeId: context.nodeId, field: context.field, syntax: context.syntax });
  context.paths = result.ok
    ? { key, items: result.data.paths, runId: result.data.runId, triggerSource: result.data.triggerSource }
    : { key, items: [], error: problemText(result.problem, "The data this node can read could not be listed.") };
  return context.paths;
}

function textToInsert(context, path, before) {
  if (context.syntax === "expression") return path;
  const open = before.lastIndexOf("{{");
  const inside = open >= 0 && before.indexOf("}}", open) < 0;
  return inside ? path : `{{ ${path} }}`;
}

function insertAt(input, from, to, text) {
  input.value = input.value.slice(0, from) + text + input.value.slice(to);
  input.focus();
  input.setSelectionRange(from + text.length, from + text.length);
  input.dispatchEvent(new Event("input", { bubbles: true }));
  input.dispatchEvent(new Event("change", { bubbles: true }));
}

// ---- The picker: a searchable tree below the field --------------------------------------------------------------

async function togglePicker(context, wrapper) {
  const open = wrapper.querySelector(":scope > .data-picker");
  if (open) {
    open.remove();
    return;
  }
  const { input } = context;
  const caret = { from: input.selectionStart ?? input.value.length, to: input.selectionEnd ?? input.value.length };
  const search = h("input", { type: "search", placeholder: "Search paths…", "aria-label": "Search paths", dataset: { testid: "data-picker-search" }, autocomplete: "off", spellcheck: "false" });
  const list = h("ul", { class: "data-picker-list", role: "listbox", dataset: { testid: "data-picker-list" } }, h("li", { class: "muted" }, "Loading…"));
  const source = h("p", { class: "muted small data-picker-source" });
  const panel = h("div", { class: "data-picker", dataset: { testid: "data-picker" } }, search, source, list);
  // A click inside the field's label would otherwise move the focus back to the field.
  panel.addEventListener("click", evt => evt.preventDefault());
  wrapper.append(panel);
  search.focus();

  const choose = path => {
    panel.remove();
    insertAt(input, caret.from, caret.to, textToInsert(context, path, input.value.slice(0, caret.from)));
  };
  const paths = await loadPaths(context);
  source.textContent = paths.error ?? describeSource(paths);
  let active = 0;
  const render = () => {
    const term = search.value.trim().toLowerCase();
    const shown = paths.items.filter(p => !term || p.path.toLowerCase().includes(term) || (p.example ?? "").toLowerCase().includes(term));
    active = Math.min(active, Math.max(shown.length - 1, 0));
    list.replaceChildren(...shown.map((p, i) => h("li", {
      role: "option", class: `data-picker-item${i === active ? " active" : ""}`, "aria-selected": i === active ? "true" : "false",
      style: `--depth: ${depthOf(p.path)}`, dataset: { testid: "data-picker-item", path: p.path },
      onclick: () => choose(p.path),
    }, h("code", {}, lastSegment(p.path)), h("span", { class: "type" }, p.type), p.example !== null && p.example !== undefined ? h("span", { class: "example" }, p.example) : null)));
    if (shown.length === 0) list.append(h("li", { class: "muted" }, term ? "No path matches." : "Nothing to read yet."));
    list.querySelector(".active")?.scrollIntoView({ block: "nearest" });
    return shown;
  };
  let shown = render();
  search.addEventListener("input", () => { active = 0; shown = render(); });
  search.addEventListener("keydown", evt => {
    if (evt.key === "ArrowDown" || evt.key === "ArrowUp") {
      evt.preventDefault();
      active = (active + (evt.key === "ArrowDown" ? 1 : -1) + shown.length) % Math.max(shown.length, 1);
      shown = render();
    } else if (evt.key === "Enter") {
      evt.preventDefault();
      if (shown[active]) choose(shown[active].path);
    } else if (evt.key === "Escape") {
      evt.preventDefault();
      evt.stopPropagation();
      panel.remove();
      input.focus();
    }
  });
}

function describeSource(paths) {
  const run = paths.runId ? `the last run (${paths.runId.slice(0, 8)})` : null;
  const trigger = { pinned: "trigger from pinned sample data", run: null, shape: "trigger from its kind's payload (made-up values)" }[paths.triggerSource];
  return [run ? `Examples from ${run}` : "No run yet", trigger].filter(Boolean).join("; ") + ".";
}

// trigger.args.x and data["a-b"].items[0].name: how deep a path sits, and the part to show in the tree.
const segments = path => path.match(/\[[^\]]*\]|[^.[\]]+/g) ?? [path];
const depthOf = path => segments(path).length - 1;
function lastSegment(path) {
  const parts = segments(path);
  return parts.length === 1 ? path : parts.at(-1).startsWith("[") ? parts.at(-1) : `.${parts.at(-1)}`;
}

// ---- Autocomplete inside {{ }} and in expressions -----------------------------------------------------------------

// The path being typed just before the caret, or null when the caret is not where a path can go.
function typedToken(context, before) {
  if (context.syntax === "template") {
    const open = before.lastIndexOf("{{");
    if (open < 0 || before.indexOf("}}", open) >= 0) return null;
    return /[A-Za-z0-9_.[\]"-]*$/.exec(before.slice(open + 2))[0];
  }
  const match = /(?:^|[^A-Za-z0-9_$.\]"])([A-Za-z_][A-Za-z0-9_.[\]"-]*)$/.exec(before);
  return match ? match[1] : null;
}

function wireAutocomplete(context) {
  const { input } = context;
  const box = h("ul", { class: "autocomplete", role: "listbox", dataset: { testid: "autocomplete" }, hidden: true });
  box.addEventListener("mousedown", evt => evt.preventDefault());
  box.addEventListener("click", evt => evt.preventDefault());
  input.after(box);
  let items = [];
  let active = 0;
  let token = "";
  const close = () => { box.hidden = true; items = []; };
  const show = () => {
    box.replaceChildren(...items.map((p, i) => h("li", {
      role: "option", class: i === active ? "active" : "", "aria-selected": i === active ? "true" : "false", dataset: { testid: "autocomplete-item", path: p.path },
      onclick: () => accept(i),
    }, h("code", {}, p.path), p.example !== null && p.example !== undefined ? h("span", { class: "example" }, p.example) : null)));
    box.hidden = items.length === 0;
  };
  const accept = index => {
    const chosen = items[index];
    if (!chosen) return;
    const caret = input.selectionStart ?? input.value.length;
    const after = input.value.slice(caret);
    const closing = context.syntax === "template" && !/^\s*\}\}/.test(after) ? " }}" : "";
    close();
    insertAt(input, caret - token.length, caret, chosen.path + closing);
  };
  const update = async () => {
    const caret = input.selectionStart ?? input.value.length;
    const typed = typedToken(context, input.value.slice(0, caret));
    if (typed === null || (context.syntax === "expression" && typed.length === 0)) return close();
    const paths = await loadPaths(context);
    // The text may have changed while the paths were loading.
    if (typedToken(context, input.value.slice(0, input.selectionStart ?? input.value.length)) !== typed) return;
    token = typed;
    const lower = typed.toLowerCase();
    items = paths.items.filter(p => p.path.toLowerCase().startsWith(lower) && p.path !== typed).slice(0, MAX_SUGGESTIONS);
    active = 0;
    show();
  };
  input.addEventListener("input", evt => { if (evt.isTrusted) update(); });
  input.addEventListener("blur", close);
  input.addEventListener("keydown", evt => {
    if (box.hidden || items.length === 0) return;
    if (evt.key === "ArrowDown" || evt.key === "ArrowUp") {
      evt.preventDefault();
      active = (active + (evt.key === "ArrowDown" ? 1 : -1) + items.length) % items.length;
      show();
    } else if (evt.key === "Enter" || evt.key === "Tab") {
      evt.preventDefault();
      accept(active);
    } else if (evt.key === "Escape") {
      evt.preventDefault();
      evt.stopPropagation();
      close();
    }
  });
}
