// What every part of the editor shares: the page's elements, the node size, and the one state object. It imports
// nothing, so it is ready before any other module's top level runs.

export const root = document.querySelector("[data-testid=editor]");
export const $ = testid => root.querySelector(`[data-testid="${testid}"]`);
export const inspector = $("inspector");
export const canvasEl = $("canvas");

export const NODE_WIDTH = 190;
export const NODE_HEIGHT = 62;

export const state = {
  id: root.dataset.workflowId === "new" ? null : root.dataset.workflowId,
  doc: null,
  savedJson: "",
  undo: [],
  redo: [],
  selection: null, // { node: id } or { edge: key }
  errors: {}, // server problems: path -> messages
  localErrors: {}, // fields whose input could not be read: path -> message
  agents: [],
  connections: [], // GET /api/connections: named credentials (README §Connections), for connection fields
  workflows: [],
  run: null, // { id, status, statuses, detail, source }
  saving: false,
};
