// The workflow editor (/workflows/{id}): one document drawn with JointJS, edited through the palette, the canvas and
// the inspector, saved with its version, and played with the run's states shown live on the nodes. This entry loads the
// node kinds, wires the parts together and opens the workflow.
//
// The parts are native ES modules whose dependencies point one way:
//   state.js, events.js     the shared state object and the change events; they import nothing
//   kinds.js                the node kinds the server describes (GET /api/node-kinds)
//   document.js             the store: the document, its edits and undo, the selection and the server's problems; every
//                           change is announced as an event (change, selection, problems, dirty)
//   graph.js, inspector.js, problems.js, toolbar.js, palette.js, run-view.js, setup-needs.js
//                           views: each subscribes to the events and redraws itself; none calls another to redraw it
//   viewport.js, interaction.js, keyboard.js, layout.js, persistence.js
//                           input and I/O: they edit through document.js (and run-view.js keeps state.run, announcing run
//                           and run-status events)
// Other features plug in without touching these: registerInspectorSection and registerFieldControl (inspector.js) add a
// section to the selected node's form or an input for a field type, and addToolbarItem (toolbar.js) adds to the toolbar.
// No module's top level uses another module's exports except state.js's and events.js's; listeners are wired and
// everything else runs from start(). Modules run deferred, so the page marks window.editorStarted inline where the
// editor's single script used to start.

import { root, state } from "./state.js";
import { emit } from "./events.js";
import { loadKinds } from "./kinds.js";
import { serialize, undo, redo, deleteSelection } from "./document.js";
import { graph, paper, wireGraph } from "./graph.js";
import { openView, fitToView, zoomCentre, wireViewport } from "./viewport.js";
import { wireCanvas } from "./interaction.js";
import { renderPalette } from "./palette.js";
import { wireInspector, timeZoneList } from "./inspector.js";
import { wireProblems } from "./problems.js";
import { showRun, play, wirePlay } from "./run-view.js";
import { layoutMs, open, save, loadWorkflowList, wirePersistence } from "./persistence.js";
import { autoLayout } from "./layout.js";
import { wireToolbar } from "./toolbar.js";
import { wireKeyboard } from "./keyboard.js";
import { wireWorkflowTests } from "./workflow-tests.js";
import { wireNodeTest } from "./node-test.js";
import { wireSetupNeeds } from "./setup-needs.js";
import { newDocument, templateId } from "../templates/setup.js";

const { api, problemText, toast, ready } = window.ChatFlows;
const started = window.editorStarted;

async function start() {
  // /workflows/new without a template shows the gallery (templates/gallery.js) instead of the editor.
  if (document.body.classList.contains("gallery-open")) return;
  // Views subscribe first, in drawing order: the graph before the forms that point into it.
  wireGraph();
  wireProblems();
  wireInspector();
  wireToolbar({ undo, redo, autoLayout, fitToView, zoomCentre, deleteSelection, save, play });
  wireWorkflowTests();
  wireNodeTest();
  wireSetupNeeds();
  wirePlay();
  timeZoneList();
  wireViewport();
  wireCanvas();
  wirePersistence();
  wireKeyboard();
  // The selector's list does not hold up drawing the workflow: on a busy host it is the slowest of the three.
  const listed = loadWorkflowList();
  // Connections only fill the inspector's connection fields: they do not hold up drawing either.
  const connected = api("GET", "/api/connections").then(connections => {
    state.connections = connections.ok ? connections.data.items ?? [] : [];
    emit("context");
  });
  const [kinds, loaded, agents] = await Promise.all([
    loadKinds(),
    state.id ? api("GET", `/api/workflows/${encodeURIComponent(state.id)}`) : newDocument(root, state).then(doc => ({ ok: true, data: doc })),
    api("GET", "/api/agents"),
  ]);
  const fetched = performance.now();
  if (!kinds) toast("The node kinds could not be loaded from the server; reload the page.", "error");
  renderPalette();
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
      emit("dirty");
    }
  }
  const drawStart = performance.now();
  const finish = async () => {
    openView();
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
