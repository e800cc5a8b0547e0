// The viewport: pan, zoom and fit, with the mouse, the wheel and the keys. Zooming keeps the point under the pointer
// where it is (the buttons zoom about the canvas centre), and a workflow opens readable (openView).

import { $, canvasEl } from "./state.js";
import { graph, paper } from "./graph.js";
import { select } from "./document.js";

const MIN_ZOOM = 0.2;
const MAX_ZOOM = 2;
/** Opening never shows a workflow smaller than this: its text stays readable (the rest is a pan or a Fit away). */
const OPEN_MIN_ZOOM = 0.75;
const PADDING = 30;

// The last pointer position over the canvas, in paper coordinates: where + and - zoom about.
let pointer = null;

export function panBy(dx, dy) {
  const { tx, ty } = paper.translate();
  paper.translate(tx + dx, ty + dy);
}

function showZoom() {
  const label = $("zoom-level");
  if (label) label.textContent = `${Math.round(paper.scale().sx * 100)} %`;
}

/** Zooms by factor keeping the paper point (cx, cy), relative to the canvas's top left, where it is on screen. */
function zoomAt(factor, cx, cy) {
  const scale = paper.scale().sx;
  const next = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, scale * factor));
  const { tx, ty } = paper.translate();
  paper.scale(next, next);
  paper.translate(cx - ((cx - tx) * next) / scale, cy - ((cy - ty) * next) / scale);
  showZoom();
}

/** Zooms about the canvas centre (the toolbar's buttons). */
export function zoomCentre(factor) {
  const box = canvasEl.getBoundingClientRect();
  zoomAt(factor, box.width / 2, box.height / 2);
}

/** Zooms about the pointer when it is over the canvas, else about the centre (the + and - keys). */
export function zoomAtPointer(factor) {
  if (pointer) zoomAt(factor, pointer.x, pointer.y);
  else zoomCentre(factor);
}

function contentBox() {
  return graph.getBBox() ?? null;
}

/** Shows the whole workflow, centred, at most at 100 %. */
export function fitToView() {
  if (graph.getElements().length === 0) return;
  const box = contentBox();
  const canvas = canvasEl.getBoundingClientRect();
  const fit = Math.min((canvas.width - 2 * PADDING) / box.width, (canvas.height - 2 * PADDING) / box.height);
  place(Math.min(1, Math.max(MIN_ZOOM, fit)), box, canvas);
}

/**
 * How a workflow opens: at 100 %, or smaller down to 75 % when that shows all of it, and never below 75 %. It is centred
 * in the canvas on each axis it fits on; on an axis it does not fit on, its start (the trigger, top left) is in view.
 */
export function openView() {
  if (graph.getElements().length === 0) return;
  const box = contentBox();
  const canvas = canvasEl.getBoundingClientRect();
  const fit = Math.min((canvas.width - 2 * PADDING) / box.width, (canvas.height - 2 * PADDING) / box.height);
  place(Math.min(1, Math.max(OPEN_MIN_ZOOM, fit)), box, canvas);
}

function place(scale, box, canvas) {
  const along = (start, size, room) => (size * scale <= room - 2 * PADDING ? (room - size * scale) / 2 - start * scale : PADDING - start * scale);
  paper.scale(scale, scale);
  paper.translate(along(box.x, box.width, canvas.width), along(box.y, box.height, canvas.height));
  showZoom();
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
  canvasEl.addEventListener("pointermove", evt => {
    const box = canvasEl.getBoundingClientRect();
    pointer = { x: evt.clientX - box.left, y: evt.clientY - box.top };
  });
  canvasEl.addEventListener("pointerleave", () => { pointer = null; });
  canvasEl.addEventListener("wheel", evt => {
    evt.preventDefault();
    const box = canvasEl.getBoundingClientRect();
    if (evt.ctrlKey || evt.metaKey || !evt.shiftKey) zoomAt(evt.deltaY < 0 ? 1.1 : 1 / 1.1, evt.clientX - box.left, evt.clientY - box.top);
    else panBy(-evt.deltaX, -evt.deltaY);
  }, { passive: false });
  showZoom();
}
