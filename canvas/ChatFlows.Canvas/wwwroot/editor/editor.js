// The workflow editor (/workflows/{id}): one document drawn with JointJS, edited through the palette, the canvas and
// the inspector, saved with its version, and played with the run's states shown live on the nodes.
//
// The document is the only truth: every edit changes it (with a snapshot for undo) and the graph is then brought in
// line with it, so undo, redo, reload and save never disagree with what is drawn. Fields the editor does not know are
// carried through untouched.
(() => {
  "use strict";

  const started = performance.now();
  const { api, problemText, toast, formatDuration, formatTime, statusBadge, element: h, ready } = window.ChatFlows;
  const catalog = window.ChatFlowsCatalog;

  const NODE_WIDTH = 190;
  const NODE_HEIGHT = 62;
  const TERMINAL = ["succeeded", "failed", "cancelled", "expired"];
  const NODE_ID = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
  const WORKFLOW_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;

  const root = document.querySelector("[data-testid=editor]");
  const $ = testid => root.querySelector(`[data-testid="${testid}"]`);
  const inspector = $("inspector");
  const canvasEl = $("canvas");

  const state = {
    id: root.dataset.workflowId === "new" ? null : root.dataset.workflowId,
    doc: null,
    savedJson: "",
    undo: [],
    redo: [],
    selection: null, // { node: id } or { edge: key }
    errors: {}, // server problems: path -> messages
    localErrors: {}, // fields whose input could not be read: path -> message
    agents: [],
    workflows: [],
    run: null, // { id, status, statuses, detail, source }
    saving: false,
  };
  window.editorRunLog = [];

  // ---- the document ------------------------------------------------------------------------------------------------

  const serialize = () => JSON.stringify(state.doc);
  const isDirty = () => state.doc !== null && serialize() !== state.savedJson;
  const nodeById = id => state.doc.nodes.find(n => n.id === id);
  const edgeKey = e => `${e.from}\u203a${e.port ?? ""}\u203a${e.to}`;
  const layoutOf = id => state.doc.layout?.[id];

  function normalize(doc) {
    if (!Array.isArray(doc.nodes)) doc.nodes = [];
    if (!Array.isArray(doc.edges)) doc.edges = [];
    for (const node of doc.nodes) if (node.config === undefined || node.config === null) node.config = {};
    return doc;
  }

  /** Applies an edit as one undo step; the graph, toolbar and (unless told otherwise) inspector follow. */
  function change(mutate, { inspector: redraw = true } = {}) {
    const before = serialize();
    mutate(state.doc);
    if (serialize() === before) return;
    pushUndo(before);
    syncGraph();
    if (redraw) renderInspector();
    updateToolbar();
  }

  function pushUndo(before) {
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
  const undo = () => restore(state.undo, state.redo);
  const redo = () => restore(state.redo, state.undo);

  function setLayout(doc, id, point) {
    if (!doc.layout || typeof doc.layout !== "object") doc.layout = {};
    doc.layout[id] = { x: Math.round(point.x), y: Math.round(point.y) };
  }

  function uniqueId(base) {
    const clean = base.replace(/[^A-Za-z0-9_-]/g, "") || "node";
    let id = /^[A-Za-z]/.test(clean) ? clean : `n${clean}`;
    for (let i = 2; nodeById(id); i++) id = `${clean}${i}`;
    return id;
  }

  function addNode(type, kind, point, connectFrom) {
    const id = uniqueId(kind ?? type);
    change(doc => {
      doc.nodes.push({ id, type, config: catalog.newConfig(type, kind) });
      setLayout(doc, id, point);
      if (connectFrom && type !== "trigger") doc.edges.push({ from: connectFrom, to: id });
    });
    select({ node: id });
    return id;
  }

  function deleteSelection() {
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

  function duplicateSelection() {
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

  function renameNode(node, id) {
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

  function connect(from, port, to) {
    if (from === to) return;
    const target = nodeById(to);
    if (!target || target.type === "trigger") return;
    const edge = port ? { from, port, to } : { from, to };
    if (state.doc.edges.some(e => edgeKey(e) === edgeKey(edge))) return;
    change(doc => doc.edges.push(edge));
  }

  // ---- the graph ---------------------------------------------------------------------------------------------------

  const graph = new joint.dia.Graph({}, { cellNamespace: joint.shapes });

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

  const paper = new joint.dia.Paper({
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
    const named = catalog.typeOf(node)?.ports ? [...catalog.outputPorts(node)] : ["", ...catalog.outputPorts(node)];
    // A port an edge uses stays drawn even when the node no longer offers it, so the edge shows (and fails validation).
    for (const edge of state.doc.edges) if (edge.from === node.id && !named.includes(edge.port ?? "")) named.push(edge.port ?? "");
    for (const port of named) {
      items.push(port
        ? { id: `out:${port}`, group: "out", attrs: { portBody: { "data-port": port }, portLabel: { text: port } } }
        : { id: "out:", group: "next", attrs: { portBody: { "data-port": "out" } } });
    }
    return items;
  }

  function nodeLook(node) {
    const type = catalog.typeOf(node);
    const kind = catalog.kindName(node);
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
          "aria-label": `${type?.label ?? node.type} ${kind ?? ""} node ${node.id}`,
        },
        stripe: { fill: type?.color ?? "#64748b" },
        typeLabel: { text: `${(type?.label ?? node.type ?? "?").toUpperCase()}${kind ? ` · ${kind}` : ""}` },
        title: { text: truncate(node.id, 24) },
        detail: { text: truncate(catalog.summary(node).replace(/\s+/g, " "), outs > 1 || catalog.typeOf(node)?.ports ? 22 : 30) },
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

  /** Positions for nodes without one: all of them by dagre when none has one, else below what is drawn. */
  function placeMissing(doc) {
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

  function autoLayout() {
    const positions = layoutPositions(state.doc);
    change(doc => { for (const [id, point] of Object.entries(positions)) setLayout(doc, id, point); }, { inspector: false });
    fitToView();
  }

  // ---- viewport: pan, zoom, fit --------------------------------------------------------------------------------------

  function panBy(dx, dy) {
    const { tx, ty } = paper.translate();
    paper.translate(tx + dx, ty + dy);
  }

  function zoomAt(factor, cx, cy) {
    const scale = paper.scale().sx;
    const next = Math.min(2, Math.max(0.2, scale * factor));
    const { tx, ty } = paper.translate();
    paper.scale(next, next);
    paper.translate(cx - ((cx - tx) * next) / scale, cy - ((cy - ty) * next) / scale);
  }

  function zoomCentre(factor) {
    const box = canvasEl.getBoundingClientRect();
    zoomAt(factor, box.width / 2, box.height / 2);
  }

  /** Shows the whole workflow; on opening, not smaller than still readable (the rest is a pan or a Fit away). */
  function fitToView({ readable = false } = {}) {
    if (graph.getElements().length === 0) return;
    paper.transformToFitContent({ padding: 30, maxScale: 1, minScale: readable ? 0.5 : 0.2, useModelGeometry: true, verticalAlign: "top", horizontalAlign: "left" });
  }

  function visibleCentre() {
    const box = canvasEl.getBoundingClientRect();
    return paper.clientToLocalPoint({ x: box.left + box.width / 2, y: box.top + box.height / 2 });
  }

  let pan = null;
  paper.on("blank:pointerdown", evt => {
    select(null);
    pan = { x: evt.clientX, y: evt.clientY };
    canvasEl.classList.add("panning");
  });
  document.addEventListener("mousemove", evt => {
    if (!pan) return;
    panBy(evt.clientX - pan.x, evt.clientY - pan.y);
    pan = { x: evt.clientX, y: evt.clientY };
  });
  document.addEventListener("mouseup", () => {
    pan = null;
    canvasEl.classList.remove("panning");
  });
  canvasEl.addEventListener("wheel", evt => {
    evt.preventDefault();
    const box = canvasEl.getBoundingClientRect();
    if (evt.ctrlKey || evt.metaKey || !evt.shiftKey) zoomAt(evt.deltaY < 0 ? 1.1 : 1 / 1.1, evt.clientX - box.left, evt.clientY - box.top);
    else panBy(-evt.deltaX, -evt.deltaY);
  }, { passive: false });

  // ---- canvas interaction ------------------------------------------------------------------------------------------

  let drag = null;
  paper.on("element:pointerdown", view => {
    select({ node: view.model.id });
    drag = { id: view.model.id, before: serialize() };
  });
  paper.on("element:pointerup", view => {
    if (!drag || drag.id !== view.model.id) return;
    const at = view.model.position();
    const was = layoutOf(drag.id);
    if (!was || was.x !== at.x || was.y !== at.y) {
      pushUndo(drag.before);
      setLayout(state.doc, drag.id, at);
      updateToolbar();
    }
    drag = null;
  });
  paper.on("link:pointerclick", view => select({ edge: view.model.id }));
  paper.on("link:connect", view => {
    const link = view.model;
    const source = link.source();
    const target = link.target();
    link.remove();
    const port = (source.port ?? "out:").slice(4);
    if (source.id && target.id) connect(source.id, port || undefined, target.id);
  });
  // A link dragged from a port and dropped on nothing is dropped by JointJS itself (linkPinning: false).

  // Keyboard focus moves through the nodes with Tab; a focused node is the selected one.
  paper.el.addEventListener("focusin", evt => {
    const id = evt.target.closest?.("[data-node-id]")?.getAttribute("data-node-id");
    if (id && state.selection?.node !== id) select({ node: id });
  });

  // Drops from the palette (real HTML5 drag and drop).
  canvasEl.addEventListener("dragover", evt => {
    if (!evt.dataTransfer.types.includes("application/x-chatflows-node")) return;
    evt.preventDefault();
    evt.dataTransfer.dropEffect = "copy";
  });
  canvasEl.addEventListener("drop", evt => {
    const data = evt.dataTransfer.getData("application/x-chatflows-node");
    if (!data) return;
    evt.preventDefault();
    const { type, kind } = JSON.parse(data);
    const point = paper.clientToLocalPoint({ x: evt.clientX, y: evt.clientY });
    const id = addNode(type, kind || null, { x: Math.round((point.x - NODE_WIDTH / 2) / 10) * 10, y: Math.round((point.y - NODE_HEIGHT / 2) / 10) * 10 });
    focusNode(id);
  });

  function focusNode(id) {
    requestAnimationFrame(() => {
      const view = graph.getCell(id)?.findView(paper);
      view?.el.focus({ preventScroll: true });
    });
  }

  function select(selection) {
    const same = JSON.stringify(selection) === JSON.stringify(state.selection);
    state.selection = selection;
    if (same) return;
    refreshFlags();
    renderInspector();
    updateToolbar();
    if (selection?.node && state.run) refreshRunDetail();
  }

  // ---- palette -----------------------------------------------------------------------------------------------------

  function renderPalette() {
    const palette = $("palette");
    for (const type of catalog.types) {
      const group = h("div", { class: "palette-group" }, h("h3", {}, type.label));
      for (const kind of type.kinds) {
        const item = h("button", {
          type: "button",
          class: "palette-item",
          draggable: "true",
          title: `${kind.description} Drag onto the canvas, or press Enter to add it after the selected node.`,
          dataset: { testid: "palette-item", type: type.type, kind: kind.kind ?? "" },
          style: `--type-color: ${type.color}`,
        }, h("span", { class: "palette-dot", "aria-hidden": "true" }), kind.label);
        item.addEventListener("dragstart", evt => {
          evt.dataTransfer.setData("application/x-chatflows-node", JSON.stringify({ type: type.type, kind: kind.kind }));
          evt.dataTransfer.effectAllowed = "copy";
        });
        item.addEventListener("click", () => addFromKeyboard(type.type, kind.kind));
        group.append(item);
      }
      palette.append(group);
    }
  }

  // Without a mouse: the new node goes to the right of the selected one and is connected to it when it can be.
  function addFromKeyboard(type, kind) {
    const from = state.selection?.node && nodeById(state.selection.node);
    let point;
    let connectFrom = null;
    if (from) {
      const at = layoutOf(from.id) ?? { x: 0, y: 0 };
      point = { x: at.x + NODE_WIDTH + 80, y: at.y };
      while (Object.values(state.doc.layout ?? {}).some(p => Math.abs(p.x - point.x) < NODE_WIDTH && Math.abs(p.y - point.y) < NODE_HEIGHT)) point.y += NODE_HEIGHT + 30;
      if (!catalog.typeOf(from)?.ports) connectFrom = from.id;
    } else {
      const centre = visibleCentre();
      point = { x: Math.round((centre.x - NODE_WIDTH / 2) / 10) * 10, y: Math.round((centre.y - NODE_HEIGHT / 2) / 10) * 10 };
    }
    const id = addNode(type, kind, point, connectFrom);
    focusNode(id);
  }

  // ---- validation errors -------------------------------------------------------------------------------------------

  /** The node id a problem path belongs to (nodes/fetch/config/url or nodes/3/id), or null. */
  function nodeOfPath(path) {
    const parts = path.split("/");
    if (parts[0] !== "nodes" || parts.length < 2) return null;
    if (/^\d+$/.test(parts[1])) return state.doc.nodes[Number(parts[1])]?.id ?? null;
    return parts[1];
  }

  /** Messages for one node, keyed by the path within it (config/url), "" for the node as a whole. */
  function nodeErrors(id) {
    const found = {};
    for (const [path, messages] of Object.entries(state.errors)) {
      if (nodeOfPath(path) !== id) continue;
      const rest = path.split("/").slice(2).join("/");
      (found[rest] ??= []).push(...[].concat(messages));
    }
    return found;
  }

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

  function setErrors(errors) {
    state.errors = errors ?? {};
    showProblems();
    refreshFlags();
    renderInspector();
  }

  // ---- inspector ---------------------------------------------------------------------------------------------------

  function renderInspector() {
    const focusedField = document.activeElement?.closest?.("[data-field]")?.dataset.field;
    inspector.replaceChildren();
    const node = state.selection?.node && nodeById(state.selection.node);
    const edgeIndex = state.selection?.edge ? state.doc.edges.findIndex(e => edgeKey(e) === state.selection.edge) : -1;
    if (node) {
      if (state.run) inspector.append(runPanel(node));
      inspector.append(nodeForm(node));
    } else if (edgeIndex >= 0) {
      inspector.append(edgePanel(state.doc.edges[edgeIndex], edgeIndex));
    } else {
      inspector.append(workflowPanel());
    }
    if (focusedField) inspector.querySelector(`[data-field="${CSS.escape(focusedField)}"] :is(input, textarea, select)`)?.focus();
  }

  function field(path, label, control, { hint, errors } = {}) {
    const messages = [...(errors?.[path] ?? []), ...(state.localErrors[`${state.selection?.node}:${path}`] ? [state.localErrors[`${state.selection?.node}:${path}`]] : [])];
    const wrapper = h("label", { class: `field${messages.length ? " invalid" : ""}`, dataset: { field: path, testid: "field" } },
      h("span", {}, label), control,
      hint ? h("span", { class: "hint" }, hint) : null,
      messages.map(m => h("p", { class: "field-error", dataset: { testid: "field-error" } }, m)));
    return wrapper;
  }

  const fieldTestId = path => (path.startsWith("config/") ? `config-${path.slice(7)}` : `node-${path.replaceAll("/", "-")}`);

  /** An input bound to one value of the node: read() gives what it shows, write(value) applies an edit. */
  function control(spec, path, value, apply) {
    const testid = fieldTestId(path);
    const commit = fn => evt => {
      const result = fn(evt.target);
      const key = `${state.selection?.node}:${path}`;
      if (result && result.error) {
        state.localErrors[key] = result.error;
        renderInspector();
        return;
      }
      const hadLocal = key in state.localErrors;
      delete state.localErrors[key];
      clearError(path);
      apply(result.value);
      if (hadLocal) renderInspector();
    };
    switch (spec.type) {
      case "textarea":
        return h("textarea", { rows: 3, dataset: { testid }, onchange: commit(el => ({ value: el.value })) }, value ?? "");
      case "number": {
        const input = h("input", { type: "number", dataset: { testid }, value: value ?? "" });
        input.addEventListener("change", commit(el => (el.value === "" ? { value: undefined } : Number.isFinite(Number(el.value)) ? { value: Number(el.value) } : { error: "Enter a number." })));
        return input;
      }
      case "bool": {
        const input = h("input", { type: "checkbox", dataset: { testid } });
        input.checked = value === true;
        input.addEventListener("change", commit(el => ({ value: el.checked ? true : undefined })));
        return input;
      }
      case "select": {
        const select = h("select", { dataset: { testid } }, spec.options.map(o => h("option", { value: o }, o)));
        if (value !== undefined && !spec.options.includes(value)) select.append(h("option", { value }, String(value)));
        select.value = value ?? spec.options[0];
        select.addEventListener("change", commit(el => ({ value: el.value })));
        return select;
      }
      case "list":
        return h("textarea", { rows: 3, dataset: { testid }, onchange: commit(el => ({ value: el.value.split(/[\n,]/).map(s => s.trim()).filter(Boolean) })) },
          Array.isArray(value) ? value.join("\n") : value === undefined ? "" : JSON.stringify(value));
      case "json":
        return h("textarea", {
          rows: 4, class: "json", spellcheck: "false", dataset: { testid },
          onchange: commit(el => {
            if (el.value.trim() === "") return { value: undefined };
            try { return { value: JSON.parse(el.value) }; } catch (error) { return { error: `Not valid JSON: ${error.message}` }; }
          }),
        }, value === undefined ? "" : JSON.stringify(value, null, 2));
      case "agent": {
        const select = h("select", { dataset: { testid } }, h("option", { value: "" }, "Choose an agent…"),
          state.agents.map(a => h("option", { value: a.id }, a.name && a.name !== a.id ? `${a.name} (${a.id})` : a.id)));
        if (value && !state.agents.some(a => a.id === value)) select.append(h("option", { value }, `${value} (not found)`));
        select.value = value ?? "";
        select.addEventListener("change", commit(el => ({ value: el.value })));
        return select;
      }
      default: {
        const input = h("input", { type: "text", dataset: { testid }, value: value ?? "", list: spec.list, autocomplete: "off", spellcheck: "false" });
        input.addEventListener("change", commit(el => ({ value: el.value })));
        return input;
      }
    }
  }

  function clearError(path) {
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

  function setConfig(nodeId, name, value, required) {
    change(doc => {
      const node = doc.nodes.find(n => n.id === nodeId);
      if ((value === undefined || value === "") && !required) delete node.config[name];
      else node.config[name] = value ?? "";
    }, { inspector: name === "cron" || name === "timeZone" });
  }

  function setNodeField(nodeId, name, value) {
    change(doc => {
      const node = doc.nodes.find(n => n.id === nodeId);
      if (value === undefined || value === "") delete node[name];
      else node[name] = value;
    }, { inspector: name === "onError" });
  }

  function nodeForm(node) {
    const type = catalog.typeOf(node);
    const kind = catalog.kindOf(node);
    const errors = nodeErrors(node.id);
    const form = h("div", { class: "inspector-form", dataset: { testid: "node-form", nodeId: node.id } });
    form.append(h("div", { class: "inspector-head" },
      h("span", { class: "inspector-type", style: `--type-color: ${type?.color ?? "#64748b"}` }, type?.label ?? node.type),
      h("h2", {}, node.id),
      h("button", { type: "button", class: "small danger", dataset: { testid: "node-delete" }, onclick: deleteSelection }, "Delete")));
    if (kind?.description) form.append(h("p", { class: "muted" }, kind.description));
    if (errors[""]) form.append(...errors[""].map(m => h("p", { class: "field-error", dataset: { testid: "node-error" } }, m)));

    const idInput = h("input", { type: "text", dataset: { testid: "node-id" }, value: node.id, autocomplete: "off", spellcheck: "false" });
    idInput.addEventListener("change", () => {
      const id = idInput.value.trim();
      const key = `${node.id}:id`;
      if (id === node.id) return;
      if (!NODE_ID.test(id)) state.localErrors[key] = "Use letters, digits, '-' and '_', starting with a letter.";
      else if (nodeById(id)) state.localErrors[key] = `The id '${id}' is already used by another node.`;
      else {
        delete state.localErrors[key];
        clearError("id");
        renameNode(node, id);
        return;
      }
      renderInspector();
    });
    form.append(field("id", "Id", idInput, { errors, hint: "Other nodes read its output as data.<id> unless an output key is set." }));

    if (type?.kindField) {
      const kinds = type.kinds.map(k => k.kind);
      const current = catalog.kindName(node);
      const select = h("select", { dataset: { testid: "node-kind" } }, type.kinds.map(k => h("option", { value: k.kind }, k.label)));
      if (!kinds.includes(current)) select.append(h("option", { value: current ?? "" }, current ?? "(none)"));
      select.value = current ?? "";
      select.addEventListener("change", () => changeKind(node.id, select.value));
      form.append(field(`config/${type.kindField}`, "Kind", select, { errors }));
    }

    for (const spec of kind?.fields ?? []) {
      const path = `config/${spec.name}`;
      const input = control(spec, path, node.config[spec.name], value => setConfig(node.id, spec.name, value, spec.required));
      const wrapper = field(path, spec.label, input, { errors, hint: spec.hint });
      // Nested problems (config/headers/X-Token, config/approvers/0) belong to the field they are under.
      for (const [rest, messages] of Object.entries(errors)) {
        if (rest.startsWith(`${path}/`)) wrapper.append(...messages.map(m => h("p", { class: "field-error", dataset: { testid: "field-error" } }, `${rest.slice(path.length + 1)}: ${m}`)));
      }
      if (spec.type === "agent") {
        wrapper.append(h("a", { class: "hint", href: "/?agent=new", dataset: { testid: "agent-create" } }, "Create a new agent"));
      }
      form.append(wrapper);
      if (node.type === "trigger" && spec.name === "cron") form.append(cronPreview(node));
    }
    if (node.type === "trigger" && node.config.kind === "webhook") form.append(webhookInfo(node));

    // Config fields the editor has no form for are shown (read-only) so nothing is hidden from the author.
    const known = new Set([type?.kindField, ...(kind?.fields ?? []).map(f => f.name)]);
    const extra = Object.keys(node.config).filter(k => !known.has(k));
    if (extra.length) form.append(h("p", { class: "muted small" }, `Also set: ${extra.join(", ")} (kept as they are).`));
    for (const [rest, messages] of Object.entries(errors)) {
      if (rest.startsWith("config/") && !known.has(rest.split("/")[1])) form.append(...messages.map(m => h("p", { class: "field-error", dataset: { testid: "field-error" } }, `${rest}: ${m}`)));
    }

    form.append(connectionsSection(node));
    form.append(commonSection(node, errors));
    return form;
  }

  function changeKind(nodeId, kind) {
    change(doc => {
      const node = doc.nodes.find(n => n.id === nodeId);
      const type = catalog.typeOf(node);
      const old = catalog.kindOf(node);
      const fresh = catalog.newConfig(node.type, kind);
      const next = catalog.typeOf({ type: node.type }).kinds.find(k => k.kind === kind);
      const keep = new Set(next?.fields.map(f => f.name) ?? []);
      // Fields of the old kind the new one does not have are dropped; fields nobody here knows are kept.
      for (const f of old?.fields ?? []) if (!keep.has(f.name)) delete node.config[f.name];
      node.config[type.kindField] = kind;
      for (const [name, value] of Object.entries(fresh)) if (!(name in node.config)) node.config[name] = value;
    });
  }

  function cronPreview(node) {
    const box = h("div", { class: "cron-preview", dataset: { testid: "cron-preview" }, "aria-live": "polite" }, h("span", { class: "muted" }, "Next fire times…"));
    const cron = node.config.cron;
    if (typeof cron !== "string" || !cron.trim()) {
      box.replaceChildren(h("span", { class: "muted" }, "Enter a cron expression to see when it fires."));
      return box;
    }
    const query = new URLSearchParams({ cron });
    if (typeof node.config.timeZone === "string" && node.config.timeZone) query.set("timeZone", node.config.timeZone);
    api("GET", `/api/schedules/preview?${query}`).then(result => {
      if (result.ok) {
        const zone = result.data.timeZone;
        box.replaceChildren(h("span", {}, `Next fire times (${zone}):`), h("ol", {},
          result.data.next.map(t => h("li", { dataset: { testid: "cron-next" } }, formatZoned(t, zone)))));
      } else {
        box.replaceChildren(h("p", { class: "field-error", dataset: { testid: "cron-preview-error" } }, problemText(result.problem, "The schedule could not be read.")));
      }
    });
    return box;
  }

  function formatZoned(iso, zone) {
    try {
      return new Date(iso).toLocaleString(undefined, { timeZone: zone, weekday: "short", year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
    } catch {
      return iso;
    }
  }

  function webhookInfo(node) {
    const url = state.id ? `${location.origin}/hooks/${state.id}` : `${location.origin}/hooks/<id once saved>`;
    const output = h("input", { type: "text", readonly: true, value: url, dataset: { testid: "webhook-url" } });
    const copy = h("button", { type: "button", class: "small", onclick: () => navigator.clipboard?.writeText(url).then(() => toast("Webhook URL copied.", "success")) }, "Copy");
    const generate = h("button", {
      type: "button", class: "small", dataset: { testid: "webhook-generate" },
      onclick: () => {
        const bytes = crypto.getRandomValues(new Uint8Array(24));
        setConfig(node.id, "secret", Array.from(bytes, b => b.toString(16).padStart(2, "0")).join(""), true);
        renderInspector();
      },
    }, "New secret");
    return h("div", { class: "field" }, h("span", {}, "Webhook URL"), h("div", { class: "row" }, output, copy), h("div", { class: "row" }, generate),
      h("span", { class: "hint" }, "POST JSON here with X-ChatFlows-Signature: sha256=<hex HMAC-SHA256 of the body with the secret>."));
  }

  function connectionsSection(node) {
    const section = h("details", { class: "inspector-section", open: true, dataset: { testid: "connections" } }, h("summary", {}, "Connections"));
    const ports = catalog.typeOf(node)?.ports ? catalog.outputPorts(node) : ["", ...catalog.outputPorts(node)];
    const candidates = state.doc.nodes.filter(n => n.id !== node.id && n.type !== "trigger");
    for (const port of ports) {
      const targets = state.doc.edges.filter(e => e.from === node.id && (e.port ?? "") === port);
      const row = h("div", { class: "connection", dataset: { port: port || "out" } }, h("span", { class: "port-name" }, port || "next"));
      for (const edge of targets) {
        row.append(h("span", { class: "chip" }, `→ ${edge.to} `, h("button", {
          type: "button", class: "icon-button", "aria-label": `Remove the connection to ${edge.to}`,
          onclick: () => change(doc => { doc.edges = doc.edges.filter(e => edgeKey(e) !== edgeKey(edge)); }),
        }, "×")));
      }
      const free = candidates.filter(c => !targets.some(t => t.to === c.id));
      if (free.length) {
        const select = h("select", { class: "connect-select", "aria-label": `Connect ${port || "next"} to`, dataset: { testid: `connect-${port || "out"}` } },
          h("option", { value: "" }, "Connect to…"), free.map(c => h("option", { value: c.id }, c.id)));
        select.addEventListener("change", () => { if (select.value) connect(node.id, port || undefined, select.value); });
        row.append(select);
      }
      section.append(row);
    }
    const incoming = state.doc.edges.filter(e => e.to === node.id);
    if (incoming.length) section.append(h("p", { class: "muted small" }, `From: ${incoming.map(e => (e.port ? `${e.from} (${e.port})` : e.from)).join(", ")}`));
    return section;
  }

  function commonSection(node, errors) {
    const open = ["output", "timeout", "onError", "retry"].some(k => node[k] !== undefined || Object.keys(errors).some(p => p.startsWith(k)));
    const section = h("details", { class: "inspector-section", open, dataset: { testid: "node-common" } }, h("summary", {}, "Output, timeout and errors"));
    section.append(field("output", "Output key", control({ type: "text" }, "output", node.output, v => setNodeField(node.id, "output", v)), { errors, hint: `Stored as data.${node.output || node.id}.` }));
    section.append(field("timeout", "Timeout", control({ type: "text" }, "timeout", node.timeout, v => setNodeField(node.id, "timeout", v)), { errors, hint: "ISO-8601 duration per attempt, like PT10S." }));
    section.append(field("onError", "On error", control({ type: "select", options: ["fail", "continue", "route"] }, "onError", node.onError ?? "fail",
      v => setNodeField(node.id, "onError", v === "fail" && node.onError === undefined ? undefined : v)), { errors, hint: "route adds an error port." }));
    section.append(field("retry/maxAttempts", "Attempts", control({ type: "number" }, "retry/maxAttempts", node.retry?.maxAttempts, v => {
      change(doc => {
        const target = doc.nodes.find(n => n.id === node.id);
        if (v === undefined) {
          if (target.retry) delete target.retry.maxAttempts;
          if (target.retry && Object.keys(target.retry).length === 0) delete target.retry;
        } else {
          target.retry = { ...(target.retry ?? {}), maxAttempts: v };
        }
      }, { inspector: false });
    }), { errors, hint: "How often to try before failing (1–20)." }));
    return section;
  }

  function edgePanel(edge, index) {
    const errors = Object.entries(state.errors).filter(([p]) => p === `edges/${index}` || p.startsWith(`edges/${index}/`));
    return h("div", { class: "inspector-form", dataset: { testid: "edge-form" } },
      h("div", { class: "inspector-head" }, h("span", { class: "inspector-type" }, "Connection"), h("h2", {}, `${edge.from} → ${edge.to}`),
        h("button", { type: "button", class: "small danger", dataset: { testid: "edge-delete" }, onclick: deleteSelection }, "Delete")),
      edge.port ? h("p", {}, "Port: ", h("code", {}, edge.port)) : h("p", { class: "muted" }, "Default port."),
      errors.flatMap(([, messages]) => [].concat(messages).map(m => h("p", { class: "field-error", dataset: { testid: "field-error" } }, m))));
  }

  function workflowPanel() {
    const doc = state.doc;
    const errors = { "": state.errors.id ?? [], name: state.errors.name ?? [] };
    const panel = h("div", { class: "inspector-form", dataset: { testid: "workflow-form" } }, h("h2", {}, "Workflow"));
    panel.append(h("p", { class: "muted" }, state.id ? h("code", {}, state.id) : "Not saved yet: Save asks for its id."));
    if (errors[""].length) panel.append(...errors[""].map(m => h("p", { class: "field-error", dataset: { testid: "field-error" } }, m)));
    const name = h("input", { type: "text", dataset: { testid: "workflow-name" }, value: doc.name ?? "" });
    name.addEventListener("change", () => change(d => { if (name.value.trim()) d.name = name.value; else delete d.name; }, { inspector: false }));
    const description = h("textarea", { rows: 2, dataset: { testid: "workflow-description" } }, doc.description ?? "");
    description.addEventListener("change", () => change(d => { if (description.value.trim()) d.description = description.value; else delete d.description; }, { inspector: false }));
    panel.append(h("label", { class: "field" }, h("span", {}, "Name"), name), h("label", { class: "field" }, h("span", {}, "Description"), description));
    panel.append(h("p", { class: "muted small" }, `${doc.nodes.length} nodes, ${doc.edges.length} connections.`));
    panel.append(h("div", { class: "help muted small" },
      h("p", {}, "Drag a node from the palette onto the canvas (or select a node and press Enter on a palette item to add one after it)."),
      h("p", {}, "Connect by dragging from a port on the right of a node to the left port of another, or with Connections in the inspector."),
      h("p", {}, "Keys: Ctrl+S save · Ctrl+Z / Ctrl+Shift+Z undo/redo · Delete remove · Ctrl+D duplicate · arrows move or pan · + / − zoom · 0 fit · Shift+L auto-layout · Ctrl+Enter play · Esc deselect.")));
    return panel;
  }

  // ---- runs on the canvas ------------------------------------------------------------------------------------------

  function runPanel(node) {
    const detail = state.run.detail;
    const view = detail?.nodes?.find(n => n.nodeId === node.id);
    const status = state.run.statuses[node.id] ?? view?.status ?? "pending";
    const panel = h("section", { class: "run-panel", dataset: { testid: "node-run-panel", nodeId: node.id, status } },
      h("div", { class: "inspector-head" }, h("h3", {}, "In this run"), statusBadge(status)));
    if (!view) {
      panel.append(h("p", { class: "muted" }, detail ? "This node is not part of the run's workflow version." : "Loading…"));
      return panel;
    }
    const facts = h("dl", { class: "facts" });
    const fact = (label, value) => { if (value !== null && value !== undefined && value !== "") facts.append(h("dt", {}, label), h("dd", {}, value)); };
    fact("Attempts", String(view.attempts ?? 0));
    fact("Started", formatTime(view.startedAt));
    fact("Duration", view.durationMs === null || view.durationMs === undefined ? "" : formatDuration(view.durationMs));
    fact("Port", view.port);
    fact("Wakes", formatTime(view.wakeAt));
    if (view.usage) fact("Tokens", `${view.usage.inputTokens ?? 0} in, ${view.usage.outputTokens ?? 0} out`);
    panel.append(facts);
    if (view.error) panel.append(h("h4", {}, "Error"), h("pre", { class: "error", dataset: { testid: "node-run-error" } }, view.error));
    panel.append(h("h4", {}, "Input"), h("pre", { dataset: { testid: "node-run-input" } }, JSON.stringify(inputOf(node, detail), null, 2)));
    if (view.output !== null && view.output !== undefined) panel.append(h("h4", {}, "Output"), h("pre", { dataset: { testid: "node-run-output" } }, JSON.stringify(view.output, null, 2)));
    if (view.steps?.length) {
      panel.append(h("h4", {}, "Tool steps"), h("ol", { class: "steps", dataset: { testid: "node-run-steps" } },
        view.steps.map(step => h("li", {}, h("pre", {}, JSON.stringify(step, null, 2))))));
    }
    return panel;
  }

  // What the node saw: the trigger payload and the outputs of the nodes before it.
  function inputOf(node, detail) {
    if (node.type === "trigger") return detail.trigger;
    const data = {};
    for (const edge of state.doc.edges.filter(e => e.to === node.id)) {
      const from = nodeById(edge.from);
      const key = from?.output || edge.from;
      if (detail.data && key in detail.data) data[key] = detail.data[key];
    }
    return { trigger: detail.trigger, data };
  }

  function setStatus(nodeId, status) {
    if (!state.run || !nodeId) return;
    if (state.run.statuses[nodeId] === status) return;
    state.run.statuses[nodeId] = status;
    window.editorRunLog.push({ nodeId, status });
    const cell = graph.getCell(nodeId);
    if (cell && !cell.isLink()) setFlags(cell, { "data-status": status });
  }

  function renderRunBar() {
    const bar = $("run-bar");
    const run = state.run;
    bar.hidden = !run;
    if (!run) return;
    bar.replaceChildren(...[
      h("span", {}, "Run "), h("a", { href: `/runs/${encodeURIComponent(run.id)}`, dataset: { testid: "run-link" } }, run.id.slice(0, 12)),
      h("span", { dataset: { testid: "run-status", status: run.status } }, statusBadge(run.status)),
      run.detail?.durationMs ? h("span", { class: "muted" }, formatDuration(run.detail.durationMs)) : null,
      run.detail?.error ? h("span", { class: "field-error" }, typeof run.detail.error === "string" ? run.detail.error : `${run.detail.error.nodeId ?? ""}: ${run.detail.error.message ?? ""}`) : null,
      h("span", { class: "toolbar-gap" }),
      !TERMINAL.includes(run.status) ? h("button", { type: "button", class: "small", dataset: { testid: "run-cancel" }, onclick: cancelRun }, "Cancel run") : null,
      h("button", { type: "button", class: "small", dataset: { testid: "run-close" }, onclick: closeRun }, "Close run view"),
    ].filter(Boolean));
  }

  async function cancelRun() {
    const result = await api("POST", `/api/runs/${encodeURIComponent(state.run.id)}/cancel`);
    if (!result.ok) toast(problemText(result.problem, "The run could not be cancelled."), "error");
  }

  function closeRun() {
    state.run?.source?.close();
    state.run = null;
    clearTimeout(detailTimer);
    const url = new URL(location.href);
    url.searchParams.delete("run");
    history.replaceState(null, "", url);
    refreshFlags();
    renderRunBar();
    renderInspector();
  }

  async function showRun(runId) {
    state.run?.source?.close();
    state.run = { id: runId, status: "queued", statuses: {}, detail: null, source: null };
    window.editorRunLog = [];
    const url = new URL(location.href);
    url.searchParams.set("run", runId);
    history.replaceState(null, "", url);
    refreshFlags();
    renderRunBar();
    renderInspector();

    const result = await api("GET", `/api/runs/${encodeURIComponent(runId)}`);
    if (state.run?.id !== runId) return;
    if (!result.ok) {
      toast(problemText(result.problem, `Run ${runId} could not be loaded.`), "error");
      closeRun();
      return;
    }
    if (TERMINAL.includes(result.data.status)) {
      applyDetail(result.data);
      return;
    }
    // The event stream replays what happened so far, in order, then follows the run live.
    state.run.detail = result.data;
    state.run.status = result.data.status;
    renderRunBar();
    watch(runId);
  }

  function applyDetail(detail) {
    if (!state.run || state.run.id !== detail.id) return;
    state.run.detail = detail;
    state.run.status = detail.status;
    // While the run goes on its events set the states; a snapshot could be older than the last event.
    if (TERMINAL.includes(detail.status)) for (const node of detail.nodes ?? []) setStatus(node.nodeId, node.status);
    renderRunBar();
    if (state.selection?.node) renderInspector();
  }

  function watch(runId) {
    const source = new EventSource(`/api/runs/${encodeURIComponent(runId)}/events`);
    state.run.source = source;
    const on = (name, handle) => source.addEventListener(name, evt => {
      if (state.run?.id !== runId) return;
      let data;
      try { data = JSON.parse(evt.data); } catch { return; }
      handle(data);
    });
    on("run.started", () => { state.run.status = "running"; renderRunBar(); });
    on("node.started", d => setStatus(d.nodeId, "running"));
    on("node.finished", d => { setStatus(d.nodeId, d.status || "succeeded"); scheduleDetail(); });
    on("node.failed", d => { setStatus(d.nodeId, d.willRetry ? "running" : "failed"); scheduleDetail(); });
    on("run.waiting", d => {
      if (d.nodeId) setStatus(d.nodeId, "waiting");
      state.run.status = "waiting";
      renderRunBar();
      scheduleDetail();
    });
    on("run.finished", d => {
      source.close();
      state.run.status = d.status ?? state.run.status;
      renderRunBar();
      refreshRunDetail();
    });
  }

  let detailTimer = 0;
  function scheduleDetail() {
    if (!state.selection?.node) return;
    clearTimeout(detailTimer);
    detailTimer = setTimeout(refreshRunDetail, 300);
  }

  async function refreshRunDetail() {
    const run = state.run;
    if (!run) return;
    const result = await api("GET", `/api/runs/${encodeURIComponent(run.id)}`);
    if (result.ok) applyDetail(result.data);
  }

  // ---- play --------------------------------------------------------------------------------------------------------

  async function play() {
    commitActiveField();
    if (!state.id || isDirty()) {
      if (!(await save())) return;
    }
    const dialog = $("play-dialog");
    const triggers = state.doc.nodes.filter(n => n.type === "trigger");
    const select = $("play-trigger");
    select.replaceChildren(h("option", { value: "" }, "Default (manual trigger, or the first)"), ...triggers.map(t => h("option", { value: t.id }, `${t.id} (${catalog.kindName(t) ?? "?"})`)));
    $("play-trigger-field").hidden = triggers.length < 2;
    $("play-error").hidden = true;
    dialog.showModal();
    $("play-payload").focus();
  }

  async function startRun(evt) {
    evt.preventDefault();
    const error = $("play-error");
    let payload;
    try {
      payload = JSON.parse($("play-payload").value || "{}");
    } catch (e) {
      error.textContent = `The payload is not valid JSON: ${e.message}`;
      error.hidden = false;
      return;
    }
    if (payload === null || typeof payload !== "object" || Array.isArray(payload)) {
      error.textContent = "The payload must be a JSON object, like {\"service\": \"api\"}.";
      error.hidden = false;
      return;
    }
    const trigger = $("play-trigger").value;
    const url = `/api/workflows/${encodeURIComponent(state.id)}/runs${trigger ? `?trigger=${encodeURIComponent(trigger)}` : ""}`;
    const result = await api("POST", url, payload);
    if (!result.ok) {
      error.textContent = problemText(result.problem, "The run could not start.");
      error.hidden = false;
      return;
    }
    $("play-dialog").close();
    showRun(result.data.runId);
  }

  // ---- save, reload, conflicts ---------------------------------------------------------------------------------------

  function commitActiveField() {
    const active = document.activeElement;
    if (active && inspector.contains(active) && active.matches("input, textarea, select")) active.dispatchEvent(new Event("change"));
  }

  /** Saves; true when the document is stored. A new workflow asks for its id first. */
  async function save() {
    commitActiveField();
    if (state.saving) return false;
    if (!state.id) return askForId();
    state.saving = true;
    updateToolbar();
    try {
      const result = await api("PUT", `/api/workflows/${encodeURIComponent(state.id)}`, state.doc, { ifMatch: state.doc.version });
      return handleSaved(result);
    } finally {
      state.saving = false;
      updateToolbar();
    }
  }

  function handleSaved(result) {
    if (result.ok) {
      const selected = state.selection;
      state.doc = normalize(result.data);
      state.savedJson = serialize();
      state.selection = selected?.node && !nodeById(selected.node) ? null : selected;
      setErrors({});
      syncGraph();
      updateToolbar();
      toast(`Saved version ${state.doc.version}.`, "success");
      return true;
    }
    if (result.status === 409) {
      $("conflict-message").textContent = problemText(result.problem, "Someone else saved this workflow after you opened it.");
      $("conflict-dialog").showModal();
      return false;
    }
    if (result.status === 400 && result.problem?.errors) {
      setErrors(result.problem.errors);
      const first = Object.keys(state.errors).map(nodeOfPath).find(id => id && nodeById(id));
      if (first && !(state.selection?.node && Object.keys(nodeErrors(state.selection.node)).length)) select({ node: first });
      toast(result.problem.title ?? "The workflow is not valid.", "error");
      return false;
    }
    toast(problemText(result.problem, "The workflow could not be saved."), "error");
    return false;
  }

  function askForId() {
    const dialog = $("save-dialog");
    const idInput = $("save-id");
    const nameInput = $("save-name");
    idInput.value = idInput.value || "";
    nameInput.value = state.doc.name ?? "";
    $("save-error").hidden = true;
    dialog.showModal();
    idInput.focus();
    return new Promise(resolve => {
      const finish = ok => {
        dialog.removeEventListener("submit", onSubmit);
        dialog.removeEventListener("close", onClose);
        resolve(ok);
      };
      const onClose = () => finish(false);
      const onSubmit = async evt => {
        evt.preventDefault();
        const id = idInput.value.trim();
        if (!WORKFLOW_ID.test(id)) {
          $("save-error").textContent = "Use lower-case letters, digits, '-' and '_', starting with a letter or digit.";
          $("save-error").hidden = false;
          return;
        }
        const doc = { ...state.doc, id };
        if (nameInput.value.trim()) doc.name = nameInput.value.trim();
        // Keep id first, as documents are written.
        const ordered = { id, ...doc };
        const result = await api("POST", "/api/workflows", ordered);
        if (result.status === 409) {
          $("save-error").textContent = problemText(result.problem, `A workflow '${id}' already exists.`);
          $("save-error").hidden = false;
          return;
        }
        dialog.removeEventListener("close", onClose);
        dialog.close();
        if (result.ok) {
          state.id = id;
          root.dataset.workflowId = id;
          history.replaceState(null, "", `/workflows/${encodeURIComponent(id)}${location.search}`);
          document.title = `${id} · ChatFlows`;
          loadWorkflowList();
        }
        finish(handleSaved(result));
      };
      dialog.addEventListener("submit", onSubmit);
      dialog.addEventListener("close", onClose);
    });
  }

  async function reload() {
    const result = await api("GET", `/api/workflows/${encodeURIComponent(state.id)}`);
    if (!result.ok) {
      toast(problemText(result.problem, "The workflow could not be loaded."), "error");
      return;
    }
    open(result.data);
    toast(`Loaded version ${state.doc.version}.`, "info");
  }

  let layoutMs = 0;
  function open(doc) {
    state.doc = normalize(doc);
    const layoutStart = performance.now();
    placeMissing(state.doc);
    layoutMs = performance.now() - layoutStart;
    state.savedJson = serialize();
    state.undo = [];
    state.redo = [];
    state.errors = {};
    state.localErrors = {};
    if (state.selection?.node && !nodeById(state.selection.node)) state.selection = null;
    showProblems();
    syncGraph();
    renderInspector();
    updateToolbar();
  }

  // ---- toolbar, selector, keyboard -----------------------------------------------------------------------------------

  function updateToolbar() {
    const dirty = isDirty();
    $("dirty").hidden = !dirty;
    $("undo").disabled = state.undo.length === 0;
    $("redo").disabled = state.redo.length === 0;
    $("delete").disabled = !state.selection;
    $("save").disabled = state.saving;
    $("workflow-title").textContent = state.doc?.name || state.id || "New workflow";
    $("workflow-version").textContent = state.id ? `version ${state.doc?.version ?? ""}` : "not saved";
    root.dataset.dirty = String(dirty);
  }

  async function loadWorkflowList() {
    const result = await api("GET", "/api/workflows");
    const select = $("workflow-select");
    state.workflows = result.ok ? result.data.items ?? [] : [];
    select.replaceChildren(
      ...(state.id ? [] : [h("option", { value: "" }, "(new workflow)")]),
      ...state.workflows.map(w => h("option", { value: w.id }, w.name && w.name !== w.id ? `${w.name} (${w.id})` : w.id)));
    if (state.id && !state.workflows.some(w => w.id === state.id)) select.append(h("option", { value: state.id }, state.id));
    select.value = state.id ?? "";
    let ids = document.getElementById("workflow-ids");
    if (!ids) {
      ids = h("datalist", { id: "workflow-ids" });
      root.append(ids);
    }
    ids.replaceChildren(...state.workflows.map(w => h("option", { value: w.id })));
  }

  function timeZoneList() {
    const zones = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
    root.append(h("datalist", { id: "time-zones" }, ["UTC", ...zones].map(z => h("option", { value: z }))));
  }

  function moveSelected(dx, dy) {
    const id = state.selection?.node;
    const at = id && layoutOf(id);
    if (!at) return;
    change(doc => setLayout(doc, id, { x: at.x + dx, y: at.y + dy }), { inspector: false });
  }

  function onKey(evt) {
    const mod = evt.ctrlKey || evt.metaKey;
    const key = evt.key.toLowerCase();
    if (document.querySelector("dialog[open]")) return;
    if (mod && key === "s") { evt.preventDefault(); save(); return; }
    if (mod && evt.key === "Enter") { evt.preventDefault(); play(); return; }
    const typing = evt.target.matches?.("input, textarea, select, [contenteditable]");
    if (typing) return;
    if (mod && key === "z") { evt.preventDefault(); if (evt.shiftKey) redo(); else undo(); return; }
    if (mod && key === "y") { evt.preventDefault(); redo(); return; }
    if (mod && key === "d") { evt.preventDefault(); duplicateSelection(); return; }
    if (mod) return;
    // The rest act on the canvas: only when the focus is on the canvas, a node or the page itself.
    const onCanvas = canvasEl.contains(evt.target) || evt.target === document.body;
    if (!onCanvas) return;
    switch (evt.key) {
      case "Delete":
      case "Backspace": evt.preventDefault(); deleteSelection(); canvasEl.focus(); break;
      case "Escape": select(null); canvasEl.focus(); break;
      case "+": case "=": zoomCentre(1.2); break;
      case "-": case "_": zoomCentre(1 / 1.2); break;
      case "0": fitToView(); break;
      case "L": if (evt.shiftKey) autoLayout(); break;
      case "Enter": if (state.selection?.node) inspector.querySelector("input, textarea, select")?.focus(); break;
      case "ArrowLeft": case "ArrowRight": case "ArrowUp": case "ArrowDown": {
        evt.preventDefault();
        const step = evt.shiftKey ? 50 : 10;
        const dx = evt.key === "ArrowLeft" ? -step : evt.key === "ArrowRight" ? step : 0;
        const dy = evt.key === "ArrowUp" ? -step : evt.key === "ArrowDown" ? step : 0;
        if (state.selection?.node) moveSelected(dx, dy);
        else panBy(-dx * 4, -dy * 4);
        break;
      }
      default: break;
    }
  }

  function wire() {
    $("undo").addEventListener("click", undo);
    $("redo").addEventListener("click", redo);
    $("layout").addEventListener("click", autoLayout);
    $("fit").addEventListener("click", () => fitToView());
    $("delete").addEventListener("click", deleteSelection);
    $("save").addEventListener("click", () => save());
    $("play").addEventListener("click", play);
    $("new-workflow").addEventListener("click", () => location.assign("/workflows/new"));
    $("workflow-select").addEventListener("change", evt => { if (evt.target.value) location.assign(`/workflows/${encodeURIComponent(evt.target.value)}`); });
    $("save-cancel").addEventListener("click", () => $("save-dialog").close());
    $("conflict-keep").addEventListener("click", () => $("conflict-dialog").close());
    $("conflict-reload").addEventListener("click", async () => { $("conflict-dialog").close(); await reload(); });
    $("play-cancel").addEventListener("click", () => $("play-dialog").close());
    $("play-dialog").addEventListener("submit", startRun);
    document.addEventListener("keydown", onKey);
    window.addEventListener("beforeunload", evt => {
      if (!isDirty()) return;
      evt.preventDefault();
      evt.returnValue = "";
    });
  }

  // ---- start -------------------------------------------------------------------------------------------------------

  async function start() {
    renderPalette();
    timeZoneList();
    wire();
    // The selector's list does not hold up drawing the workflow: on a busy host it is the slowest of the three.
    const listed = loadWorkflowList();
    const [loaded, agents] = await Promise.all([
      state.id ? api("GET", `/api/workflows/${encodeURIComponent(state.id)}`) : Promise.resolve({ ok: true, data: { id: "", version: 0, nodes: [], edges: [], layout: {} } }),
      api("GET", "/api/agents"),
    ]);
    const fetched = performance.now();
    state.agents = agents.ok ? agents.data.items ?? [] : [];
    if (!loaded.ok) {
      toast(problemText(loaded.problem, `Workflow '${state.id}' could not be loaded.`), "error");
      state.id = null;
      open({ id: "", version: 0, nodes: [], edges: [], layout: {} });
    } else {
      open(loaded.data);
    }
    const drawStart = performance.now();
    const finish = async () => {
      if (graph.getElements().length > 0) fitToView({ readable: true });
      // Loaded, for the person looking at it: the workflow is drawn.
      window.editorDrawMs = performance.now() - drawStart;
      window.editorLoadMs = performance.now() - started;
      window.editorTimings = { fetchMs: fetched - started, openMs: drawStart - fetched, layoutMs, drawMs: window.editorDrawMs };
      window.editorDocument = () => JSON.parse(serialize());
      await listed;
      ready();
      const run = new URLSearchParams(location.search).get("run");
      if (run && state.id) showRun(run);
    };
    if (graph.getCells().length === 0) {
      paper.unfreeze();
      finish();
    } else {
      paper.once("render:done", finish);
      paper.unfreeze();
    }
  }

  start();
})();
