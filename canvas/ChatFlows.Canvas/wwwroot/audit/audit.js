// The audit log (README §Audit log): filters kept in the URL (/audit?action=workflow.&target=deploy), pages of older
// entries, and "Download CSV" with the same filters. The workspace comes from the page's address (/w/{ws}/audit).
(() => {
  "use strict";

  const { api, problemText, timeElement, element, ready } = window.ChatFlows;
  const byTestId = id => document.querySelector(`[data-testid="${id}"]`);
  const pageSize = 50;
  const workspace = /^\/w\/([^/]+)\//.exec(location.pathname)?.[1];
  const apiBase = workspace ? `/api/w/${encodeURIComponent(workspace)}` : "/api";

  const form = byTestId("audit-filters");
  const more = byTestId("audit-more");
  const fields = ["actor", "action", "target", "from", "to"];

  let entries = [];
  let next = null;
  let generation = 0;

  // The filters as query parameters; dates are whole days in the browser's time zone.
  function query(extra = {}) {
    const parameters = new URLSearchParams();
    for (const name of fields) {
      const value = form.elements[name].value.trim();
      if (!value) continue;
      parameters.set(name, name === "from" || name === "to" ? new Date(`${value}T00:00:00`).toISOString() : value);
    }
    for (const [name, value] of Object.entries(extra)) parameters.set(name, value);
    return parameters;
  }

  function showError(problem) {
    const error = byTestId("audit-error");
    error.textContent = problem ? problemText(problem, "The audit log could not be loaded.") : "";
    error.hidden = !problem;
  }

  async function load() {
    const mine = ++generation;
    const answer = await api("GET", `${apiBase}/audit?${query({ limit: pageSize })}`);
    if (mine !== generation) return;
    showError(answer.ok ? null : answer.problem);
    entries = answer.ok ? answer.data.items : [];
    next = answer.ok ? answer.data.next : null;
    render();
  }

  async function loadOlder() {
    if (!next) return;
    const mine = generation;
    more.disabled = true;
    const answer = await api("GET", `${apiBase}/audit?${query({ limit: pageSize, before: next })}`);
    more.disabled = false;
    if (mine !== generation) return;
    showError(answer.ok ? null : answer.problem);
    if (!answer.ok) return;
    entries = entries.concat(answer.data.items);
    next = answer.data.next;
    render();
  }

  function render() {
    byTestId("audit-list").tBodies[0].replaceChildren(...entries.map(row));
    byTestId("audit-list").hidden = entries.length === 0;
    byTestId("audit-empty").hidden = entries.length > 0;
    more.hidden = !next;
    byTestId("audit-csv").href = `${apiBase}/audit.csv?${query()}`;
  }

  function row(entry) {
    const muted = text => element("span", { class: "muted" }, text);
    return element("tr", { "data-testid": "audit-row", "data-id": String(entry.id), "data-action": entry.action },
      element("td", {}, timeElement(entry.at)),
      element("td", { "data-testid": "audit-actor" }, entry.actor),
      element("td", { "data-testid": "audit-surface" }, entry.surface),
      element("td", { class: "audit-action", "data-testid": "audit-action" }, entry.action),
      element("td", { "data-testid": "audit-target" }, entry.target),
      element("td", { class: "audit-detail", "data-testid": "audit-detail", title: entry.detail ?? "" }, entry.detail ?? muted("—")),
      element("td", {}, entry.address ?? muted("—")));
  }

  function filtersChanged(event) {
    event?.preventDefault();
    const url = new URL(location.href);
    url.search = query().toString();
    // The URL keeps the dates as typed.
    for (const name of ["from", "to"]) if (form.elements[name].value) url.searchParams.set(name, form.elements[name].value);
    history.replaceState(null, "", url.pathname + url.search);
    load();
  }

  async function start() {
    const parameters = new URLSearchParams(location.search);
    for (const name of fields) {
      const value = parameters.get(name);
      if (value === null) continue;
      const input = form.elements[name];
      if (input.tagName === "SELECT" && ![...input.options].some(o => o.value === value)) input.append(element("option", { value }, value));
      input.value = name === "from" || name === "to" ? value.slice(0, 10) : value;
    }
    form.addEventListener("submit", filtersChanged);
    form.elements.action.addEventListener("change", filtersChanged);
    more.addEventListener("click", loadOlder);
    await load();
    ready();
  }

  start();
})();
