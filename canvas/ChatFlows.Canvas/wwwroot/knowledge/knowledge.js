// The Knowledge page: knowledge bases (create, delete), the documents of the chosen one (/knowledge?base=<id>) with
// their indexing progress, refreshed while any is indexing, uploads and URLs, and a search to try it.
(() => {
  "use strict";

  const { api, problemText, toast, timeElement, statusBadge, element, ready, apiUrl } = window.ChatFlows;
  const byTestId = id => document.querySelector(`[data-testid="${id}"]`);
  const enc = encodeURIComponent;
  // Uploads are multipart, which the JSON APIs accept only with this header (README §Security).
  const uploadHeader = "X-ChatFlows-Upload";
  const pollMs = 500;

  let bases = [];
  let chosen = new URLSearchParams(location.search).get("base");
  let pollTimer = null;

  function showErrors(form, problem, errorId) {
    for (const field of form.querySelectorAll(".field")) field.classList.remove("invalid");
    const errors = problem?.errors ?? {};
    for (const path of Object.keys(errors)) form.querySelector(`[data-field="${CSS.escape(path)}"]`)?.classList.add("invalid");
    const error = byTestId(errorId);
    error.textContent = problemText(problem, "That did not work.");
    error.hidden = false;
  }

  function clearErrors(form, errorId) {
    for (const field of form.querySelectorAll(".field")) field.classList.remove("invalid");
    const error = byTestId(errorId);
    if (error) error.hidden = true;
  }

  async function loadModels() {
    const answer = await api("GET", "/api/models");
    if (!answer.ok) return;
    const select = byTestId("knowledge-model");
    const fallback = answer.data.items.find(m => m.isDefault);
    select.replaceChildren(
      element("option", { value: "" }, fallback ? `Default profile (${fallback.name})` : "Default profile"),
      ...answer.data.items.map(m => element("option", { value: m.name }, m.name)));
  }

  async function loadBases() {
    const answer = await api("GET", "/api/knowledge");
    if (!answer.ok) {
      toast(problemText(answer.problem, "The knowledge bases could not be loaded."), "error");
      return;
    }
    bases = answer.data.items;
    const body = byTestId("knowledge-list").tBodies[0];
    body.replaceChildren(...bases.map(baseRow));
    byTestId("knowledge-list").hidden = bases.length === 0;
    byTestId("knowledge-empty").hidden = bases.length > 0;
    if (chosen && !bases.some(b => b.id === chosen)) choose(null);
  }

  function baseRow(base) {
    return element("tr", { "data-testid": "knowledge-row", "data-id": base.id, class: base.id === chosen ? "selected" : undefined },
      element("td", {},
        element("button", { type: "button", class: "link-button row-title", "data-testid": "knowledge-open", onclick: () => choose(base.id) }, base.name),
        element("div", { class: "muted row-sub" }, base.id)),
      element("td", {}, base.model ?? element("span", { class: "muted" }, "default")),
      element("td", { "data-testid": "knowledge-documents" }, `${base.ready} of ${base.documents} ready`),
      element("td", {}, base.chunks),
      element("td", { class: "actions" },
        element("button", { type: "button", class: "small danger", "data-testid": "knowledge-delete", onclick: () => deleteBase(base) }, "Delete")));
  }

  async function deleteBase(base) {
    if (!confirm(`Delete the knowledge base ${base.name} (${base.id}) with all its documents? Agents that search it will fail until it is removed from them.`)) return;
    const answer = await api("DELETE", `/api/knowledge/${enc(base.id)}`);
    if (!answer.ok) {
      toast(problemText(answer.problem, "The knowledge base could not be deleted."), "error");
      return;
    }
    toast(`Deleted ${base.id}.`, "success");
    if (chosen === base.id) choose(null);
    await loadBases();
  }

  function choose(id) {
    chosen = id;
    const url = new URL(location.href);
    if (id) url.searchParams.set("base", id);
    else url.searchParams.delete("base");
    history.replaceState(null, "", url);
    for (const row of document.querySelectorAll("[data-testid=knowledge-row]")) row.classList.toggle("selected", row.dataset.id === id);
    byTestId("base-panel").hidden = !id;
    byTestId("search-results").replaceChildren();
    if (id) loadDocuments();
  }

  async function loadDocuments() {
    clearTimeout(pollTimer);
    const id = chosen;
    if (!id) return;
    const answer = await api("GET", `/api/knowledge/${enc(id)}`);
    if (id !== chosen) return;
    if (!answer.ok) {
      toast(problemText(answer.problem, "The knowledge base could not be loaded."), "error");
      return;
    }
    byTestId("base-title").textContent = `${answer.data.name} (${answer.data.id})`;
    const documents = answer.data.documents;
    byTestId("document-list").tBodies[0].replaceChildren(...documents.map(documentRow));
    byTestId("document-list").hidden = documents.length === 0;
    byTestId("document-empty").hidden = documents.length > 0;
    // Progress is read again while anything is indexing; the list of bases shows the counts when it is done.
    if (documents.some(d => d.status === "indexing")) pollTimer = setTimeout(loadDocuments, pollMs);
    else loadBases();
  }

  function documentRow(document) {
    const total = document.chunksTotal || 0;
    const done = document.chunksDone || 0;
    const progress = document.status === "indexing"
      ? [element("span", { "data-testid": "document-progress" }, `${done} / ${total} chunks embedded`),
        element("span", { class: "progress", "aria-hidden": "true" }, element("span", { style: `width: ${total ? Math.round(100 * done / total) : 0}%` }))]
      : element("span", {}, document.chunkCount);
    const source = /^https?:\/\//.test(document.source)
      ? element("a", { href: document.source, rel: "noreferrer", target: "_blank" }, document.source)
      : document.source;
    return element("tr", { "data-testid": "document-row", "data-id": document.id, "data-status": document.status },
      element("td", {}, source, document.error ? element("div", { class: "document-error", "data-testid": "document-error-text" }, document.error) : null),
      element("td", { "data-testid": "document-status" }, statusBadge(document.status)),
      element("td", {}, progress),
      element("td", {}, timeElement(document.updatedAt)),
      element("td", { class: "actions" },
        element("button", { type: "button", class: "small danger", "data-testid": "document-delete", onclick: () => deleteDocument(document) }, "Delete")));
  }

  async function deleteDocument(document) {
    const answer = await api("DELETE", `/api/knowledge/${enc(chosen)}/documents/${enc(document.id)}`);
    if (!answer.ok) {
      toast(problemText(answer.problem, "The document could not be deleted."), "error");
      return;
    }
    toast(`Deleted ${document.source}.`, "success");
    await loadDocuments();
  }

  async function upload(file) {
    const form = new FormData();
    form.append("file", file, file.name);
    try {
      const response = await fetch(apiUrl(`/api/knowledge/${enc(chosen)}/documents`), { method: "POST", headers: { Accept: "application/json", [uploadHeader]: "1" }, body: form });
      const text = await response.text();
      let data = null;
      try { data = text ? JSON.parse(text) : null; } catch { data = text; }
      return { ok: response.ok, problem: response.ok ? null : data };
    } catch (error) {
      return { ok: false, problem: { title: `The server could not be reached (${error.message}).` } };
    }
  }

  byTestId("knowledge-create").addEventListener("submit", async event => {
    event.preventDefault();
    const form = event.currentTarget;
    clearErrors(form, "knowledge-create-error");
    const body = { id: byTestId("knowledge-id").value.trim(), name: byTestId("knowledge-name").value, model: byTestId("knowledge-model").value || null };
    const answer = await api("POST", "/api/knowledge", body);
    if (!answer.ok) {
      showErrors(form, answer.problem, "knowledge-create-error");
      return;
    }
    form.reset();
    toast(`Created ${answer.data.name}.`, "success");
    await loadBases();
    choose(answer.data.id);
  });

  byTestId("document-upload").addEventListener("submit", async event => {
    event.preventDefault();
    const form = event.currentTarget;
    clearErrors(byTestId("document-url"), "document-error");
    const files = [...byTestId("document-file").files];
    if (files.length === 0) {
      showErrors(form, { errors: { file: ["Choose one or more files first."] } }, "document-error");
      return;
    }
    for (const file of files) {
      const answer = await upload(file);
      if (!answer.ok) {
        showErrors(form, answer.problem, "document-error");
        break;
      }
    }
    form.reset();
    await loadDocuments();
  });

  byTestId("document-url").addEventListener("submit", async event => {
    event.preventDefault();
    const form = event.currentTarget;
    clearErrors(form, "document-error");
    const answer = await api("POST", `/api/knowledge/${enc(chosen)}/documents`, { url: byTestId("document-url-input").value.trim() });
    if (!answer.ok) {
      showErrors(form, answer.problem, "document-error");
      return;
    }
    form.reset();
    await loadDocuments();
  });

  byTestId("search-form").addEventListener("submit", async event => {
    event.preventDefault();
    const form = event.currentTarget;
    clearErrors(form, "search-error");
    const answer = await api("POST", `/api/knowledge/${enc(chosen)}/search`, { query: byTestId("search-query").value });
    const results = byTestId("search-results");
    if (!answer.ok) {
      results.replaceChildren();
      showErrors(form, answer.problem, "search-error");
      return;
    }
    results.replaceChildren(...answer.data.results.map(hit => element("li", { "data-testid": "search-result" },
      element("div", { class: "hit-head" }, element("span", { "data-testid": "search-source" }, hit.source), ` · score ${hit.score.toFixed(3)}`),
      element("p", { class: "hit-text", "data-testid": "search-text" }, hit.text))));
    if (answer.data.results.length === 0) results.replaceChildren(element("li", { class: "muted", "data-testid": "search-none" }, "Nothing found; add documents or wait until they are ready."));
  });

  (async () => {
    await Promise.all([loadModels(), loadBases()]);
    choose(chosen && bases.some(b => b.id === chosen) ? chosen : null);
    ready();
  })();
})();
