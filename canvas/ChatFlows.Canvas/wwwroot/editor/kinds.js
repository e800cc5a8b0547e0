// The node kinds, as the server describes them (GET /api/node-kinds, README §Node kinds): what the palette lists, the
// config a new node starts with, the ports it has and the fields its inspector form shows. Config fields a kind does
// not describe are kept untouched. Loaded once before the editor draws anything.

const { api } = window.ChatFlows;

/** Types in palette order, each with its kinds: { type, label, color, kindField, kinds: [{ kind, label, ports, fields, … }] }. */
export const types = [];
const byType = {};
let errorPort = "error";

/** Fetches the kinds; false when the server could not be asked. */
export async function loadKinds() {
  const result = await api("GET", "/api/node-kinds");
  if (!result.ok) return false;
  errorPort = result.data.errorPort ?? errorPort;
  types.length = 0;
  for (const info of result.data.types) {
    const entry = { ...info, kinds: result.data.items.filter(k => k.type === info.type) };
    types.push(entry);
    byType[info.type] = entry;
  }
  return true;
}

/** The type entry of a node, or null for an unknown type. */
export function typeOf(node) {
  return byType[node?.type] ?? null;
}

/** The kind of a node: config.kind for triggers and outputs, config.tool for tools, null otherwise. */
export function kindName(node) {
  const type = typeOf(node);
  if (!type?.kindField) return null;
  const value = node.config?.[type.kindField];
  return typeof value === "string" ? value : null;
}

/** The kind entry of a node, or null when its kind is unknown. */
export function kindOf(node) {
  const type = typeOf(node);
  if (!type) return null;
  if (!type.kindField) return type.kinds[0] ?? null;
  return type.kinds.find(k => k.kind === kindName(node)) ?? null;
}

/** The kind entry for a type and kind (null kind: the type's only one). */
function kindEntry(type, kind) {
  const entry = byType[type];
  return entry?.kinds.find(k => k.kind === (kind ?? null)) ?? entry?.kinds[0] ?? null;
}

/** A new node's config, with the kind field first as the documents write it. */
export function newConfig(type, kind) {
  return structuredClone(kindEntry(type, kind)?.defaultConfig ?? {});
}

/** True when the node's kind has named ports only (condition, approval): no default output port. */
export function hasNamedPorts(node) {
  return (kindOf(node)?.ports?.length ?? 0) > 0;
}

/** The node's named output ports (true/false, approved/…), plus error when it routes its failures. */
export function outputPorts(node) {
  const ports = [...(kindOf(node)?.ports ?? [])];
  if (node.onError === "route") ports.push(errorPort);
  return ports;
}
