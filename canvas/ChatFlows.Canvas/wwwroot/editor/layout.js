// Where nodes go: positions for nodes that have none (dagre, or plain layers for large graphs) and Auto-layout.

import { NODE_WIDTH, NODE_HEIGHT, state } from "./state.js";
import { change, setLayout } from "./document.js";
import { nodeLook } from "./graph.js";
import { fitToView } from "./viewport.js";

/** Positions for nodes without one: all of them by dagre when none has one, else below what is drawn. */
export function placeMissing(doc) {
  const missing = doc.nodes.filter(n => n.id && !doc.layout?.[n.id]);
  if (missing.length === 0) return;
  if (missing.length === doc.nodes.length) {
    // dagre is worth its time on small graphs; a large one opens at once in plain layers (Auto-layout refines it).
    const positions = doc.nodes.length <= 60 ? layoutPositions(doc) : layerPositions(doc);
    for (const node of missing) setLayout(doc, node.id, positions[node.id]);
    return;
  }
  const placed = Object.values(doc.layout);
  let x = Math.min(...placed.map(p => p.x));
  const y = Math.max(...placed.map(p => p.y)) + 120;
  for (const node of missing) {
    setLayout(doc, node.id, { x, y });
    x += NODE_WIDTH + 40;
  }
}

function layoutPositions(doc) {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: "LR", nodesep: 24, ranksep: 56, marginx: 40, marginy: 40 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const node of doc.nodes) {
    if (!node.id) continue;
    g.setNode(node.id, { width: NODE_WIDTH, height: nodeLook(node).size.height });
  }
  for (const edge of doc.edges) if (g.hasNode(edge.from) && g.hasNode(edge.to)) g.setEdge(edge.from, edge.to);
  dagre.layout(g);
  const positions = {};
  for (const id of g.nodes()) {
    const n = g.node(id);
    positions[id] = { x: Math.round((n.x - n.width / 2) / 10) * 10, y: Math.round((n.y - n.height / 2) / 10) * 10 };
  }
  return positions;
}

/** Columns by longest path from the nodes nothing points at, rows in document order: linear time. */
function layerPositions(doc) {
  const ids = doc.nodes.map(n => n.id).filter(Boolean);
  const known = new Set(ids);
  const incoming = new Map(ids.map(id => [id, 0]));
  const next = new Map(ids.map(id => [id, []]));
  for (const edge of doc.edges) {
    if (!known.has(edge.from) || !known.has(edge.to) || edge.from === edge.to) continue;
    next.get(edge.from).push(edge.to);
    incoming.set(edge.to, incoming.get(edge.to) + 1);
  }
  const rank = new Map();
  const queue = ids.filter(id => incoming.get(id) === 0);
  for (const id of queue) rank.set(id, 0);
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i];
    for (const to of next.get(id)) {
      rank.set(to, Math.max(rank.get(to) ?? 0, rank.get(id) + 1));
      incoming.set(to, incoming.get(to) - 1);
      if (incoming.get(to) === 0) queue.push(to);
    }
  }
  const rows = [];
  const positions = {};
  for (const id of ids) {
    const column = rank.get(id) ?? 0; // nodes on a cycle go to the first column
    rows[column] = (rows[column] ?? 0) + 1;
    positions[id] = { x: 40 + column * (NODE_WIDTH + 56), y: 40 + (rows[column] - 1) * (NODE_HEIGHT + 28) };
  }
  return positions;
}

export function autoLayout() {
  const positions = layoutPositions(state.doc);
  change(doc => { for (const [id, point] of Object.entries(positions)) setLayout(doc, id, point); }, { inspector: false });
  fitToView();
}
