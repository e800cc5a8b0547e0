// The palette: one item per node kind the server describes (kinds.js), in its order, dragged onto the canvas or added
// after the selected node from the keyboard.

import { $, NODE_WIDTH, NODE_HEIGHT, state } from "./state.js";
import { nodeById, layoutOf, addNode } from "./document.js";
import { types, hasNamedPorts } from "./kinds.js";
import { visibleCentre } from "./viewport.js";
import { focusNode } from "./interaction.js";

const { element: h } = window.ChatFlows;

export function renderPalette() {
  const palette = $("palette");
  for (const type of types) {
    const group = h("div", { class: "palette-group" }, h("h3", {}, type.label));
    for (const kind of type.kinds) {
      const item = h("button", {
        type: "button",
        class: "palette-item",
        draggable: "true",
        title: `${kind.description}${kind.sideEffect ? ` Running it ${kind.sideEffect}.` : ""} Drag onto the canvas, or press Enter to add it after the selected node.`,
        dataset: { testid: "palette-item", type: type.type, kind: kind.kind ?? "" },
        style: `--type-color: ${type.color}`,
      }, h("span", { class: "palette-dot", "aria-hidden": "true" }), kind.label);
      item.addEventListener("dragstart", evt => {
        evt.dataTransfer.setData("application/x-chatflows-node", JSON.stringify({ type: type.type, kind: kind.kind }));
        evt.dataTransfer.effectAllowed = "copy";
      });
      item.addEventListener("click", () => addFromKeyboard(type.type, kind.kind));
      group.append(item);
    }
    palette.append(group);
  }
}

// Without a mouse: the new node goes to the right of the selected one and is connected to it when it can be.
function addFromKeyboard(type, kind) {
  const from = state.selection?.node && nodeById(state.selection.node);
  let point;
  let connectFrom = null;
  if (from) {
    const at = layoutOf(from.id) ?? { x: 0, y: 0 };
    point = { x: at.x + NODE_WIDTH + 80, y: at.y };
    while (Object.values(state.doc.layout ?? {}).some(p => Math.abs(p.x - point.x) < NODE_WIDTH && Math.abs(p.y - point.y) < NODE_HEIGHT)) point.y += NODE_HEIGHT + 30;
    if (!hasNamedPorts(from)) connectFrom = from.id;
  } else {
    const centre = visibleCentre();
    point = { x: Math.round((centre.x - NODE_WIDTH / 2) / 10) * 10, y: Math.round((centre.y - NODE_HEIGHT / 2) / 10) * 10 };
  }
  const id = addNode(type, kind, point, connectFrom);
  focusNode(id);
}
