// Activities sent through the Bot Connector and answers to Teams invokes, against the Bot Framework Activity
// specification (microsoft/botframework-sdk specs/botframework-activity/botframework-activity.md; its AXXXX rule
// numbers are quoted) and the Universal Actions invoke response
// (https://learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/universal-actions-for-adaptive-cards/invoke-response).

export const adaptiveCardType = "application/vnd.microsoft.card.adaptive";

const jsonOf = (value) => (Array.isArray(value) ? "array" : value === null ? "null" : typeof value);
const isText = (value) => typeof value === "string" && value.length > 0;

/** Checks one activity a bot sent (send, reply, update); reports (jsonPath, message). */
export function checkActivity(activity, report) {
  if (jsonOf(activity) !== "object") return report("$", `an activity is a JSON object, not ${jsonOf(activity)}`);
  if (!isText(activity.type)) report("$.type", "A2010: activities MUST include a `type` field, with string value type");
  if (!isText(activity.channelId)) report("$.channelId", "A2020: activities MUST include a `channelId` field, with string value type");
  if (jsonOf(activity.conversation) !== "object" || !isText(activity.conversation.id))
    report("$.conversation.id", "A2080: bots MUST include the `conversation` and `conversation.id` fields when generating an activity");
  if (jsonOf(activity.from) !== "object" || !isText(activity.from.id))
    report("$.from.id", "A2061: bots SHOULD include the `from` and `from.id` fields; a channel MAY reject an activity without them");
  if (activity.type === "invoke" && !isText(activity.name)) report("$.name", "A5401: invoke activities MUST contain a `name` field");
  if (activity.type === "event" && !isText(activity.name)) report("$.name", "A5001: event activities MUST contain a `name` field");
  if ("textFormat" in activity && !["plain", "markdown", "xml"].includes(activity.textFormat))
    report("$.textFormat", `A3010: textFormat SHOULD only be plain, markdown or xml, not ${JSON.stringify(activity.textFormat)}`);
  if ("attachmentLayout" in activity && !["list", "carousel"].includes(activity.attachmentLayout))
    report("$.attachmentLayout", `A3060: attachmentLayout SHOULD only be list or carousel, not ${JSON.stringify(activity.attachmentLayout)}`);
  if ("timestamp" in activity && !/Z$/.test(String(activity.timestamp)))
    report("$.timestamp", "A2043: timestamps SHOULD be UTC with an explicit Z");
  if (Array.isArray(activity.entities) && activity.entities.length === 0) report("$.entities", "A2100: senders SHOULD omit `entities` if it contains no elements");
  if ("attachments" in activity) {
    if (!Array.isArray(activity.attachments)) report("$.attachments", "attachments must be an array");
    else if (activity.attachments.length === 0) report("$.attachments", "A3050: senders SHOULD omit `attachments` if it contains no elements");
    else activity.attachments.forEach((attachment, i) => checkAttachment(attachment, `$.attachments[${i}]`, report));
  }
}

function checkAttachment(attachment, path, report) {
  if (jsonOf(attachment) !== "object") return report(path, "an attachment is a JSON object");
  if (!isText(attachment.contentType) || !/^[\w.+-]+\/[\w.+-]+$/.test(attachment.contentType))
    report(`${path}.contentType`, "an attachment's `contentType` is the MIME media type of its content, a string");
  if ("content" in attachment && "contentUrl" in attachment) report(path, "A7100: senders SHOULD NOT include both `content` and `contentUrl`");
  if (!("content" in attachment) && !("contentUrl" in attachment)) report(path, "an attachment carries its `content` or a `contentUrl`");
  if ("content" in attachment && jsonOf(attachment.content) !== "object")
    report(`${path}.content`, "A7110: senders SHOULD NOT include JSON primitives in the `content` field of an attachment");
}

// Universal Actions: the bot answers adaptiveCard/action with { statusCode, type, value }.
const invokeTypes = {
  "application/vnd.microsoft.card.adaptive": (value) => jsonOf(value) === "object",
  "application/vnd.microsoft.activity.message": (value) => typeof value === "string",
  "application/vnd.microsoft.error": (value) => jsonOf(value) === "object" && isText(value.code) && isText(value.message),
  "application/vnd.microsoft.activity.loginRequest": (value) => jsonOf(value) === "object",
};

/** Checks one answer to an adaptiveCard/action invoke. */
export function checkInvokeResponse(response, report) {
  if (jsonOf(response) !== "object") return report("$", `an invoke response is a JSON object, not ${jsonOf(response)}`);
  for (const key of Object.keys(response))
    if (!["statusCode", "type", "value"].includes(key)) report(`$.${key}`, `unknown field "${key}" of an adaptiveCard/action response`);
  if (!Number.isInteger(response.statusCode)) report("$.statusCode", "statusCode must be an integer HTTP status");
  const valid = invokeTypes[response.type];
  if (!valid) return report("$.type", `type must be one of ${Object.keys(invokeTypes).join(", ")}, not ${JSON.stringify(response.type)}`);
  if (!valid(response.value)) report("$.value", `value does not fit type ${response.type}`);
  const fits = response.type === "application/vnd.microsoft.error" ? response.statusCode >= 400
    : response.type === "application/vnd.microsoft.activity.loginRequest" ? response.statusCode === 401
    : response.statusCode === 200;
  if (Number.isInteger(response.statusCode) && !fits) report("$.statusCode", `statusCode ${response.statusCode} does not go with type ${response.type}`);
}
