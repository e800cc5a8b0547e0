// A workflow's history (README §Workflow history): every saved version with who saved it and what it changed, a
// side-by-side diff of any two versions (nodes, edges, config: left the older, right the newer, changes marked), and
// "Restore this version", which saves that version's content as a new version and opens it in the editor.
(() => {
  "use strict";

  const { api, pageUrl, problemText, toast, timeElement, element, ready } = window.ChatFlows;
  const root = document.querySelector("[data-testid=history]");
  const byTestId = id => root.querySelector(`[data-testid="${id}"]`);
  const enc = encodeURIComponent;
  const id = root.dataset.workflowId;
  // Written as /api/… and /workflows/…: the page's workspace is put in front of both (canvas.js).
  const base = `/api/workflows/${enc(id)}`;
  const editorUrl = pageUrl(`/workflows/${enc(id)}`);

  const fromSelect = byTestId("diff-from");
  const toSelect = byTestId("diff-to");
  const dialog = byTestId("restore-dialog");
  let history = null;
  let restoring = null;
  let generation = 0;

  /** `email:ana@corp.example` → `ana@corp.example`; the identity as it is otherwise. */
  function author(savedBy) {
    if (!savedBy) return element("span", { class: "muted" }, "unknown");
    return savedBy.startsWith("email:") ? savedBy.slice("email:".length) : savedBy;
  }

  async function loadVersions() {
    const answer = await api("GET", `${base}/versions`);
    if (!answer.ok) {
      toast(problemText(answer.problem, "The history could not be loaded."), "error");
      return false;
    }
    history = answer.data;
    byTestId("history-deleted").hidden = history.current !== null;
    byTestId("version-list").tBodies[0].replaceChildren(...history.items.map(versionRow));
    const options = () => history.items.map(v => element("option", { value: v.version }, `version ${v.version}${v.current ? " (current)" : ""}`));
    const [from, to] = [fromSelect.value, toSelect.value];
    fromSelect.replaceChildren(...options());
    toSelect.replaceChildren(...options());
    const newest = history.items[0].version;
    const known = v => history.items.some(item => String(item.version) === v);
    toSelect.value = known(to) ? to : String(newest);
    fromSelect.value = known(from) ? from : String(history.items[1]?.version ?? newest);
    return true;
  }

  function versionRow(version) {
    return element("tr", { "data-testid": "version-row", "data-version": version.version, "data-current": String(version.current) },
      element("td", {}, `version ${version.version}`, version.current ? element("span", { class: "chip current", "data-testid": "version-current" }, "current") : null),
      element("td", {}, timeElement(version.savedAt)),
      element("td", { "data-testid": "version-author" }, author(version.savedBy)),
      element("td", { "data-testid": "version-summary" }, version.summary),
      element("td", { class: "actions" },
        element("button", { type: "button", class: "small", "data-testid": "version-changes", onclick: () => showChanges(version.version) }, "Changes"),
        version.current ? null : element("button", { type: "button", class: "small", "data-testid": "version-restore", onclick: () => openRestore(version) }, "Restore this version")));
  }

  // The changes a version made: the version before it against it.
  function showChanges(version) {
    const index = history.items.findIndex(v => v.version === version);
    fromSelect.value = String(history.items[index + 1]?.version ?? version);
    toSelect.value = String(version);
    loadDiff();
  }

  async function loadDiff() {
    const mine = ++generation;
    const [from, to] = [fromSelect.value, toSelect.value];
    const answer = await api("GET", `${base}/versions/${enc(from)}/diff?to=${enc(to)}`);
    if (mine !== generation) return;
    const diffHost = byTestId("diff");
    if (!answer.ok) {
      diffHost.replaceChildren();
      byTestId("diff-summary").textContent = problemText(answer.problem, "The versions could not be compared.");
      return;
    }
    const diff = answer.data;
    byTestId("diff-summary").textContent = `Version ${diff.from} → version ${diff.to}: ${diff.summary}.`;
    diffHost.dataset.from = diff.from;
    diffHost.dataset.to = diff.to;
    diffHost.replaceChildren(diffTable(diff));
  }

  function diffTable(diff) {
    const groups = [];
    if (diff.document.length) groups.push(group("Workflow", null, diff.document.map(f => fieldRow(f, null))));
    for (const node of diff.nodes.changed) {
      groups.push(group(`${node.name} · ${node.type}`, node.id, node.fields.map(f => fieldRow(f, node.id))));
    }
    for (const node of diff.nodes.added) groups.push(group(`${node.name ?? node.id} · added`, node.id, [wholeRow("node", undefined, node, "added", node.id)]));
    for (const node of diff.nodes.removed) groups.push(group(`${node.name ?? node.id} · removed`, node.id, [wholeRow("node", node, undefined, "removed", node.id)]));
    const edges = [
      ...diff.edges.removed.map(e => edgeRow(e, "removed")),
      ...diff.edges.added.map(e => edgeRow(e, "added")),
    ];
    if (edges.length) groups.push(group("Edges", null, edges));
    if (diff.layout.length) groups.push(group("Layout", null, diff.layout.map(f => fieldRow({ ...f, path: `position of ${f.path}` }, null))));
    if (groups.length === 0) {
      return element("p", { class: "empty", "data-testid": "diff-empty" }, "No changes between these versions.");
    }
    return element("table", { class: "diff-table", "data-testid": "diff-table" },
      element("thead", {}, element("tr", {},
        element("th", {}, ""),
        element("th", { "data-testid": "diff-old-title" }, `Version ${diff.from}`),
        element("th", { "data-testid": "diff-new-title" }, `Version ${diff.to}`))),
      ...groups);
  }

  function group(title, nodeId, rows) {
    return element("tbody", { "data-testid": "diff-group", "data-node": nodeId ?? undefined },
      element("tr", { class: "diff-heading" }, element("th", { colspan: 3 }, title)),
      ...rows);
  }

  function fieldRow(field, nodeId) {
    return wholeRow(field.path, field.change === "added" ? undefined : field.old, field.change === "removed" ? undefined : field.new, field.change, nodeId);
  }

  // One row: the path, the older value on the left, the newer on the right; a side without the value shows "—".
  function wholeRow(path, old, now, change, nodeId) {
    return element("tr", { "data-testid": "diff-row", "data-path": path, "data-node": nodeId ?? undefined, "data-change": change, class: `diff-${change}` },
      element("td", { class: "diff-path" }, element("code", {}, path)),
      element("td", { class: "diff-old", "data-testid": "diff-old" }, value(old)),
      element("td", { class: "diff-new", "data-testid": "diff-new" }, value(now)));
  }

  function edgeRow(edge, change) {
    const text = `${edge.from}${edge.port ? ` (${edge.port})` : ""} → ${edge.to}`;
    return element("tr", { "data-testid": "diff-row", "data-path": "edge", "data-change": change, class: `diff-${change}` },
      element("td", { class: "diff-path" }, element("code", {}, "edge")),
      element("td", { class: "diff-old", "data-testid": "diff-old" }, change === "removed" ? text : element("span", { class: "muted" }, "—")),
      element("td", { class: "diff-new", "data-testid": "diff-new" }, change === "added" ? text : element("span", { class: "muted" }, "—")));
  }

  function value(v) {
    if (v === undefined) return element("span", { class: "muted" }, "—");
    if (typeof v === "string") return element("span", { class: "diff-value" }, v);
    return element("pre", { class: "diff-value" }, JSON.stringify(v, null, 2));
  }

  function openRestore(version) {
    restoring = version;
    const next = history.current === null ? "It creates the deleted workflow again" : `It becomes version ${history.current + 1}; version ${history.current} stays in the history`;
    byTestId("restore-message").textContent = `Version ${version.version}, saved ${new Date(version.savedAt).toLocaleString()}. ${next}.`;
    byTestId("restore-error").hidden = true;
    dialog.showModal();
  }

  async function restore(evt) {
    evt.preventDefault();
    const confirm = byTestId("restore-confirm");
    confirm.disabled = true;
    const answer = await api("POST", `${base}/versions/${restoring.version}/restore`, undefined, { ifMatch: history.current });
    confirm.disabled = false;
    if (answer.ok) {
      dialog.close();
      toast(`Version ${restoring.version} restored as version ${answer.data.version}.`, "success");
      location.assign(editorUrl);
      return;
    }
    const error = byTestId("restore-error");
    error.textContent = problemText(answer.problem, "The version could not be restored.");
    error.hidden = false;
    // Someone saved meanwhile: show the history as it is now, so the next try names the right version.
    if (answer.status === 409) await loadVersions();
  }

  fromSelect.addEventListener("change", loadDiff);
  toSelect.addEventListener("change", loadDiff);
  dialog.querySelector("form").addEventListener("submit", restore);
  byTestId("restore-cancel").addEventListener("click", () => dialog.close());

  (async () => {
    if (await loadVersions()) await loadDiff();
    ready();
  })();
})();
