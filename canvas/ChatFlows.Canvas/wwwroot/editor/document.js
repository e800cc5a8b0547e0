// The workflow document: serializing, normalizing, and every edit as one undo step (undo, redo, add, delete, rename,
// connect). The document is the only truth: every edit changes it (with a snapshot for undo) and the graph is then
// brought in line with it, so undo, redo, reload and save never disagree with what is drawn. Fields the editor does not
// know are carried through untouched.

import { state } from "./state.js";
import { syncGraph } from "./graph.js";
import { select } from "./interaction.js";
import { renderInspector } from "./inspector.js";
import { updateToolbar } from "./toolbar.js";

const catalog = window.ChatFlowsCatalog;

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

/** Applies an edit as one undo step; the graph, toolbar and (unless told otherwise) inspector follow. */
export function change(mutate, { inspector: redraw = true } = {}) {
  const before = serialize();
  mutate(state.doc);
  if (serialize() === before) return;
  pushUndo(before);
  syncGraph();
  if (redraw) renderInspector();
  updateToolbar();
}

export function pushUndo(before) {
  state.undo.push(before);
  if (state.undo.length > 200) state.undo.shift();
  state.redo = [];
}

function restore(from, to) {
  if (from.length === 0) return;
  to.push(serialize());
  state.doc = JSON.parse(from.pop());
  if (state.selection?.node && !nodeById(state.selection.node)) state.selection = null;
  if (state.selection?.edge && !state.doc.edges.some(e => edgeKey(e) === state.selection.edge)) state.selection = null;
  syncGraph();
  renderInspector();
  updateToolbar();
}
export const undo = () => restore(state.undo, state.redo);
export const redo = () => restore(state.redo, state.undo);

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
    doc.nodes.push({ id, type, config: catalog.newConfig(type, kind) });
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
  state.selection = { node: id };
  if (state.run?.statuses[old]) state.run.statuses[id] = state.run.statuses[old];
  syncGraph();
  renderInspector();
}

export function connect(from, port, to) {
  if (from === to) return;
  const target = nodeById(to);
  if (!target || target.type === "trigger") return;
  const edge = port ? { from, port, to } : { from, to };
  if (state.doc.edges.some(e => edgeKey(e) === edgeKey(edge))) return;
  change(doc => doc.edges.push(edge));
}
