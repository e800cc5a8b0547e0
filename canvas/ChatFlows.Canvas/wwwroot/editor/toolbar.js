// The toolbar: its buttons, what it shows (unsaved changes, undo and redo, title and version), and room for more.
// It follows the change, selection and dirty events; its buttons call the actions editor.js hands it.

import { root, $, state } from "./state.js";
import { on } from "./events.js";
import { isDirty } from "./document.js";

const { pageUrl } = window.ChatFlows;

function updateToolbar() {
  const dirty = isDirty();
  $("dirty").hidden = !dirty;
  $("undo").disabled = state.undo.length === 0;
  $("redo").disabled = state.redo.length === 0;
  $("delete").disabled = !state.selection;
  $("save").disabled = state.saving;
  $("workflow-title").textContent = state.doc?.name || state.id || "New workflow";
  $("workflow-version").textContent = state.id ? `version ${state.doc?.version ?? ""}` : "not saved";
  // The history of this workflow, in the editor's workspace (README §Workflow history).
  $("history-link").hidden = !state.id;
  if (state.id) $("history-link").href = pageUrl(`/workflows/${encodeURIComponent(state.id)}/history`);
  root.dataset.dirty = String(dirty);
}

/**
 * Adds an element to the toolbar (a status or a button of another feature), before Undo, after what was added before.
 * Returns the element.
 */
export function addToolbarItem(element) {
  $("toolbar-extra").append(element);
  return element;
}

/** Wires the buttons to { undo, redo, autoLayout, fitToView, deleteSelection, save, play } and follows the events. */
export function wireToolbar(actions) {
  $("undo").addEventListener("click", actions.undo);
  $("redo").addEventListener("click", actions.redo);
  $("layout").addEventListener("click", actions.autoLayout);
  $("fit").addEventListener("click", () => actions.fitToView());
  $("zoom-in").addEventListener("click", () => actions.zoomCentre(1.2));
  $("zoom-out").addEventListener("click", () => actions.zoomCentre(1 / 1.2));
  $("delete").addEventListener("click", actions.deleteSelection);
  $("save").addEventListener("click", () => actions.save());
  $("play").addEventListener("click", actions.play);
  $("new-workflow").addEventListener("click", () => location.assign(pageUrl("/workflows/new")));
  $("workflow-select").addEventListener("change", evt => { if (evt.target.value) location.assign(pageUrl(`/workflows/${encodeURIComponent(evt.target.value)}`)); });
  on("change", updateToolbar);
  on("selection", updateToolbar);
  on("dirty", updateToolbar);
}
