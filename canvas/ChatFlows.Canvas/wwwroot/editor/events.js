// The editor's change events: the document and the editor's state announce what changed, and the views subscribe and
// redraw themselves. No view calls another to redraw it, so the views depend on the document, never on each other.
// It imports nothing, so it is ready before any other module's top level runs.
//
// Events and their detail:
//   change     the document changed: { added, removed, changed: node ids, edges: bool, inspector: bool (redraw the
//              form; false while a field is being typed in), cause: "edit" | "undo" | "redo" | "open" | "saved" }
//   selection  state.selection changed
//   problems   state.errors changed: { inspector: bool }
//   dirty      the undo history, the unsaved state or a save in progress changed (what the toolbar shows)
//   run        state.run started, changed or closed (its status, detail or bar)
//   run-status one node's state in the run: { nodeId, status }
//   context    agents, connections or workflows the forms offer were loaded

const listeners = new Map();

/** Calls fn(detail) on every event of that name; returns a function that unsubscribes. */
export function on(name, fn) {
  if (!listeners.has(name)) listeners.set(name, []);
  listeners.get(name).push(fn);
  return () => listeners.set(name, listeners.get(name).filter(f => f !== fn));
}

/** Tells every subscriber, in the order they subscribed. */
export function emit(name, detail = {}) {
  for (const fn of listeners.get(name) ?? []) fn(detail);
}
