// The run history: filters by workflow and status (kept in the URL, /runs?workflow=X&status=Y), pages of older runs,
// and a refresh that comes sooner while listed runs are still going.
(() => {
  "use strict";

  const { api, problemText, toast, formatDuration, timeElement, statusBadge, element, ready, pageUrl } = window.ChatFlows;
  const byTestId = id => document.querySelector(`[data-testid="${id}"]`);
  const enc = encodeURIComponent;
  const pageSize = 50;

  const workflowFilter = byTestId("filter-workflow");
  const statusFilter = byTestId("filter-status");
  const more = byTestId("run-more");

  let runs = [];
  let next = null;
  let generation = 0;
  let refreshTimer = null;

  function query(extra = {}) {
    const parameters = new URLSearchParams();
    if (workflowFilter.value) parameters.set("workflow", workflowFilter.value);
    if (statusFilter.value) parameters.set("status", statusFilter.value);
    for (const [name, value] of Object.entries(extra)) parameters.set(name, value);
    return parameters;
  }

  // Workflows that keep only failures or nothing (docs/semantics.md §History policies), by id.
  const keepsLess = new Map();
  const historyNotes = {
    errors: "errors only — successful runs are not kept",
    none: "none — ended runs are not kept",
  };

  async function loadWorkflows(wanted) {
    const answer = await api("GET", "/api/workflows");
    const items = answer.ok ? answer.data.items : [];
    for (const w of items) if (historyNotes[w.history]) keepsLess.set(w.id, w);
    const options = items.map(w => element("option", { value: w.id }, w.name === w.id ? w.id : `${w.name} (${w.id})`));
    // A deleted workflow's runs stay; its id can still be filtered on.
    if (wanted && !items.some(w => w.id === wanted)) options.push(element("option", { value: wanted }, `${wanted} (deleted)`));
    workflowFilter.append(...options);
  }

  // The first page again; keeps as many runs as are shown, so a refresh does not take away what "Older runs" added.
  async function load({ keep = false, force = false } = {}) {
    const mine = ++generation;
    const limit = keep ? Math.min(Math.max(runs.length, pageSize), 500) : pageSize;
    const answer = await api("GET", `/api/runs?${query({ limit })}`);
    if (mine !== generation) return;
    if (!answer.ok) {
      toast(problemText(answer.problem, "The runs could not be loaded."), "error");
      return;
    }
    const changed = JSON.stringify(answer.data.items) !== JSON.stringify(runs) || answer.data.next !== next;
    runs = answer.data.items;
    next = answer.data.next;
    // A refresh that changes nothing leaves the table alone, and with it the keyboard focus.
    if (changed || force) render();
    else scheduleRefresh();
  }

  async function loadOlder() {
    if (!next) return;
    const mine = generation;
    more.disabled = true;
    const answer = await api("GET", `/api/runs?${query({ limit: pageSize, before: next })}`);
    more.disabled = false;
    if (mine !== generation) return;
    if (!answer.ok) {
      toast(problemText(answer.problem, "Older runs could not be loaded."), "error");
      return;
    }
    runs = runs.concat(answer.data.items);
    next = answer.data.next;
    render();
  }

  // Says why runs may be missing: for the chosen workflow, or for every workflow listed that keeps fewer runs.
  function showHistoryNote() {
    const note = byTestId("runs-history-note");
    const chosen = workflowFilter.value ? [keepsLess.get(workflowFilter.value)].filter(Boolean) : [...keepsLess.values()];
    note.hidden = chosen.length === 0;
    note.replaceChildren(...chosen.map(w => element("span", { "data-testid": "runs-history-item", "data-workflow": w.id },
      workflowFilter.value ? "" : `${w.name}: `, `History: ${historyNotes[w.history]}.`, " ")));
  }

  function render() {
    showHistoryNote();
    const focusRow = document.activeElement?.closest("[data-testid=run-row]")?.dataset.id;
    const body = byTestId("run-list").tBodies[0];
    body.replaceChildren(...runs.map(runRow));
    if (focusRow) body.querySelector(`tr[data-id="${CSS.escape(focusRow)}"] [data-testid=run-link]`)?.focus();
    byTestId("run-list").hidden = runs.length === 0;
    byTestId("run-empty").hidden = runs.length > 0;
    more.hidden = !next;
    scheduleRefresh();
  }

  function runRow(run) {
    const started = run.startedAt ?? run.createdAt;
    const going = ["queued", "running", "waiting"].includes(run.status);
    const duration = run.durationMs ?? (going && run.startedAt ? Date.now() - Date.parse(run.startedAt) : null);
    return element("tr", { "data-testid": "run-row", "data-id": run.id, "data-status": run.status, "data-workflow": run.workflowId },
      element("td", {}, element("a", { href: pageUrl(`/runs/${enc(run.id)}`), class: "run-id", "data-testid": "run-link", title: run.id }, run.id)),
      element("td", {}, element("a", { href: pageUrl(`/workflows/${enc(run.workflowId)}`) }, run.workflowId), element("span", { class: "muted" }, ` v${run.workflowVersion}`)),
      element("td", {}, statusBadge(run.status)),
      element("td", {}, run.startedBy ?? element("span", { class: "muted" }, "—")),
      element("td", {}, timeElement(started)),
      element("td", {}, duration === null ? "" : `${formatDuration(duration)}${going ? " so far" : ""}`),
      element("td", { class: "run-error-cell" }, run.error ? element("span", { title: run.error.message }, run.error.nodeId ? element("code", {}, run.error.nodeId) : null, " ", run.error.message) : ""));
  }

  // Soon while a listed run is queued or running, at a calmer pace otherwise: new runs (chat, schedules) appear too.
  function scheduleRefresh() {
    clearTimeout(refreshTimer);
    const busy = runs.some(r => r.status === "queued" || r.status === "running");
    const waiting = runs.some(r => r.status === "waiting");
    byTestId("runs-live").hidden = !busy;
    refreshTimer = setTimeout(() => {
      if (document.hidden) scheduleRefresh();
      else load({ keep: true });
    }, busy ? 2000 : waiting ? 4000 : 15000);
  }

  function filtersChanged() {
    const url = new URL(location.href);
    url.search = query().toString();
    history.replaceState(null, "", url.pathname + url.search);
    load({ force: true });
  }

  async function start() {
    const parameters = new URLSearchParams(location.search);
    const wantedWorkflow = parameters.get("workflow") ?? "";
    await loadWorkflows(wantedWorkflow);
    workflowFilter.value = wantedWorkflow;
    const wantedStatus = parameters.get("status") ?? "";
    if ([...statusFilter.options].some(o => o.value === wantedStatus)) statusFilter.value = wantedStatus;
    else toast(`'${wantedStatus}' is not a run status; showing every status.`, "error");
    workflowFilter.addEventListener("change", filtersChanged);
    statusFilter.addEventListener("change", filtersChanged);
    more.addEventListener("click", loadOlder);
    await load({ force: true });
    ready();
  }

  start();
})();
