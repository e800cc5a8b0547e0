// The toolbar: its buttons, and what it shows (unsaved changes, undo and redo, title and version).

import { root, $, state } from "./state.js";
import { isDirty, undo, redo, deleteSelection } from "./document.js";
import { autoLayout } from "./layout.js";
import { fitToView } from "./viewport.js";
import { play } from "./run-view.js";
import { save } from "./persistence.js";
import { noteSavedVersion, wireWorkflowTests } from "./workflow-tests.js";

export function updateToolbar() {
  const dirty = isDirty();
  $("dirty").hidden = !dirty;
  $("undo").disabled = state.undo.length === 0;
  $("redo").disabled = state.redo.length === 0;
  $("delete").disabled = !state.selection;
  $("save").disabled = state.saving;
  $("workflow-title").textContent = state.doc?.name || state.id || "New workflow";
  $("workflow-version").textContent = state.id ? `version ${state.doc?.version ?? ""}` : "not saved";
  root.dataset.dirty = String(dirty);
  noteSavedVersion();
}

export function wireToolbar() {
  wireWorkflowTests();
  $("undo").addEventListener("click", undo);
  $("redo").addEventListener("click", redo);
  $("layout").addEventListener("click", autoLayout);
  $("fit").addEventListener("click", () => fitToView());
  $("delete").addEventListener("click", deleteSelection);
  $("save").addEventListener("click", () => save());
  $("play").addEventListener("click", play);
  $("new-workflow").addEventListener("click", () => location.assign("/workflows/new"));
  $("workflow-select").addEventListener("change", evt => { if (evt.target.value) location.assign(`/workflows/${encodeURIComponent(evt.target.value)}`); });
}
