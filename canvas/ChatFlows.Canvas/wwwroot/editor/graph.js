// The drawing: the JointJS node shape and paper, and syncing the graph from the document (looks, ports and the
// selected, invalid and run-status flags). It follows the document's events (wireGraph); nothing calls it to redraw.

import { $, NODE_WIDTH, NODE_HEIGHT, state } from "./state.js";
import { on } from "./events.js";
import { nodeById, edgeKey, layoutOf, nodeOfPath } from "./document.js";
import { typeOf, kindName, hasNamedPorts, outputPorts } from "./kinds.js";

export const graph = new joint.dia.Graph({}, { cellNamespace: joint.shapes });

const NodeShape = joint.dia.Element.define("cf.Node", {
  size: { width: NODE_WIDTH, height: NODE_HEIGHT },
  attrs: {
    root: { "data-testid": "node", tabindex: 0, focusable: true },
    body: { width: "calc(w)", height: "calc(h)", rx: 8, ry: 8 },
    stripe: { width: 5, height: "calc(h-8)", x: 0, y: 4, rx: 2, ry: 2 },
    typeLabel: { x: 14, y: 18 },
    title: { x: 14, y: 37 },
    detail: { x: 14, y: 53 },
    badge: { cx: "calc(w-12)", cy: 12, r: 5 },
  },
  ports: {
    groups: {
      in: {
        position: { name: "left" },
        markup: [{ tagName: "circle", selector: "portBody", className: "port port-in" }],
        attrs: { portBody: { r: 6, magnet: "passive", "data-testid": "port", "data-port": "in" } },
      },
      out: {
        position: { name: "right" },
        markup: [{ tagName: "circle", selector: "portBody", className: "port port-out" }],
        attrs: { portBody: { r: 6, magnet: true, "data-testid": "port" } },
        label: { position: { name: "left", args: { x: -10 } }, markup: [{ tagName: "text", selector: "portLabel", className: "port-label" }] },
      },
      // The default output port has no name to show, so no label element: fewer texts to lay out at 200 nodes.
      next: {
        position: { name: "right" },
        markup: [{ tagName: "circle", selector: "portBody", className: "port port-out" }],
        attrs: { portBody: { r: 6, magnet: true, "data-testid": "port" } },
      },
    },
  },
}, {
  markup: [
    { tagName: "rect", selector: "body", className: "node-body" },
    { tagName: "rect", selector: "stripe", className: "node-stripe" },
    { tagName: "text", selector: "typeLabel", className: "node-type" },
    { tagName: "text", selector: "title", className: "node-title" },
    { tagName: "text", selector: "detail", className: "node-detail" },
    { tagName: "circle", selector: "badge", className: "node-badge" },
  ],
});
const namespace = { ...joint.shapes, cf: { Node: NodeShape } };
graph.set("cellNamespace", namespace);

export const paper = new joint.dia.Paper({
  el: $("paper"),
  model: graph,
  width: "100%",
  height: "100%",
  gridSize: 10,
  async: true,
  frozen: true,
  sorting: joint.dia.Paper.sorting.APPROX,
  cellViewNamespace: namespace,
  background: { color: "transparent" },
  clickThreshold: 4,
  moveThreshold: 2,
  linkPinning: false,
  markAvailable: true,
  snapLinks: { radius: 30 },
  defaultLink: () => new joint.shapes.standard.Link({ attrs: { line: { stroke: "#2563eb", strokeWidth: 2 } } }),
  defaultConnector: { name: "smooth" },
  // Anchors from the model, not from measuring the DOM: what keeps drawing 200 nodes and their links fast.
  defaultAnchor: { name: "center", args: { useModelGeometry: true } },
  defaultConnectionPoint: { name: "anchor" },
  validateMagnet: (view, magnet) => magnet.getAttribute("magnet") !== "passive",
  validateConnection(sourceView, sourceMagnet, targetView, targetMagnet) {
    if (!targetView || targetView.model.isLink() || sourceView === targetView) return false;
    const target = nodeById(targetView.model.id);
    if (!target || target.type === "trigger") return false;
    return !targetMagnet || targetView.findAttribute("port", targetMagnet) === "in";
  },
  interactive: view => (view.model.isLink()
    ? { linkMove: false, labelMove: false, arrowheadMove: false, vertexMove: false, vertexAdd: false, vertexRemove: false }
    : { elementMove: true, addLinkFromMagnet: true }),
});

const truncate = (text, length) => (text.length > length ? `${text.slice(0, length - 1)}…` : text);

function portsOf(node) {
  const items = [];
  if (node.type !== "trigger") items.push({ id: "in", group: "in" });
  const named = hasNamedPorts(node) ? outputPorts(node) : ["", ...outputPorts(node)];
  // A port an edge uses stays drawn even when the node no longer offers it, so the edge shows (and fails validation).
  for (const edge of state.doc.edges) if (edge.from === node.id && !named.includes(edge.port ?? "")) named.push(edge.port ?? "");
  for (const port of named) {
    items.push(port
      ? { id: `out:${port}`, group: "out", attrs: { portBody: { "data-port": port }, portLabel: { text: port } } }
      : { id: "out:", group: "next", attrs: { portBody: { "data-port": "out" } } });
  }
  return items;
}

/** A few words on what the node does, for its box on the canvas. */
function summary(node) {
  const c = node.config ?? {};
  const text = value => (typeof value === "string" ? value : value === undefined ? "" : JSON.stringify(value));
  switch (node.type) {
    case "trigger":
      switch (c.kind) {
        case "command": return c.command ? `/run ${c.command}` : "/run <workflow id>";
        case "schedule": return text(c.cron);
        case "webhook": return c.provider === "github" ? `GitHub ${Array.isArray(c.events) ? c.events.join(", ") : ""}` : "POST /hooks/…";
        case "message": return c.pattern ? `matches ${text(c.pattern)}` : "any message";
        default: return "Play or API";
      }
    case "agent": return c.agent ? `agent ${text(c.agent)}` : "no agent chosen";
    case "tool":
      switch (c.tool) {
        case "http": return `${text(c.method ?? "GET")} ${text(c.url)}`;
        case "sql": return `${text(c.mode ?? "rows")} on ${text(c.connection)}`;
        case "delay": return `wait ${text(c.duration)}`;
        case "subworkflow": return `runs ${text(c.workflow)}`;
        case "search": return `search ${text(c.knowledge)} for ${text(c.query)}`;
        case "github": return `${text(c.action)} ${text(c.repository)}${c.number !== undefined ? ` #${text(c.number)}` : ""}`;
        default: return text(c.value);
      }
    case "condition": return text(c.expression);
    case "approval": return text(c.prompt);
    case "output": return c.kind === "message" ? text(c.text ?? c.channel ?? "card") : c.kind === "respond" ? `HTTP ${text(c.status ?? 200)}` : "end the run";
    default: return "";
  }
}

export function nodeLook(node) {
  const type = typeOf(node);
  const kind = kindName(node);
  const ports = portsOf(node);
  const outs = ports.filter(p => p.group !== "in").length;
  return {
    size: { width: NODE_WIDTH, height: Math.max(NODE_HEIGHT, outs * 18 + 16) },
    ports,
    attrs: {
      root: {
        "data-node-id": node.id,
        "data-type": node.type,
        "data-kind": kind ?? "",
        "aria-label": `${type?.label ?? node.type} ${kind ?? ""} node ${node.name ? `${node.name} (${node.id})` : node.id}`,
      },
      stripe: { fill: type?.color ?? "#64748b" },
      typeLabel: { text: `${(type?.label ?? node.type ?? "?").toUpperCase()}${kind ? ` · ${kind}` : ""}` },
      // The name people gave the step (docs: README §Node names); the id when there is none.
      title: { text: truncate(node.name || node.id, 24), "data-testid": "node-title" },
      detail: { text: truncate(summary(node).replace(/\s+/g, " "), outs > 1 || hasNamedPorts(node) ? 22 : 30) },
    },
  };
}

function nodeFlags(id) {
  const invalid = Object.keys(state.errors).some(path => nodeOfPath(path) === id);
  return {
    "data-selected": state.selection?.node === id ? "true" : "false",
    "data-invalid": invalid ? "true" : "false",
    "data-status": state.run ? (state.run.statuses[id] ?? "pending") : null,
  };
}

function edgeLook(edge, index) {
  const invalid = Object.keys(state.errors).some(path => path === `edges/${index}` || path.startsWith(`edges/${index}/`));
  return {
    source: { id: edge.from, port: `out:${edge.port ?? ""}` },
    target: { id: edge.to, port: "in" },
    labels: edge.port ? [{ attrs: { text: { text: edge.port, class: "edge-label-text" }, rect: { class: "edge-label-rect" } } }] : [],
    attrs: {
      root: {
        "data-testid": "edge",
        "data-from": edge.from,
        "data-port": edge.port ?? "",
        "data-to": edge.to,
        "data-selected": state.selection?.edge === edgeKey(edge) ? "true" : "false",
        "data-invalid": invalid ? "true" : "false",
      },
      line: { class: "edge-line", stroke: null, targetMarker: { type: "path", d: "M 8 -4 0 0 8 4 z" } },
      wrapper: { class: "edge-wrapper" },
    },
  };
}

const lookCache = new Map();

/** Brings the graph in line with the document: adds, updates and removes only what differs. */
function syncGraph() {
  const doc = state.doc;
  const added = [];
  const wanted = new Set();
  graph.startBatch("sync");
  for (const node of doc.nodes) {
    if (!node.id || wanted.has(node.id)) continue;
    wanted.add(node.id);
    const look = nodeLook(node);
    const flags = nodeFlags(node.id);
    const position = layoutOf(node.id) ?? { x: 0, y: 0 };
    const signature = JSON.stringify(look);
    let cell = graph.getCell(node.id);
    if (cell && cell.isLink()) { cell.remove(); cell = null; }
    if (!cell) {
      look.attrs.root = { ...look.attrs.root, ...flags };
      added.push(new NodeShape({ id: node.id, position, size: look.size, ports: { items: look.ports }, attrs: look.attrs, z: 2 }));
      lookCache.set(node.id, signature);
      continue;
    }
    const at = cell.position();
    if (at.x !== position.x || at.y !== position.y) cell.position(position.x, position.y);
    if (lookCache.get(node.id) !== signature) {
      cell.resize(look.size.width, look.size.height);
      cell.prop("ports/items", look.ports, { rewrite: true });
      cell.attr(look.attrs);
      lookCache.set(node.id, signature);
    }
    setFlags(cell, flags);
  }
  for (const cell of graph.getElements()) {
    if (!wanted.has(cell.id)) {
      lookCache.delete(cell.id);
      cell.remove();
    }
  }
  if (added.length && graph.getCells().length === 0) {
    // First draw: one reset instead of an add per cell.
    graph.resetCells(added);
    added.length = 0;
  }
  if (added.length) graph.addCells(added);

  const edges = new Set();
  const newLinks = [];
  doc.edges.forEach((edge, index) => {
    const key = edgeKey(edge);
    if (edges.has(key) || !graph.getCell(edge.from) || !graph.getCell(edge.to)) return;
    edges.add(key);
    const look = edgeLook(edge, index);
    const link = graph.getCell(key);
    if (!link) newLinks.push(new joint.shapes.standard.Link({ id: key, z: 1, ...look }));
    else setFlags(link, { "data-selected": look.attrs.root["data-selected"], "data-invalid": look.attrs.root["data-invalid"] });
  });
  for (const link of graph.getLinks()) if (!edges.has(link.id)) link.remove();
  if (newLinks.length) graph.addCells(newLinks);
  graph.stopBatch("sync");
  $("canvas-hint").hidden = doc.nodes.length > 0;
}

function setFlags(cell, flags) {
  const current = cell.attr("root") ?? {};
  const changed = Object.entries(flags).filter(([name, value]) => (current[name] ?? null) !== value);
  if (changed.length) cell.attr({ root: Object.fromEntries(changed) });
}

function refreshFlags() {
  for (const node of state.doc.nodes) {
    const cell = graph.getCell(node.id);
    if (cell && !cell.isLink()) setFlags(cell, nodeFlags(node.id));
  }
  state.doc.edges.forEach((edge, index) => {
    const link = graph.getCell(edgeKey(edge));
    if (link) {
      const root = edgeLook(edge, index).attrs.root;
      setFlags(link, { "data-selected": root["data-selected"], "data-invalid": root["data-invalid"] });
    }
  });
}

/** Redraws on the document's and the run's events. */
export function wireGraph() {
  on("change", syncGraph);
  on("selection", refreshFlags);
  on("problems", refreshFlags);
  on("run", refreshFlags);
  on("run-status", ({ nodeId, status }) => {
    const cell = graph.getCell(nodeId);
    if (cell && !cell.isLink()) setFlags(cell, { "data-status": status });
  });
}
