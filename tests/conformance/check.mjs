#!/usr/bin/env node
// The conformance step of ./test.sh (README §Conformance): checks every payload the tests recorded — what ChatFlows
// sent to the Slack and Teams fakes, Teams invoke responses, Playground and product cards — and both app manifests
// against Slack's and Microsoft's own specifications. Prints one line per violation,
//   <spec>: <recorded file>: <JSON path>: <message>
// then a summary line, and exits 1 on any violation.
// Usage: node tests/conformance/check.mjs <folder>   (default: $CHATFLOWS_CONFORMANCE_DIR)
import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { checkCard } from "./adaptive-cards.mjs";
import { adaptiveCardType, checkActivity, checkInvokeResponse } from "./bot-framework.mjs";
import { checkSlackManifest, checkTeamsManifest } from "./manifests.mjs";
import { checkSlackCall } from "./slack-web-api.mjs";
import { typeCheck } from "./typecheck.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));

const slackTypes = `import type { KnownBlock, MessageAttachment, MessageMetadata, ModalView } from "@slack/types";`;
const activityTypes = `import type { Activity } from "botframework-schema";`;
const conversationTypes = `import type { ConversationParameters } from "botframework-schema";`;

/** Checks the payloads in <folder> (and the manifests unless told not to); returns { violations, counts }. */
export function check(folder, { manifests = true } = {}) {
  const violations = [];
  const counts = { slack: 0, teams: 0, cards: 0, manifests: 0 };
  const units = [];
  const files = readdirSync(folder).filter((f) => f.endsWith(".json")).sort();
  for (const file of files) {
    const at = (spec) => (path, message) => violations.push({ spec, file, path, message });
    let payload;
    try {
      payload = JSON.parse(readFileSync(join(folder, file), "utf8").replace(/^\uFEFF/, ""));
    } catch (error) {
      at("recording")("$", `not JSON: ${error.message}`);
      continue;
    }
    const body = payload.body;
    const cards = [];
    switch (payload.source) {
      case "slack": {
        counts.slack++;
        checkSlackCall(payload, at("slack-web-api"));
        const checks = [];
        if (body && typeof body === "object") {
          if (Array.isArray(body.blocks)) checks.push({ type: "KnownBlock[]", value: body.blocks, path: "$.blocks" });
          if (Array.isArray(body.attachments)) checks.push({ type: "MessageAttachment[]", value: body.attachments, path: "$.attachments" });
          if (body.metadata && typeof body.metadata === "object") checks.push({ type: "MessageMetadata", value: body.metadata, path: "$.metadata" });
          if ("text" in body) checks.push({ type: "string", value: body.text, path: "$.text" });
          // views.open: the modal asking for an approval's required comment.
          if (body.view && typeof body.view === "object") checks.push({ type: "ModalView", value: body.view, path: "$.view" });
        }
        if (checks.length > 0) units.push({ file, spec: "slack-types", imports: slackTypes, checks });
        break;
      }
      case "teams":
        counts.teams++;
        checkActivity(body, at("bot-framework-activity"));
        if (body && typeof body === "object" && !Array.isArray(body))
          units.push({ file, spec: "bot-framework-types", imports: activityTypes, checks: [{ type: "WirePartial<Activity>", value: body, path: "$" }] });
        (Array.isArray(body?.attachments) ? body.attachments : []).forEach((attachment, i) => {
          if (attachment?.contentType === adaptiveCardType) cards.push({ card: attachment.content, path: `$.attachments[${i}].content` });
        });
        break;
      case "teams-conversation":
        // POST v3/conversations: a personal chat the bot opens with a member.
        counts.teams++;
        units.push({ file, spec: "bot-framework-types", imports: conversationTypes, checks: [{ type: "WirePartial<ConversationParameters>", value: body, path: "$" }] });
        break;
      case "teams-invoke-response":
        counts.teams++;
        checkInvokeResponse(body, at("teams-invoke-response"));
        if (body?.type === adaptiveCardType) cards.push({ card: body.value, path: "$.value" });
        break;
      case "card":
        cards.push({ card: body, path: "$" });
        break;
      default:
        at("recording")("$.source", `unknown source ${JSON.stringify(payload.source)}`);
    }
    for (const { card, path } of cards) {
      counts.cards++;
      checkCard(card, path, at("adaptive-cards-1.5"));
    }
  }
  violations.push(...typeCheck(units));
  if (manifests) {
    counts.manifests = 2;
    const teams = join(root, "manifests/teams/manifest.json");
    const slack = join(root, "manifests/slack/manifest.yml");
    checkTeamsManifest(teams, (path, message) => violations.push({ spec: "teams-manifest", file: "manifests/teams/manifest.json", path, message }));
    checkSlackManifest(slack, (path, message) => violations.push({ spec: "slack-manifest", file: "manifests/slack/manifest.yml", path, message }));
  }
  return { violations, counts, files: files.length };
}

export const format = (v) => `${v.spec}: ${v.file}: ${v.path}: ${v.message}`;

export function summary({ violations, counts }) {
  const total = counts.slack + counts.teams + counts.cards + counts.manifests;
  return `conformance: ${total} payloads checked (slack ${counts.slack}, teams ${counts.teams}, cards ${counts.cards}, manifests ${counts.manifests}), ${violations.length} violations`;
}

if (process.argv[1] && basename(process.argv[1]) === "check.mjs") {
  const folder = process.argv[2] ?? process.env.CHATFLOWS_CONFORMANCE_DIR;
  if (!folder) {
    console.error("Usage: node tests/conformance/check.mjs <folder of recorded payloads> (or set CHATFLOWS_CONFORMANCE_DIR)");
    process.exit(2);
  }
  const result = check(folder);
  // A run that recorded nothing checked nothing: the tests did not see the folder.
  if (result.counts.slack === 0) result.violations.push({ spec: "recording", file: folder, path: "$", message: "no Slack call was recorded (was CHATFLOWS_CONFORMANCE_DIR set for dotnet test?)" });
  if (result.counts.teams === 0) result.violations.push({ spec: "recording", file: folder, path: "$", message: "no Teams activity was recorded" });
  for (const violation of result.violations) console.log(format(violation));
  console.log(summary(result));
  process.exit(result.violations.length > 0 ? 1 : 0);
}
