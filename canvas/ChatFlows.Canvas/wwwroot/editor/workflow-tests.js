// The workflow's own tests in the editor (README §Workflow tests): a toolbar item with their status ("Tests: 3 ✓ / 1 ✗")
// that opens a panel listing each test and its mismatches, with "Run tests" and the tests as JSON to edit. Tests run on
// the server, offline with their mocks (POST /api/workflows/{id}/tests), after the workflow is opened or saved, and on
// demand against the unsaved edits.

import { root, state } from "./state.js";
import { on } from "./events.js";
import { change, isDirty } from "./document.js";
import { addToolbarItem } from "./toolbar.js";

const { api, problemText, element: h } = window.ChatFlows;

let button;
let panel;
let lastRunFor = null; // the saved version last tested, so that each open and save runs the tests once
let outcome = null; // { passed, failed, tests } from the server, or { problems } when it refused the document
let running = false;

const testsOf = doc => (Array.isArray(doc?.tests) ? doc.tests : []);

/** Adds the toolbar item and its panel, and runs the tests whenever a version is opened or saved. */
export function wireWorkflowTests() {
  button = addToolbarItem(h("button", { type: "button", class: "small tests-status", dataset: { testid: "tests-status" }, title: "The workflow's tests", onclick: openPanel }, "Tests"));
  on("change", noteSavedVersion);
  on("dirty", noteSavedVersion);
  panel = h("dialog", { class: "tests-panel", dataset: { testid: "tests-panel" }, "aria-label": "Workflow tests" });
  root.append(panel);
}

/** Runs the tests once for each newly opened or saved version. */
function noteSavedVersion() {
  if (!button || !state.doc) return;
  if (state.savedJson !== lastRunFor) {
    lastRunFor = state.savedJson;
    if (testsOf(state.doc).length > 0) runTests();
    else {
      outcome = null;
      render();
    }
  }
}

/** Runs the tests of the document being edited (the saved version when nothing changed). */
export async function runTests() {
  running = true;
  render();
  const body = isDirty() || !state.id ? { document: state.doc } : {};
  const result = await api("POST", `/api/workflows/${encodeURIComponent(state.id ?? "new")}/tests`, body);
  running = false;
  if (result.ok) outcome = result.data;
  else outcome = { problems: result.problem?.errors ?? { "": [problemText(result.problem, "The tests could not be run.")] } };
  render();
}

function label() {
  if (running) return "Tests: running…";
  if (outcome?.problems) return "Tests: ⚠ not valid";
  if (!outcome) return testsOf(state.doc).length === 0 ? "Tests: none" : "Tests";
  return outcome.failed > 0 ? `Tests: ${outcome.passed} ✓ / ${outcome.failed} ✗` : `Tests: ${outcome.passed} ✓`;
}

function render() {
  button.textContent = label();
  button.dataset.status = running ? "running" : outcome?.problems ? "invalid" : !outcome ? "none" : outcome.failed > 0 ? "failed" : "passed";
  if (panel.open) renderPanel();
}

function openPanel() {
  renderPanel();
  panel.showModal();
}

function renderPanel() {
  const results = outcome?.tests ?? [];
  const list = h("ul", { class: "test-results" }, results.map(test =>
    h("li", { class: test.passed ? "passed" : "failed", dataset: { testid: "test-result", name: test.name } },
      h("strong", {}, `${test.passed ? "✓" : "✗"} ${test.name}`),
      h("span", { class: "muted" }, ` — ${test.status}`),
      test.mismatches.length ? h("ul", {}, test.mismatches.map(m => h("li", { dataset: { testid: "test-mismatch" } }, m))) : null)));
  const problems = Object.entries(outcome?.problems ?? {}).flatMap(([path, messages]) =>
    [].concat(messages).map(m => h("li", { dataset: { testid: "tests-problem", path } }, path ? h("code", {}, path) : null, path ? " " : null, m)));
  const json = h("textarea", { rows: 10, spellcheck: "false", dataset: { testid: "tests-json" }, "aria-label": "Tests as JSON" });
  json.value = JSON.stringify(testsOf(state.doc), null, 2);
  const jsonError = h("p", { class: "field-error", dataset: { testid: "tests-json-error" }, hidden: true });
  const apply = () => {
    let tests;
    try {
      tests = JSON.parse(json.value);
    } catch (error) {
      return showError(jsonError, `The tests are not valid JSON: ${error.message}`);
    }
    if (!Array.isArray(tests)) return showError(jsonError, "The tests must be a JSON array: [ { \"name\": …, \"trigger\": …, \"mocks\": …, \"expect\": … } ].");
    change(doc => { if (tests.length > 0) doc.tests = tests; else delete doc.tests; });
    runTests();
  };
  // replaceChildren writes null as text, unlike element().
  panel.replaceChildren(...[
    h("h2", {}, "Workflow tests"),
    h("p", { class: "muted", dataset: { testid: "tests-summary" } },
      running ? "Running…" : outcome?.tests ? `${outcome.passed} passed, ${outcome.failed} failed.` : outcome?.problems ? "The server refused the tests:" : "No results yet."),
    problems.length ? h("ul", { class: "test-problems" }, problems) : null,
    results.length ? list : null,
    h("label", { class: "field" }, h("span", {}, "Tests (JSON: name, trigger, mocks, expect; saved with the workflow)"), json),
    jsonError,
    h("div", { class: "buttons" },
      h("button", { type: "button", dataset: { testid: "tests-close" }, onclick: () => panel.close() }, "Close"),
      h("button", { type: "button", dataset: { testid: "tests-apply" }, onclick: apply }, "Apply and run"),
      h("button", { type: "button", class: "primary", dataset: { testid: "tests-run" }, disabled: running, onclick: runTests }, "Run tests")),
  ].filter(Boolean));
}

function showError(box, text) {
  box.textContent = text;
  box.hidden = false;
}
