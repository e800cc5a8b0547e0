// Import: a workflow document from a file or pasted, added under its id, under a new id when that is taken, or
// replacing the stored one (with If-Match, as the editor saves).
import { byTestId, enc, freeId, load, state } from "./state.js";
import { busy, hideError, showProblem } from "./dialogs.js";

const { api, toast } = window.ChatFlows;

export function openImport() {
  const dialog = byTestId("import-dialog");
  const file = byTestId("import-file");
  const text = byTestId("import-text");
  const conflict = byTestId("import-conflict");
  const newId = byTestId("import-new-id");
  const replace = byTestId("import-replace");
  const submit = byTestId("import-submit");
  file.value = "";
  text.value = "";
  let existing = null;
  const resetConflict = () => {
    existing = null;
    conflict.hidden = true;
    replace.hidden = true;
    submit.textContent = "Import";
  };
  resetConflict();
  hideError("import-error");

  file.onchange = async () => {
    const picked = file.files?.[0];
    if (!picked) return;
    text.value = await picked.text();
    resetConflict();
    hideError("import-error");
  };
  text.oninput = () => { if (existing) resetConflict(); };

  const finish = async saved => {
    dialog.close();
    toast(`Imported ${saved.name ?? saved.id} (${saved.id}, version ${saved.version}).`, "success");
    await load("workflows");
  };

  dialog.querySelector("form").onsubmit = async event => {
    event.preventDefault();
    hideError("import-error");
    const body = text.value.trim();
    if (!body) {
      showProblem("import-error", null, "Pick a JSON file or paste a workflow document first.");
      return;
    }
    let parsed = null;
    try { parsed = JSON.parse(body); } catch { /* the server says where the JSON goes wrong */ }

    if (existing) {
      // Under a new id: the same document, renamed.
      const answer = await busy("import-submit", () => api("POST", "/api/workflows", { ...parsed, id: newId.value.trim(), version: undefined }));
      if (answer.ok) await finish(answer.data);
      else showProblem("import-error", answer.problem, "The workflow could not be imported.");
      return;
    }

    const id = parsed && typeof parsed === "object" && typeof parsed.id === "string" ? parsed.id : null;
    if (id && state.workflows.some(w => w.id === id)) {
      existing = id;
      byTestId("import-conflict-id").textContent = id;
      newId.value = freeId(`${id}-imported`);
      conflict.hidden = false;
      replace.hidden = false;
      submit.textContent = "Import as new id";
      newId.focus();
      return;
    }
    const answer = await busy("import-submit", () => api("POST", "/api/workflows", body, { raw: true }));
    if (answer.ok) await finish(answer.data);
    else showProblem("import-error", answer.problem, "The workflow could not be imported.");
  };

  // Replace: a save on top of the version stored now, as the editor saves, so a concurrent edit is not lost silently.
  replace.onclick = async () => {
    hideError("import-error");
    const answer = await busy("import-replace", async () => {
      const current = await api("GET", `/api/workflows/${enc(existing)}`);
      if (!current.ok) return current;
      return api("PUT", `/api/workflows/${enc(existing)}`, text.value.trim(), { raw: true, ifMatch: current.etag });
    });
    if (answer.ok) await finish(answer.data);
    else showProblem("import-error", answer.problem, "The workflow could not be replaced.");
  };
  dialog.showModal();
}
