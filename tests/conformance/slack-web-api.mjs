// Slack Web API calls and response URL messages against Slack's own descriptions: each Web API method's parameters
// in the OpenAPI spec tests/specs/slack/slack_web_openapi_v2.json (slackapi/slack-api-specs, MIT).
import { readFileSync } from "node:fs";

const spec = JSON.parse(readFileSync(new URL("../specs/slack/slack_web_openapi_v2.json", import.meta.url), "utf8"));

// Arguments Slack documents today that the 2021 spec predates. Each is listed with its method, its type and the page
// that documents it; anything else the spec does not name is a violation.
const documentedSince = {
  // https://docs.slack.dev/reference/methods/chat.postMessage#arguments ("metadata": JSON object with event_type and event_payload)
  "chat.postMessage": { metadata: "object" },
  // https://docs.slack.dev/reference/methods/chat.update#arguments ("metadata")
  "chat.update": { metadata: "object" },
  // https://docs.slack.dev/reference/methods/chat.postEphemeral#arguments has no metadata: nothing added.
  // https://docs.slack.dev/reference/methods/conversations.history#arguments ("include_all_metadata": boolean)
  "conversations.history": { include_all_metadata: "boolean" },
  // https://docs.slack.dev/reference/methods/conversations.replies#arguments ("include_all_metadata": boolean)
  "conversations.replies": { include_all_metadata: "boolean" },
};

// What a message posted to a response URL may carry:
// https://docs.slack.dev/interactivity/handling-user-interaction#message_responses
const responseUrlFields = {
  text: "string",
  blocks: "array",
  attachments: "array",
  thread_ts: "string",
  mrkdwn: "boolean",
  response_type: ["in_channel", "ephemeral"],
  replace_original: "boolean",
  delete_original: "boolean",
};

const jsonOf = (value) => (Array.isArray(value) ? "array" : value === null ? "null" : typeof value);

// The spec types arguments as form fields; a JSON body carries the same values as JSON. A form "string" described
// as "A JSON-based array" (blocks, attachments) is an array in a JSON body, and may still be the encoded string.
// Arguments of read methods travel in the query string (GET), where every value is text: "true", "100".
function acceptsText(type, value) {
  switch (type) {
    case "boolean":
      return ["true", "false", "1", "0"].includes(value);
    case "integer":
      return /^-?\d+$/.test(value);
    case "number":
      return value.trim() !== "" && Number.isFinite(Number(value));
    default:
      return true;
  }
}

function accepts(parameter, value) {
  if (parameter.in === "query" && typeof value === "string") return acceptsText(parameter.type, value);
  const kind = jsonOf(value);
  switch (parameter.type) {
    case "string":
      if (/JSON/.test(parameter.description ?? "")) return kind === "string" || kind === "array" || kind === "object";
      return kind === "string";
    case "boolean":
      return kind === "boolean";
    case "integer":
      return kind === "number" && Number.isInteger(value);
    case "number":
      return kind === "number";
    default:
      return true;
  }
}

export function operationOf(method, httpMethod) {
  const path = spec.paths[`/${method}`];
  if (!path) return null;
  return path[httpMethod.toLowerCase()] ?? Object.values(path)[0];
}

/** Checks one recorded Slack payload; reports (jsonPath, message) for each violation. */
export function checkSlackCall(payload, report) {
  const body = payload.body;
  if (jsonOf(body) !== "object") return report("$", `the body is ${jsonOf(body)}, not a JSON object`);
  if (payload.method === "response_url") {
    for (const [name, value] of Object.entries(body)) {
      const expected = responseUrlFields[name];
      if (!expected) report(`$.${name}`, `unknown field "${name}" of a response URL message`);
      else if (Array.isArray(expected) ? !expected.includes(value) : jsonOf(value) !== expected)
        report(`$.${name}`, `"${name}" must be ${Array.isArray(expected) ? expected.join(" or ") : expected}, not ${JSON.stringify(value)}`);
    }
    if (!("text" in body) && !("blocks" in body) && !("attachments" in body) && body.delete_original !== true)
      report("$", "a response URL message needs text, blocks or attachments");
    return;
  }
  const httpMethod = (payload.path ?? "POST").split(" ")[0];
  const operation = operationOf(payload.method, httpMethod);
  if (!operation) return report("$", `"${payload.method}" is not a Web API method of the spec`);
  // The token travels in the Authorization header, as Slack asks ("Tokens should be passed as an HTTP Authorization
  // header": https://docs.slack.dev/authentication/tokens); the spec lists it as a header or query "token" parameter.
  const parameters = new Map(operation.parameters.filter((p) => p.in !== "header" && p.name !== "token").map((p) => [p.name, p]));
  const added = documentedSince[payload.method] ?? {};
  for (const [name, value] of Object.entries(body)) {
    const parameter = parameters.get(name);
    if (parameter) {
      if (!accepts(parameter, value)) report(`$.${name}`, `argument "${name}" of ${payload.method} must be ${parameter.type}, not ${jsonOf(value)} ${JSON.stringify(value)}`);
    } else if (added[name]) {
      const fits = httpMethod === "GET" && typeof value === "string" ? acceptsText(added[name], value) : jsonOf(value) === added[name];
      if (!fits) report(`$.${name}`, `argument "${name}" of ${payload.method} must be ${added[name]}, not ${jsonOf(value)}`);
    } else {
      report(`$.${name}`, `unknown argument "${name}" of ${payload.method}`);
    }
  }
  for (const parameter of parameters.values())
    if (parameter.required && !(parameter.name in body)) report(`$.${parameter.name}`, `missing required argument "${parameter.name}" of ${payload.method}`);
}
