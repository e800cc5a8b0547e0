// The workflows table: each workflow's triggers, next scheduled time, last run and what it needs before it can run,
// with Play, Duplicate, Export and Delete. Redrawn when the workflows are loaded; looks again while a run is going.
import { byTestId, enc, freeId, load, state, subscribe } from "./state.js";
import { busy, hideError, openConfirm, showProblem } from "./dialogs.js";

const { api, problemText, toast, timeElement, statusBadge, element, pageUrl } = window.ChatFlows;
let refreshTimer = null;

/** Draws the table on every change and keeps it fresh. */
export function initWorkflows() {
  subscribe("workflows", changed => {
    if (changed) renderWorkflows();
    scheduleRefresh();
  });
}

// A run started from chat or a schedule shows up here too; while a listed run is going, look again soon.
function scheduleRefresh() {
  clearTimeout(refreshTimer);
  const going = state.workflows.some(w => w.lastRun && (w.lastRun.status === "queued" || w.lastRun.status === "running"));
  refreshTimer = setTimeout(() => { if (!document.hidden) load("workflows"); else scheduleRefresh(); }, going ? 3000 : 15000);
}

function renderWorkflows() {
  const body = byTestId("workflow-list").tBodies[0];
  // The rows are built anew: whoever was on a row's button stays on it.
  const focused = document.activeElement?.closest("[data-testid=workflow-row]") ? document.activeElement : null;
  const focusRow = focused?.closest("tr").dataset.id;
  const focusTestId = focused?.dataset.testid;
  body.replaceChildren(...state.workflows.map(workflowRow));
  if (focusRow && focusTestId) body.querySelector(`tr[data-id="${CSS.escape(focusRow)}"] [data-testid="${focusTestId}"]`)?.focus();
  byTestId("workflow-empty").hidden = state.workflows.length > 0;
  byTestId("workflow-list").hidden = state.workflows.length === 0;
}

function workflowRow(workflow) {
  const last = workflow.lastRun;
  const lastAt = last ? last.finishedAt ?? last.startedAt ?? last.createdAt : null;
  return element("tr", { "data-testid": "workflow-row", "data-id": workflow.id },
    element("td", {},
      element("a", { href: pageUrl(`/workflows/${enc(workflow.id)}`), class: "row-title", "data-testid": "workflow-edit", title: workflow.description ?? undefined }, workflow.name),
      element("div", { class: "muted row-sub", title: workflow.id }, workflow.id),
      setupNeeds(workflow)),
    element("td", { "data-testid": "workflow-triggers" }, workflow.triggers.length ? workflow.triggers.map(triggerChip) : element("span", { class: "muted" }, "none")),
    element("td", { "data-testid": "workflow-next" },
      workflow.nextRunAt
        ? timeElement(workflow.nextRunAt)
        : element("span", { class: "muted" }, "—")),
    element("td", { "data-testid": "workflow-last" },
      last
        ? element("a", { href: pageUrl(`/runs/${enc(last.id)}`), class: "last-run", "data-testid": "workflow-last-run", "data-status": last.status },
          statusBadge(last.status), " ", timeElement(lastAt))
        : element("span", { class: "muted" }, "never run"),
      historyNote(workflow)),
    element("td", { class: "actions" },
      element("button", { type: "button", class: "small primary", "data-testid": "workflow-play", title: `Start ${workflow.name}`, disabled: workflow.triggers.length === 0, onclick: () => openPlay(workflow) }, "▶ Play"),
      element("a", { href: pageUrl(`/runs?workflow=${enc(workflow.id)}`), class: "button small", "data-testid": "workflow-runs" }, "Runs"),
      element("a", { href: pageUrl(`/workflows/${enc(workflow.id)}/history`), class: "button small", "data-testid": "workflow-history" }, "History"),
      element("button", { type: "button", class: "small", "data-testid": "workflow-duplicate", onclick: () => openDuplicate(workflow) }, "Duplicate"),
      element("button", { type: "button", class: "small", "data-testid": "workflow-export", onclick: () => exportWorkflow(workflow) }, "Export"),
      element("button", { type: "button", class: "small danger", "data-testid": "workflow-delete", onclick: () => confirmDeleteWorkflow(workflow) }, "Delete")));
}

// Why a workflow's successful runs (or all its runs) are missing from its history (docs/semantics.md §History policies).
const historyNotes = {
  errors: "History: errors only — successful runs are not kept.",
  none: "History: none — ended runs are not kept.",
};

function historyNote(workflow) {
  const note = historyNotes[workflow.history];
  return note ? element("div", { class: "muted row-note", "data-testid": "workflow-history-note" }, note) : null;
}

// "Needs set-up": what the workflow needs before it can run (an agent, a model profile, a secret, a connection),
// each with where to set it; the server decides, the page only shows it (README §Workflows that need set-up).
function setupNeeds(workflow) {
  const needs = workflow.setup ?? [];
  if (needs.length === 0) return null;
  const summary = needs.map(n => `${n.path}: ${n.message}`).join("\n");
  return element("details", { class: "setup-needs", "data-testid": "workflow-setup" },
    element("summary", { class: "setup-badge", title: summary, "data-testid": "workflow-setup-badge" }, `Needs set-up (${needs.length})`),
    element("ul", {}, needs.map(need => element("li", { "data-testid": "workflow-setup-item", "data-path": need.path },
      element("code", {}, need.path.replace(/^nodes\//, "")), " ", need.message, " ", setupLink(workflow, need)))));
}

function setupLink(workflow, need) {
  if (/\/config\/connection$/.test(need.path)) return element("a", { href: "#connections-title", "data-testid": "workflow-setup-fix" }, "Connections");
  if (/\/config\/agent$/.test(need.path)) return element("a", { href: "#agents-title", "data-testid": "workflow-setup-fix" }, "Agents");
  return null; // a secret: the message says where to set it
}

function triggerChip(trigger) {
  let text = trigger.kind ?? "trigger";
  if (trigger.kind === "command" && trigger.command) text = `/run ${trigger.command}`;
  if (trigger.kind === "schedule" && trigger.cron) text = `⏰ ${trigger.cron}${trigger.timeZone ? ` (${trigger.timeZone})` : ""}`;
  return element("span", { class: "chip", "data-kind": trigger.kind ?? "", title: `trigger ${trigger.id}` }, text);
}

// Play: pick the trigger, give the payload, start, and watch the run on the canvas.
function openPlay(workflow) {
  const dialog = byTestId("play-dialog");
  const select = byTestId("play-trigger");
  const payload = byTestId("play-payload");
  dialog.querySelector("h2").textContent = `Play ${workflow.name}`;
  select.replaceChildren(...workflow.triggers.map(t => element("option", { value: t.id }, `${t.id} (${t.kind ?? "trigger"})`)));
  const preferred = workflow.triggers.find(t => t.kind === "manual") ?? workflow.triggers[0];
  if (preferred) select.value = preferred.id;
  const template = () => workflow.triggers.find(t => t.id === select.value)?.kind === "command" ? '{\n  "args": {}\n}' : "{}";
  payload.value = template();
  let touched = false;
  payload.oninput = () => { touched = true; };
  select.onchange = () => { if (!touched) payload.value = template(); };
  hideError("play-error");

  dialog.querySelector("form").onsubmit = async event => {
    event.preventDefault();
    const text = payload.value.trim() || "{}";
    const answer = await busy("play-start", () =>
      api("POST", `/api/workflows/${enc(workflow.id)}/runs?trigger=${enc(select.value)}`, text, { raw: true }));
    if (!answer.ok) {
      showProblem("play-error", answer.problem, "The run could not start.");
      return;
    }
    dialog.close();
    location.href = pageUrl(`/workflows/${enc(workflow.id)}?run=${enc(answer.data.runId)}`);
  };
  dialog.showModal();
  payload.focus();
}

function openDuplicate(workflow) {
  const dialog = byTestId("duplicate-dialog");
  const id = byTestId("duplicate-id");
  const name = byTestId("duplicate-name");
  dialog.querySelector("h2").textContent = `Duplicate ${workflow.name}`;
  id.value = freeId(`${workflow.id}-copy`);
  name.value = `${workflow.name} (copy)`;
  hideError("duplicate-error");

  dialog.querySelector("form").onsubmit = async event => {
    event.preventDefault();
    const answer = await busy("duplicate-save", async () => {
      const original = await api("GET", `/api/workflows/${enc(workflow.id)}`);
      if (!original.ok) return original;
      const copy = { ...original.data, id: id.value.trim(), name: name.value.trim() || undefined };
      delete copy.version;
      return api("POST", "/api/workflows", copy);
    });
    if (!answer.ok) {
      showProblem("duplicate-error", answer.problem, "The workflow could not be duplicated.");
      return;
    }
    dialog.close();
    toast(`Duplicated as ${answer.data.id}.`, "success");
    await load("workflows");
  };
  dialog.showModal();
  id.select();
}

// The document as stored, without the server's version counter: importing it anywhere starts a history of its own.
async function exportWorkflow(workflow) {
  const answer = await api("GET", `/api/workflows/${enc(workflow.id)}`);
  if (!answer.ok) {
    toast(problemText(answer.problem, `Workflow ${workflow.id} could not be exported.`), "error");
    return;
  }
  const document_ = { ...answer.data };
  delete document_.version;
  const blob = new Blob([JSON.stringify(document_, null, 2) + "\n"], { type: "application/json" });
  const url = URL.createObjectURL(blob);
  const link = element("a", { href: url, download: `${workflow.id}.json`, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function confirmDeleteWorkflow(workflow) {
  openConfirm({
    title: `Delete ${workflow.name}?`,
    text: `Workflow ${workflow.id} and its triggers stop at once; its runs stay in the history, pinned to their version.`,
    action: () => api("DELETE", `/api/workflows/${enc(workflow.id)}`, undefined, { ifMatch: workflow.version }),
    done: async () => {
      toast(`Deleted ${workflow.id}.`, "success");
      await load("workflows");
    },
  });
}
