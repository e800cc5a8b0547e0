// The viewport: pan, zoom and fit, with the mouse and the wheel.

import { canvasEl } from "./state.js";
import { graph, paper } from "./graph.js";
import { select } from "./interaction.js";

export function panBy(dx, dy) {
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

export function zoomCentre(factor) {
  const box = canvasEl.getBoundingClientRect();
  zoomAt(factor, box.width / 2, box.height / 2);
}

/** Shows the whole workflow; on opening, not smaller than still readable (the rest is a pan or a Fit away). */
export function fitToView({ readable = false } = {}) {
  if (graph.getElements().length === 0) return;
  paper.transformToFitContent({ padding: 30, maxScale: 1, minScale: readable ? 0.5 : 0.2, useModelGeometry: true, verticalAlign: "top", horizontalAlign: "left" });
}

export function visibleCentre() {
  const box = canvasEl.getBoundingClientRect();
  return paper.clientToLocalPoint({ x: box.left + box.width / 2, y: box.top + box.height / 2 });
}

let pan = null;

// Dragging the blank canvas pans; the wheel zooms at the pointer, or pans with Shift.
export function wireViewport() {
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
}
