// Working on the canvas: selecting, dragging nodes, drawing connections, keyboard focus and drops from the palette.
// Input only: it edits the document and the selection, and the views follow their events.

import { canvasEl, NODE_WIDTH, NODE_HEIGHT, state } from "./state.js";
import { emit } from "./events.js";
import { serialize, layoutOf, pushUndo, setLayout, addNode, connect, select } from "./document.js";
import { graph, paper } from "./graph.js";

let drag = null;

// Pointer, focus and drop handling on the paper; a drag of a node becomes one undo step when it ends.
export function wireCanvas() {
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
      // The graph already shows the move; only what depends on the undo stack and dirtiness changes.
      emit("dirty");
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
}

export function focusNode(id) {
  requestAnimationFrame(() => {
    const view = graph.getCell(id)?.findView(paper);
    view?.el.focus({ preventScroll: true });
  });
}
