// The workflow document and the editor's state around it: serializing, normalizing, every edit as one undo step (undo,
// redo, add, delete, rename, connect), the selection and the server's problems. The document is the only truth: every
// edit changes it (with a snapshot for undo) and then announces what changed (events.js); the views subscribe and bring
// themselves in line, so undo, redo, reload and save never disagree with what is drawn. Fields the editor does not know
// are carried through untouched. This module imports no view.

import { state } from "./state.js";
import { emit } from "./events.js";
import { newConfig } from "./kinds.js";

export const serialize = () => JSON.stringify(state.doc);
export const isDirty = () => state.doc !== null && serialize() !== state.savedJson;
export const nodeById = id => state.doc.nodes.find(n => n.id === id);
export const edgeKey = e => `${e.from}\u203a${e.port ?? ""}\u203a${e.to}`;
export const layoutOf = id => state.doc.layout?.[id];

export function normalize(doc) {
  if (!Array.isArray(doc.nodes)) doc.nodes = [];
  if (!Array.isArray(doc.edges)) doc.edges = [];
  for (const node of doc.nodes) if (node.config === undefined || node.config === null) node.config = {};
  return doc;
}

// What an edit changed, by node id, so views can redraw only that.
function difference(before, after) {
  const old = new Map((before?.nodes ?? []).map(n => [n.id, JSON.stringify(n)]));
  const now = new Map((after?.nodes ?? []).map(n => [n.id, JSON.stringify(n)]));
  return {
    added: [...now.keys()].filter(id => !old.has(id)),
    removed: [...old.keys()].filter(id => !now.has(id)),
    changed: [...now.keys()].filter(id => old.has(id) && old.get(id) !== now.get(id)),
    edges: JSON.stringify(before?.edges ?? []) !== JSON.stringify(after?.edges ?? []),
  };
}

/** Announces that the document changed (or was replaced: opened, saved) to every view. */
export function announce(before, { inspector = true, cause = "edit" } = {}) {
  emit("change", { ...difference(before, state.doc), inspector, cause });
}

/** Applies an edit as one undo step; the views follow (the inspector too, unless told otherwise). */
export function change(mutate, { inspector = true } = {}) {
  const before = serialize();
  mutate(state.doc);
  if (serialize() === before) return;
  pushUndo(before);
  announce(JSON.parse(before), { inspector });
}

/** Records a snapshot for undo, for an edit applied outside change (a node dragged on the canvas). */
export function pushUndo(before) {
  state.undo.push(before);
  if (state.undo.length > 200) state.undo.shift();
  state.redo = [];
}

function restore(from, to, cause) {
  if (from.length === 0) return;
  const before = state.doc;
  to.push(serialize());
  state.doc = JSON.parse(from.pop());
  if (state.selection?.node && !nodeById(state.selection.node)) state.selection = null;
  if (state.selection?.edge && !state.doc.edges.some(e => edgeKey(e) === state.selection.edge)) state.selection = null;
  announce(before, { cause });
}
export const undo = () => restore(state.undo, state.redo, "undo");
export const redo = () => restore(state.redo, state.undo, "redo");

export function setLayout(doc, id, point) {
  if (!doc.layout || typeof doc.layout !== "object") doc.layout = {};
  doc.layout[id] = { x: Math.round(point.x), y: Math.round(point.y) };
}

function uniqueId(base) {
  const clean = base.replace(/[^A-Za-z0-9_-]/g, "") || "node";
  let id = /^[A-Za-z]/.test(clean) ? clean : `n${clean}`;
  for (let i = 2; nodeById(id); i++) id = `${clean}${i}`;
  return id;
}

export function addNode(type, kind, point, connectFrom) {
  const id = uniqueId(kind ?? type);
  change(doc => {
    doc.nodes.push({ id, type, config: newConfig(type, kind) });
    setLayout(doc, id, point);
    if (connectFrom && type !== "trigger") doc.edges.push({ from: connectFrom, to: id });
  });
  select({ node: id });
  return id;
}

export function deleteSelection() {
  const selected = state.selection;
  if (!selected) return;
  state.selection = null;
  if (selected.node) {
    change(doc => {
      doc.nodes = doc.nodes.filter(n => n.id !== selected.node);
      doc.edges = doc.edges.filter(e => e.from !== selected.node && e.to !== selected.node);
      if (doc.layout) delete doc.layout[selected.node];
    });
  } else {
    change(doc => { doc.edges = doc.edges.filter(e => edgeKey(e) !== selected.edge); });
  }
  emit("selection");
}

export function duplicateSelection() {
  const node = state.selection?.node && nodeById(state.selection.node);
  if (!node) return;
  const at = layoutOf(node.id) ?? { x: 0, y: 0 };
  const copy = structuredClone(node);
  copy.id = uniqueId(node.id.replace(/\d+$/, ""));
  change(doc => {
    doc.nodes.push(copy);
    setLayout(doc, copy.id, { x: at.x + 30, y: at.y + 30 });
  });
  select({ node: copy.id });
}

export function renameNode(node, id) {
  const old = node.id;
  state.selection = { node: id };
  if (state.run?.statuses[old]) state.run.statuses[id] = state.run.statuses[old];
  change(doc => {
    const target = doc.nodes.find(n => n.id === old);
    target.id = id;
    for (const edge of doc.edges) {
      if (edge.from === old) edge.from = id;
      if (edge.to === old) edge.to = id;
    }
    if (doc.layout?.[old]) {
      // Keep the layout's order: rebuild it with the key renamed in place.
      doc.layout = Object.fromEntries(Object.entries(doc.layout).map(([k, v]) => [k === old ? id : k, v]));
    }
  });
  emit("selection");
}

export function connect(from, port, to) {
  if (from === to) return;
  const target = nodeById(to);
  if (!target || target.type === "trigger") return;
  const edge = port ? { from, port, to } : { from, to };
  if (state.doc.edges.some(e => edgeKey(e) === edgeKey(edge))) return;
  change(doc => doc.edges.push(edge));
}

/** Selects a node ({ node: id }), a connection ({ edge: key }) or nothing (null). */
export function select(selection) {
  const same = JSON.stringify(selection) === JSON.stringify(state.selection);
  state.selection = selection;
  if (!same) emit("selection");
}

// ---- problems from the server --------------------------------------------------------------------------------------

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

export function setErrors(errors) {
  state.errors = errors ?? {};
  emit("problems", { inspector: true });
}

/** Drops the selected node's problems under a path once its field is edited. */
export function clearError(path) {
  const id = state.selection?.node;
  let cleared = false;
  for (const key of Object.keys(state.errors)) {
    if (nodeOfPath(key) === id && key.split("/").slice(2).join("/").startsWith(path)) {
      delete state.errors[key];
      cleared = true;
    }
  }
  if (cleared) emit("problems", { inspector: false });
}
