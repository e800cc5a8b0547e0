// "Test this node" in the inspector (README §Test a node): runs the selected node alone on the server, with the last
// run's inputs, the sample data pinned in the workflow, or JSON the person edits, and shows its output, port and
// duration or its error. A node that acts outside the run is run only after the person confirms what it does. "Pin as
// sample" keeps an output (a trigger's input, for a trigger) in the document's `pinned`, saved like any other edit.

import { state } from "./state.js";
import { change } from "./document.js";
import { registerInspectorSection } from "./inspector.js";

const { api, problemText, formatDuration, element: h } = window.ChatFlows;

// Per node: the chosen source, the edited inputs and the last answer, kept while the inspector redraws.
const tests = new Map();

function testOf(nodeId) {
  if (!tests.has(nodeId)) tests.set(nodeId, { source: state.doc.pinned ? "pinned" : "lastRun", custom: '{\n  "trigger": {},\n  "data": {}\n}', result: null, busy: false });
  return tests.get(nodeId);
}

/** Adds the section to the bottom of every node's form. */
export function wireNodeTest() {
  registerInspectorSection(nodeTestPanel);
}

function nodeTestPanel(node) {
  const test = testOf(node.id);
  const panel = h("details", { class: "inspector-section node-test", open: test.result !== null || test.open, dataset: { testid: "node-test", nodeId: node.id } });
  panel.addEventListener("toggle", () => { test.open = panel.open; });
  panel.append(h("summary", {}, "Test this node"));

  const source = h("select", { dataset: { testid: "node-test-source" } },
    h("option", { value: "lastRun" }, "Inputs of the last run"),
    h("option", { value: "pinned" }, "Pinned sample data"),
    h("option", { value: "custom" }, "Edit the inputs (JSON)"));
  source.value = test.source;
  const custom = h("textarea", { rows: 5, class: "json", spellcheck: "false", dataset: { testid: "node-test-input" }, hidden: test.source !== "custom" }, test.custom);
  custom.addEventListener("change", () => { test.custom = custom.value; });
  source.addEventListener("change", () => {
    test.source = source.value;
    custom.hidden = source.value !== "custom";
  });
  const run = h("button", { type: "button", class: "small", dataset: { testid: "node-test-run" }, disabled: test.busy }, test.busy ? "Testing…" : "Test node");
  run.addEventListener("click", () => runTest(node.id, test));
  panel.append(h("label", { class: "field" }, h("span", {}, "Inputs"), source), custom, h("div", { class: "row" }, run));
  panel.append(resultView(node, test));
  return panel;
}

async function runTest(nodeId, test, confirmed = false) {
  const body = { source: test.source, document: state.doc, confirm: confirmed };
  if (test.source === "custom") {
    let inputs;
    try { inputs = JSON.parse(test.custom); } catch (error) {
      show(nodeId, test, { problem: `The inputs are not valid JSON: ${error.message}` });
      return;
    }
    body.trigger = inputs?.trigger ?? {};
    body.data = inputs?.data ?? {};
  }
  test.busy = true;
  redraw(nodeId);
  const workflowId = state.id ?? (state.doc.id || "new");
  const answer = await api("POST", `/api/workflows/${encodeURIComponent(workflowId)}/nodes/${encodeURIComponent(nodeId)}/test`, body);
  test.busy = false;
  if (answer.status === 409 && answer.problem?.sideEffect && !confirmed) {
    // The server names what the node does outside the run; nothing has been done yet.
    if (window.confirm(answer.problem.detail?.replace(/ Send confirm: true to run it\.$/, "") ?? "Test it for real?")) {
      await runTest(nodeId, test, true);
      return;
    }
    show(nodeId, test, { problem: "Not tested: the node was not confirmed." });
    return;
  }
  show(nodeId, test, answer.ok ? { data: answer.data } : { problem: problemText(answer.problem, "The node could not be tested.") });
}

function show(nodeId, test, result) {
  test.result = result;
  redraw(nodeId);
}

// The inspector may have been redrawn meanwhile: the panel on the page now is the one to replace.
function redraw(nodeId) {
  const node = state.doc.nodes.find(n => n.id === nodeId);
  const current = document.querySelector(`[data-testid="node-test"][data-node-id="${CSS.escape(nodeId)}"]`);
  if (node && current) current.replaceWith(nodeTestPanel(node));
}

function resultView(node, test) {
  const view = h("div", { class: "node-test-result", dataset: { testid: "node-test-result" } });
  const result = test.result;
  if (!result) return view;
  if (result.problem) {
    view.append(h("p", { class: "field-error", dataset: { testid: "node-test-problem" } }, result.problem));
    return view;
  }
  const data = result.data;
  view.dataset.status = data.status;
  const facts = [data.status, data.port ? `port ${data.port}` : null, formatDuration(data.durationMs)].filter(Boolean).join(" · ");
  view.append(h("p", { class: "muted", dataset: { testid: "node-test-facts" } }, facts));
  if (data.error) view.append(h("pre", { class: "error", dataset: { testid: "node-test-error" } }, data.error));
  if (data.status === "waiting") view.append(h("p", { class: "muted" }, `Would wait for ${data.waitsOn === "approval" ? "a person to decide" : data.waitsOn}; nothing was posted.`));
  if (data.output !== null && data.output !== undefined) view.append(h("pre", { dataset: { testid: "node-test-output" } }, JSON.stringify(data.output, null, 2)));
  const sample = node.type === "trigger" ? data.trigger : data.output;
  if (sample !== null && sample !== undefined && !data.error) {
    view.append(h("button", { type: "button", class: "small", dataset: { testid: "node-test-pin" }, onclick: () => pin(node, sample) },
      node.type === "trigger" ? "Pin this input as sample" : "Pin as sample"));
  }
  return view;
}

// Saved with the workflow (never with runs), as { trigger, nodes: { id: output } }.
function pin(node, sample) {
  change(doc => {
    const pinned = doc.pinned && typeof doc.pinned === "object" ? doc.pinned : {};
    if (node.type === "trigger") pinned.trigger = sample;
    else pinned.nodes = { ...(pinned.nodes ?? {}), [node.id]: sample };
    doc.pinned = pinned;
  });
}
