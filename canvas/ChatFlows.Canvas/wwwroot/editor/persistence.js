// Saving and loading: save with the version (a new workflow asks for its id), conflicts, reload, opening a document,
// and the list behind the workflow selector.

import { root, $, state } from "./state.js";
import { emit } from "./events.js";
import { serialize, isDirty, nodeById, normalize, announce, select, nodeOfPath, nodeErrors, setErrors } from "./document.js";
import { placeMissing } from "./layout.js";
import { commitActiveField } from "./inspector.js";
import { templateId } from "../templates/setup.js";

const { api, pageUrl, problemText, toast, element: h } = window.ChatFlows;
const WORKFLOW_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;


/** Saves; true when the document is stored. A new workflow asks for its id first. */
export async function save() {
  commitActiveField();
  if (state.saving) return false;
  if (!state.id) return askForId();
  state.saving = true;
  emit("dirty");
  try {
    const result = await api("PUT", `/api/workflows/${encodeURIComponent(state.id)}`, state.doc, { ifMatch: state.doc.version });
    return handleSaved(result);
  } finally {
    state.saving = false;
    emit("dirty");
  }
}

function handleSaved(result) {
  if (result.ok) {
    const selected = state.selection;
    const before = state.doc;
    state.doc = normalize(result.data);
    state.savedJson = serialize();
    state.selection = selected?.node && !nodeById(selected.node) ? null : selected;
    announce(before, { inspector: false, cause: "saved" });
    setErrors({});
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
      // A workflow started from a template creates the agents it brings first: its agent nodes need them.
      if (state.beforeCreate) await state.beforeCreate();
      // Installed from the gallery: the server records it as imported from that template (README §Audit log).
      const template = templateId();
      const result = await api("POST", template ? `/api/workflows?template=${encodeURIComponent(template)}` : "/api/workflows", ordered);
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
        // What opened the new workflow (a template, the blank canvas) is no part of the saved one's address.
        const search = new URLSearchParams(location.search);
        search.delete("template");
        search.delete("blank");
        history.replaceState(null, "", pageUrl(`/workflows/${encodeURIComponent(id)}${search.size ? `?${search}` : ""}`));
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

export let layoutMs = 0;
export function open(doc) {
  const before = state.doc;
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
  announce(before, { cause: "open" });
  emit("problems", { inspector: false });
}

export async function loadWorkflowList() {
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

export function wirePersistence() {
  $("save-cancel").addEventListener("click", () => $("save-dialog").close());
  $("conflict-keep").addEventListener("click", () => $("conflict-dialog").close());
  $("conflict-reload").addEventListener("click", async () => { $("conflict-dialog").close(); await reload(); });
  window.addEventListener("beforeunload", evt => {
    if (!isDirty()) return;
    evt.preventDefault();
    evt.returnValue = "";
  });
}
