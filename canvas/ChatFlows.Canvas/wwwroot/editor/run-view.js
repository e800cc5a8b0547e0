// Runs on the canvas: playing the workflow, following its run live (server-sent events) as node states, the run bar,
// and the selected node's part in the run (a section of the inspector). It keeps state.run and announces its changes
// (run, run-status events); the graph and the inspector follow them.

import { $, state } from "./state.js";
import { on, emit } from "./events.js";
import { isDirty, nodeById } from "./document.js";
import { kindName } from "./kinds.js";
import { registerInspectorSection, commitActiveField } from "./inspector.js";
import { save } from "./persistence.js";

const { api, problemText, toast, formatDuration, formatTime, statusBadge, element: h, apiUrl, pageUrl } = window.ChatFlows;
const TERMINAL = ["succeeded", "failed", "cancelled", "expired"];

window.editorRunLog = [];

function runPanel(node) {
  if (!state.run) return null;
  const detail = state.run.detail;
  const view = detail?.nodes?.find(n => n.nodeId === node.id);
  const status = state.run.statuses[node.id] ?? view?.status ?? "pending";
  const panel = h("section", { class: "run-panel", dataset: { testid: "node-run-panel", nodeId: node.id, status } },
    h("div", { class: "inspector-head" }, h("h3", {}, "In this run"), statusBadge(status)));
  if (!view) {
    panel.append(h("p", { class: "muted" }, detail ? "This node is not part of the run's workflow version." : "Loading…"));
    return panel;
  }
  const facts = h("dl", { class: "facts" });
  const fact = (label, value) => { if (value !== null && value !== undefined && value !== "") facts.append(h("dt", {}, label), h("dd", {}, value)); };
  fact("Attempts", String(view.attempts ?? 0));
  fact("Started", formatTime(view.startedAt));
  fact("Duration", view.durationMs === null || view.durationMs === undefined ? "" : formatDuration(view.durationMs));
  fact("Port", view.port);
  fact("Wakes", formatTime(view.wakeAt));
  if (view.usage) fact("Tokens", `${view.usage.inputTokens ?? 0} in, ${view.usage.outputTokens ?? 0} out`);
  panel.append(facts);
  if (view.error) panel.append(h("h4", {}, "Error"), h("pre", { class: "error", dataset: { testid: "node-run-error" } }, view.error));
  panel.append(h("h4", {}, "Input"), h("pre", { dataset: { testid: "node-run-input" } }, JSON.stringify(inputOf(node, detail), null, 2)));
  if (view.output !== null && view.output !== undefined) panel.append(h("h4", {}, "Output"), h("pre", { dataset: { testid: "node-run-output" } }, JSON.stringify(view.output, null, 2)));
  if (view.steps?.length) {
    panel.append(h("h4", {}, "Tool steps"), h("ol", { class: "steps", dataset: { testid: "node-run-steps" } },
      view.steps.map(step => h("li", {},
        // A workflow called as a tool ran as a child run (README §Workflows as tools).
        step.runId ? h("a", { href: pageUrl(`/runs/${encodeURIComponent(step.runId)}`), target: "_blank", dataset: { testid: "node-run-step-run" } }, `Open run ${step.runId}`) : null,
        h("pre", {}, JSON.stringify(step, null, 2))))));
  }
  return panel;
}

// What the node saw: the trigger payload and the outputs of the nodes before it.
function inputOf(node, detail) {
  if (node.type === "trigger") return detail.trigger;
  const data = {};
  for (const edge of state.doc.edges.filter(e => e.to === node.id)) {
    const from = nodeById(edge.from);
    const key = from?.output || edge.from;
    if (detail.data && key in detail.data) data[key] = detail.data[key];
  }
  return { trigger: detail.trigger, data };
}

function setStatus(nodeId, status) {
  if (!state.run || !nodeId) return;
  if (state.run.statuses[nodeId] === status) return;
  state.run.statuses[nodeId] = status;
  window.editorRunLog.push({ nodeId, status });
  emit("run-status", { nodeId, status });
}

// The run bar changed, not what a node's form shows.
const barChanged = () => emit("run", { inspector: false });

function renderRunBar() {
  const bar = $("run-bar");
  const run = state.run;
  bar.hidden = !run;
  if (!run) return;
  bar.replaceChildren(...[
    h("span", {}, "Run "), h("a", { href: pageUrl(`/runs/${encodeURIComponent(run.id)}`), dataset: { testid: "run-link" } }, run.id.slice(0, 12)),
    h("span", { dataset: { testid: "run-status", status: run.status } }, statusBadge(run.status)),
    run.detail?.durationMs ? h("span", { class: "muted" }, formatDuration(run.detail.durationMs)) : null,
    run.detail?.error ? h("span", { class: "field-error" }, typeof run.detail.error === "string" ? run.detail.error : `${run.detail.error.nodeId ?? ""}: ${run.detail.error.message ?? ""}`) : null,
    h("span", { class: "toolbar-gap" }),
    !TERMINAL.includes(run.status) ? h("button", { type: "button", class: "small", dataset: { testid: "run-cancel" }, onclick: cancelRun }, "Cancel run") : null,
    h("button", { type: "button", class: "small", dataset: { testid: "run-close" }, onclick: closeRun }, "Close run view"),
  ].filter(Boolean));
}

async function cancelRun() {
  const result = await api("POST", `/api/runs/${encodeURIComponent(state.run.id)}/cancel`);
  if (!result.ok) toast(problemText(result.problem, "The run could not be cancelled."), "error");
}

function closeRun() {
  state.run?.source?.close();
  state.run = null;
  clearTimeout(detailTimer);
  const url = new URL(location.href);
  url.searchParams.delete("run");
  history.replaceState(null, "", url);
  emit("run");
}

export async function showRun(runId) {
  state.run?.source?.close();
  state.run = { id: runId, status: "queued", statuses: {}, detail: null, source: null };
  window.editorRunLog = [];
  const url = new URL(location.href);
  url.searchParams.set("run", runId);
  history.replaceState(null, "", url);
  emit("run");

  const result = await api("GET", `/api/runs/${encodeURIComponent(runId)}`);
  if (state.run?.id !== runId) return;
  if (!result.ok) {
    // A run that ended may already be forgotten by the workflow's history policy (docs/semantics.md §History policies).
    const forgotten = result.status === 404 && (state.doc.history === "errors" || state.doc.history === "none");
    toast(forgotten
      ? `Run ${runId} ended and was not kept: this workflow's History is ${state.doc.history === "none" ? "No runs" : "Failures only"}. Choose Every run to follow runs here.`
      : problemText(result.problem, `Run ${runId} could not be loaded.`), "error");
    closeRun();
    return;
  }
  if (TERMINAL.includes(result.data.status)) {
    applyDetail(result.data);
    return;
  }
  // The event stream replays what happened so far, in order, then follows the run live.
  state.run.detail = result.data;
  state.run.status = result.data.status;
  barChanged();
  watch(runId);
}

function applyDetail(detail) {
  if (!state.run || state.run.id !== detail.id) return;
  state.run.detail = detail;
  state.run.status = detail.status;
  // While the run goes on its events set the states; a snapshot could be older than the last event.
  if (TERMINAL.includes(detail.status)) for (const node of detail.nodes ?? []) setStatus(node.nodeId, node.status);
  emit("run");
}

function watch(runId) {
  const source = new EventSource(apiUrl(`/api/runs/${encodeURIComponent(runId)}/events`));
  state.run.source = source;
  const listen = (name, handle) => source.addEventListener(name, evt => {
    if (state.run?.id !== runId) return;
    let data;
    try { data = JSON.parse(evt.data); } catch { return; }
    handle(data);
  });
  listen("run.started", () => { state.run.status = "running"; barChanged(); });
  listen("node.started", d => setStatus(d.nodeId, "running"));
  listen("node.finished", d => { setStatus(d.nodeId, d.status || "succeeded"); scheduleDetail(); });
  listen("node.failed", d => { setStatus(d.nodeId, d.willRetry ? "running" : "failed"); scheduleDetail(); });
  listen("run.waiting", d => {
    if (d.nodeId) setStatus(d.nodeId, "waiting");
    state.run.status = "waiting";
    barChanged();
    scheduleDetail();
  });
  listen("run.finished", d => {
    source.close();
    state.run.status = d.status ?? state.run.status;
    barChanged();
    refreshRunDetail();
  });
}

let detailTimer = 0;
function scheduleDetail() {
  if (!state.selection?.node) return;
  clearTimeout(detailTimer);
  detailTimer = setTimeout(refreshRunDetail, 300);
}

async function refreshRunDetail() {
  const run = state.run;
  if (!run) return;
  const result = await api("GET", `/api/runs/${encodeURIComponent(run.id)}`);
  if (result.ok) applyDetail(result.data);
}

// ---- play --------------------------------------------------------------------------------------------------------

export async function play() {
  commitActiveField();
  if (!state.id || isDirty()) {
    if (!(await save())) return;
  }
  const dialog = $("play-dialog");
  const triggers = state.doc.nodes.filter(n => n.type === "trigger");
  const select = $("play-trigger");
  select.replaceChildren(h("option", { value: "" }, "Default (manual trigger, or the first)"), ...triggers.map(t => h("option", { value: t.id }, `${t.id} (${kindName(t) ?? "?"})`)));
  $("play-trigger-field").hidden = triggers.length < 2;
  $("play-error").hidden = true;
  dialog.showModal();
  $("play-payload").focus();
}

async function startRun(evt) {
  evt.preventDefault();
  const error = $("play-error");
  let payload;
  try {
    payload = JSON.parse($("play-payload").value || "{}");
  } catch (e) {
    error.textContent = `The payload is not valid JSON: ${e.message}`;
    error.hidden = false;
    return;
  }
  if (payload === null || typeof payload !== "object" || Array.isArray(payload)) {
    error.textContent = "The payload must be a JSON object, like {\"service\": \"api\"}.";
    error.hidden = false;
    return;
  }
  const trigger = $("play-trigger").value;
  const url = `/api/workflows/${encodeURIComponent(state.id)}/runs${trigger ? `?trigger=${encodeURIComponent(trigger)}` : ""}`;
  const result = await api("POST", url, payload);
  if (!result.ok) {
    error.textContent = problemText(result.problem, "The run could not start.");
    error.hidden = false;
    return;
  }
  $("play-dialog").close();
  showRun(result.data.runId);
}

export function wirePlay() {
  $("play-cancel").addEventListener("click", () => $("play-dialog").close());
  $("play-dialog").addEventListener("submit", startRun);
  registerInspectorSection(runPanel, { position: "top" });
  on("run", renderRunBar);
  on("selection", () => { if (state.selection?.node && state.run) refreshRunDetail(); });
}
