// Keyboard shortcuts: save, play, undo and redo anywhere; the rest on the canvas.

import { inspector, canvasEl, state } from "./state.js";
import { layoutOf, change, undo, redo, setLayout, deleteSelection, duplicateSelection, select } from "./document.js";
import { autoLayout } from "./layout.js";
import { panBy, zoomAtPointer, fitToView } from "./viewport.js";
import { play } from "./run-view.js";
import { save } from "./persistence.js";

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
    case "+": case "=": zoomAtPointer(1.2); break;
    case "-": case "_": zoomAtPointer(1 / 1.2); break;
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

export function wireKeyboard() {
  document.addEventListener("keydown", onKey);
}
