// Key/value rows for a `map` field (an object of names → values, such as an HTTP request's headers and query): a row
// per name with add and remove. Values are templates, so each gets the data picker. A row without a name, or with a
// name another row has, is marked at the row and the map is not saved until it is fixed.

import { attachDataPicker } from "./picker.js";

const { element: h } = window.ChatFlows;

/**
 * The rows for `value` (an object). `apply(object | undefined)` saves a valid map; `options`: { testid, nodeId,
 * template (values are templates: attach the picker) }. A value that is not an object of scalars keeps a JSON box.
 */
export function mapControl(spec, value, apply, { testid, nodeId, template }) {
  const box = h("div", { class: "map-field", dataset: { testid } });
  const rows = h("div", { class: "map-rows" });
  // Header names are compared as HTTP compares them, ignoring case.
  const sameName = spec.name === "headers" ? (a, b) => a.toLowerCase() === b.toLowerCase() : (a, b) => a === b;
  const original = value && typeof value === "object" && !Array.isArray(value) ? value : {};

  const read = () => {
    const entries = [...rows.querySelectorAll(".map-row")].map(row => ({
      row,
      name: row.querySelector("[data-testid=map-name]").value.trim(),
      text: row.querySelector("[data-testid=map-value]").value,
    }));
    let valid = true;
    entries.forEach((entry, i) => {
      let error = null;
      if (entry.name === "" && entry.text !== "") error = `Give this ${spec.name === "headers" ? "header" : "value"} a name.`;
      else if (entry.name !== "" && entries.slice(0, i).some(other => sameName(other.name, entry.name))) error = `'${entry.name}' is already set above; each name may appear once.`;
      const shown = entry.row.querySelector("[data-testid=map-row-error]");
      if (error) {
        valid = false;
        entry.row.classList.add("invalid");
        if (shown) shown.textContent = error;
        else entry.row.append(h("p", { class: "field-error", dataset: { testid: "map-row-error" } }, error));
      } else {
        entry.row.classList.remove("invalid");
        shown?.remove();
      }
    });
    if (!valid) return;
    const result = {};
    for (const entry of entries) {
      if (entry.name === "") continue;
      // A query's number or true/false stays one while its text is unchanged.
      const before = original[entry.name];
      result[entry.name] = before !== undefined && typeof before !== "string" && String(before) === entry.text ? before : entry.text;
    }
    apply(Object.keys(result).length ? result : undefined);
  };

  const addRow = (name = "", text = "") => {
    const nameInput = h("input", { type: "text", value: name, placeholder: "Name", "aria-label": "Name", dataset: { testid: "map-name" }, autocomplete: "off", spellcheck: "false" });
    const valueInput = h("input", { type: "text", value: text, placeholder: "Value", "aria-label": `Value of ${name || "the new row"}`, dataset: { testid: "map-value" }, autocomplete: "off", spellcheck: "false" });
    const row = h("div", { class: "map-row", dataset: { testid: "map-row" } },
      nameInput, valueInput, h("span", { class: "map-tools" }),
      h("button", { type: "button", class: "icon-button", "aria-label": `Remove ${name || "this row"}`, dataset: { testid: "map-remove" }, onclick: () => { row.remove(); read(); } }, "×"));
    nameInput.addEventListener("change", read);
    valueInput.addEventListener("change", read);
    if (template) attachDataPicker(row, valueInput, { nodeId, field: `${spec.name}/${name || "_"}`, syntax: "template" });
    rows.append(row);
    return nameInput;
  };

  for (const [name, item] of Object.entries(original)) addRow(name, typeof item === "string" ? item : JSON.stringify(item));
  box.append(rows, h("button", { type: "button", class: "small", dataset: { testid: "map-add" }, onclick: () => addRow().focus() }, spec.name === "headers" ? "Add header" : "Add"));
  return box;
}
