// The workflow editor (/workflows/{id}): one document drawn with JointJS, edited through the palette, the canvas and
// the inspector, saved with its version, and played with the run's states shown live on the nodes. This entry wires the
// parts together and opens the workflow.
//
// The parts are native ES modules, because they call each other both ways (an edit redraws the graph, a click on the
// graph selects, selecting redraws the inspector): imports name each dependency, where classic scripts would reach
// through a shared namespace on every call. The cycles are safe because no module's top level uses another module's
// exports except state.js's, which imports nothing; listeners are wired and everything else runs from start(). Modules
// run deferred, so the page marks window.editorStarted inline where the editor's single script used to start.

import { root, state } from "./state.js";
import { serialize } from "./document.js";
import { graph, paper } from "./graph.js";
import { fitToView, wireViewport } from "./viewport.js";
import { wireCanvas } from "./interaction.js";
import { renderPalette } from "./palette.js";
import { renderInspector, timeZoneList } from "./inspector.js";
import { showRun, wirePlay } from "./run-view.js";
import { layoutMs, open, loadWorkflowList, wirePersistence } from "./persistence.js";
import { updateToolbar, wireToolbar } from "./toolbar.js";
import { wireKeyboard } from "./keyboard.js";
import { newDocument, templateId } from "../templates/setup.js";

const { api, problemText, toast, ready } = window.ChatFlows;
const started = window.editorStarted;

async function start() {
  // /workflows/new without a template shows the gallery (templates/gallery.js) instead of the editor.
  if (document.body.classList.contains("gallery-open")) return;
  renderPalette();
  timeZoneList();
  wireViewport();
  wireCanvas();
  wireToolbar();
  wirePersistence();
  wirePlay();
  wireKeyboard();
  // The selector's list does not hold up drawing the workflow: on a busy host it is the slowest of the three.
  const listed = loadWorkflowList();
  // Connections only fill the inspector's connection fields: they do not hold up drawing either.
  const connected = api("GET", "/api/connections").then(connections => {
    state.connections = connections.ok ? connections.data.items ?? [] : [];
    if (state.selection?.node) renderInspector();
  });
  const [loaded, agents] = await Promise.all([
    state.id ? api("GET", `/api/workflows/${encodeURIComponent(state.id)}`) : newDocument(root, state).then(doc => ({ ok: true, data: doc })),
    api("GET", "/api/agents"),
  ]);
  const fetched = performance.now();
  state.agents = agents.ok ? agents.data.items ?? [] : [];
  if (!loaded.ok) {
    toast(problemText(loaded.problem, `Workflow '${state.id}' could not be loaded.`), "error");
    state.id = null;
    open({ id: "", version: 0, nodes: [], edges: [], layout: {} });
  } else {
    open(loaded.data);
    // A template opens as a new workflow that is not saved yet.
    if (!state.id && templateId()) {
      state.savedJson = "";
      updateToolbar();
    }
  }
  const drawStart = performance.now();
  const finish = async () => {
    if (graph.getElements().length > 0) fitToView({ readable: true });
    // Loaded, for the person looking at it: the workflow is drawn.
    window.editorDrawMs = performance.now() - drawStart;
    window.editorLoadMs = performance.now() - started;
    window.editorTimings = { fetchMs: fetched - started, openMs: drawStart - fetched, layoutMs, drawMs: window.editorDrawMs };
    window.editorDocument = () => JSON.parse(serialize());
    await Promise.all([listed, connected]);
    ready();
    const run = new URLSearchParams(location.search).get("run");
    if (run && state.id) showRun(run);
  };
  if (graph.getCells().length === 0) {
    paper.unfreeze();
    finish();
  } else {
    paper.once("render:done", finish);
    paper.unfreeze();
  }
}

start();
