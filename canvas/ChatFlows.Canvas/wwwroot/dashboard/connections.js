// The connections table and the connection form (README §Connections): each type's settings, credentials write-only.
// /?connection=new&type=http opens the form from the editor's inspector.
import { byTestId, enc, load, state, subscribe } from "./state.js";
import { busy, clearFieldErrors, openConfirm, showFieldErrors } from "./dialogs.js";

const { api, problemText, toast, element } = window.ChatFlows;

/** Draws the table each time the connections are loaded. */
export function initConnections() {
  subscribe("connections", () => renderConnections());
}

// The form of each type; credentials are write-only: their inputs start empty, and empty keeps the stored value.
const connectionFields = {
  mail: [
    { key: "ImapHost", label: "IMAP host" }, { key: "ImapPort", label: "IMAP port", input: "number" },
    { key: "SmtpHost", label: "SMTP host" }, { key: "SmtpPort", label: "SMTP port", input: "number" },
    { key: "UserName", label: "User name" }, { key: "Password", label: "Password", credential: true },
    { key: "Security", label: "Security", options: ["", "auto", "ssl", "starttls", "none"] }, { key: "From", label: "From address" },
  ],
  database: [
    { key: "Provider", label: "Provider", options: ["sqlite", "postgres"] },
    { key: "ReadOnly", label: "Read only", options: ["", "true", "false"] },
    { key: "ConnectionString", label: "Connection string", credential: true, wide: true },
  ],
  github: [
    { key: "Token", label: "Token", credential: true },
    { key: "ApiBaseUrl", label: "API base URL", placeholder: "https://api.github.com/" },
  ],
  http: [
    { key: "BaseUrl", label: "Base URL", placeholder: "https://api.example.com/v1/", wide: true },
    { key: "Headers", label: "Headers", group: true, wide: true },
  ],
};

function renderConnections() {
  const body = byTestId("connection-list").tBodies[0];
  body.replaceChildren(...state.connections.map(connectionRow));
  byTestId("connection-empty").hidden = state.connections.length > 0;
  byTestId("connection-list").hidden = state.connections.length === 0;
}

function connectionRow(connection) {
  const configured = connection.source !== "stored";
  return element("tr", { "data-testid": "connection-row", "data-id": connection.name },
    element("td", {},
      element("span", { class: "row-title" }, connection.name),
      element("div", { class: "muted row-sub", "data-testid": "connection-source" }, configured ? "from configuration (read-only)" : "saved here")),
    element("td", { "data-testid": "connection-type-cell" }, element("span", { class: "chip" }, connection.type)),
    element("td", { "data-testid": "connection-workflows-cell" }, connection.workflows.length
      ? connection.workflows.map(w => element("span", { class: "chip" }, w === "*" ? "* (all)" : w))
      : element("span", { class: "muted" }, "none")),
    element("td", { "data-testid": "connection-credentials" }, connection.credentials.length
      ? connection.credentials.map(c => element("span", { class: "chip", title: "set (never shown)" }, `${c} ✓`))
      : element("span", { class: "muted" }, "none set")),
    element("td", { class: "actions" }, configured
      ? element("span", { class: "muted small" }, `ChatFlows:Connections:${connection.name}`)
      : [element("button", { type: "button", class: "small", "data-testid": "connection-edit", onclick: () => openConnection(connection) }, "Edit"),
        element("button", { type: "button", class: "small danger", "data-testid": "connection-delete", onclick: () => confirmDeleteConnection(connection) }, "Delete")]));
}

// New when connection is null (of type, when given).
export function openConnection(connection, type_) {
  const dialog = byTestId("connection-dialog");
  const form = dialog.querySelector("form");
  const name = byTestId("connection-name");
  const type = byTestId("connection-type");
  const workflows = byTestId("connection-workflows");
  dialog.querySelector("h2").textContent = connection ? `Edit ${connection.name}` : "New connection";
  name.value = connection?.name ?? "";
  name.readOnly = Boolean(connection);
  type.value = connection?.type ?? (["mail", "database", "github", "http"].includes(type_) ? type_ : "http");
  workflows.value = connection ? connection.workflows.join("\n") : "*";
  const draw = () => renderConnectionSettings(type.value, connection?.type === type.value ? connection : null);
  type.onchange = draw;
  draw();
  clearFieldErrors(form);

  form.onsubmit = async event => {
    event.preventDefault();
    clearFieldErrors(form);
    const wanted = name.value.trim();
    const local = {};
    if (!wanted) local.name = ["Give the connection a name, like orders-api."];
    else if (!connection && state.connections.some(c => c.name === wanted && c.source === "stored")) local.name = [`A connection '${wanted}' already exists; edit it instead.`];
    if (Object.keys(local).length) {
      showFieldErrors(form, { errors: local }, "connection-error");
      return;
    }
    const body = {
      type: type.value,
      workflows: workflows.value.split(/[\n,]/).map(w => w.trim()).filter(Boolean),
      settings: readConnectionSettings(type.value),
    };
    const answer = await busy("connection-save", () => api("PUT", `/api/connections/${enc(wanted)}`, body));
    if (!answer.ok) {
      showFieldErrors(form, answer.problem, "connection-error");
      return;
    }
    dialog.close();
    toast(connection ? `Saved ${wanted}.` : `Created ${wanted}.`, "success");
    await load("connections");
  };
  dialog.showModal();
  (connection ? workflows : name).focus();
}

function renderConnectionSettings(type, connection) {
  const box = byTestId("connection-settings");
  const set = new Set(connection?.credentials ?? []);
  const grid = element("div", { class: "connection-settings-grid" });
  for (const spec of connectionFields[type] ?? []) {
    const testid = `connection-setting-${spec.key}`;
    let input;
    let hint = null;
    if (spec.group) {
      const names = [...set].filter(c => c.startsWith(`${spec.key}:`)).map(c => c.slice(spec.key.length + 1));
      input = element("textarea", { rows: 3, spellcheck: "false", "data-testid": testid, placeholder: "Authorization: Bearer …" });
      hint = names.length
        ? `Set: ${names.join(", ")} (values never shown; left out, they are kept). One "Name: value" a line adds or replaces one; "Name:" with nothing after it removes it.`
        : `One "Name: value" a line, e.g. Authorization: Bearer …; the values are credentials, never shown again.`;
    } else if (spec.options) {
      input = element("select", { "data-testid": testid }, spec.options.map(o => element("option", { value: o }, o || "(default)")));
      input.value = connection?.settings?.[spec.key] ?? spec.options[0];
    } else if (spec.credential) {
      input = element("input", { type: "password", autocomplete: "new-password", "data-testid": testid, placeholder: set.has(spec.key) ? "set — leave empty to keep" : "" });
    } else {
      input = element("input", { type: spec.input ?? "text", autocomplete: "off", spellcheck: "false", "data-testid": testid, placeholder: spec.placeholder ?? "", value: connection?.settings?.[spec.key] ?? "" });
    }
    input.dataset.setting = spec.key;
    const clear = spec.credential && set.has(spec.key)
      ? element("label", { class: "credential-clear" }, element("input", { type: "checkbox", "data-testid": `${testid}-clear`, "data-clear": spec.key }), "clear it")
      : null;
    grid.append(element("label", { class: `field${spec.wide ? " wide" : ""}`, "data-field": `settings.${spec.key}` },
      element("span", {}, spec.label, spec.credential || spec.group ? element("span", { class: "muted" }, " (credential)") : null), input,
      clear, hint ? element("span", { class: "hint" }, hint) : null));
  }
  box.replaceChildren(grid);
}

// Empty settings are sent as "" (unset); an empty credential is left out, so the stored one is kept.
function readConnectionSettings(type) {
  const box = byTestId("connection-settings");
  const settings = {};
  for (const spec of connectionFields[type] ?? []) {
    const input = box.querySelector(`[data-setting="${spec.key}"]`);
    if (spec.group) {
      const headers = {};
      for (const line of input.value.split("\n")) {
        if (!line.trim()) continue;
        const colon = line.indexOf(":");
        // A line without a colon is sent as a name, so the server's sentence about it shows at the field.
        if (colon < 0) headers[line.trim()] = "";
        else headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
      }
      if (Object.keys(headers).length) settings[spec.key] = headers;
    } else if (spec.credential) {
      if (box.querySelector(`[data-clear="${spec.key}"]`)?.checked) settings[spec.key] = "";
      else if (input.value !== "") settings[spec.key] = input.value;
    } else {
      settings[spec.key] = input.value.trim();
    }
  }
  return settings;
}

function confirmDeleteConnection(connection) {
  openConfirm({
    title: `Delete ${connection.name}?`,
    text: `Connection ${connection.name} and its credentials are deleted at once; nodes and agents naming it fail until it exists again.`,
    action: () => api("DELETE", `/api/connections/${enc(connection.name)}`),
    done: async () => {
      toast(`Deleted ${connection.name}.`, "success");
      await load("connections");
    },
  });
}
