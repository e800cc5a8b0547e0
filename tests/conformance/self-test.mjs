#!/usr/bin/env node
// Proves the conformance checker catches each class of violation, so it cannot pass silently: every payload under
// self-test/bad must be reported as self-test/expected.json says, every payload under self-test/good must pass, and a
// broken copy of each app manifest must fail its schema. Run by ./test.sh before the check itself.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { check, format } from "./check.mjs";
import { checkSlackManifest, checkTeamsManifest } from "./manifests.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));
const failures = [];

const bad = check(join(here, "self-test/bad"), { manifests: false });
const expected = JSON.parse(readFileSync(join(here, "self-test/expected.json"), "utf8"));
for (const [file, spec, path, message] of expected) {
  const found = bad.violations.some((v) => v.file === file && v.spec === spec && v.path === path && v.message.includes(message));
  if (!found) failures.push(`missed: ${spec}: ${file}: ${path}: …${message}…`);
}

const good = check(join(here, "self-test/good"), { manifests: true });
for (const violation of good.violations) failures.push(`false positive: ${format(violation)}`);

const root = join(here, "../..");
const folder = mkdtempSync(join(tmpdir(), "conformance-self-test-"));
try {
  const teams = JSON.parse(readFileSync(join(root, "manifests/teams/manifest.json"), "utf8"));
  delete teams.bots;
  teams.developer.websiteUrl = 42;
  writeFileSync(join(folder, "manifest.json"), JSON.stringify(teams));
  const teamsReported = [];
  checkTeamsManifest(join(folder, "manifest.json"), (path) => teamsReported.push(path));
  if (!teamsReported.includes("$.developer.websiteUrl")) failures.push(`missed: teams-manifest: $.developer.websiteUrl of type number (got ${teamsReported.join(", ") || "nothing"})`);

  const slack = readFileSync(join(root, "manifests/slack/manifest.yml"), "utf8").replace("display_information:", "display_information:\n  colour: red");
  writeFileSync(join(folder, "manifest.yml"), slack);
  const slackReported = [];
  checkSlackManifest(join(folder, "manifest.yml"), (path, message) => slackReported.push(`${path} ${message}`));
  if (!slackReported.some((r) => r.startsWith("$.display_information") && r.includes("colour"))) failures.push(`missed: slack-manifest: $.display_information.colour (got ${slackReported.join(", ") || "nothing"})`);
} finally {
  rmSync(folder, { recursive: true, force: true });
}

for (const failure of failures) console.log(`conformance self-test: ${failure}`);
console.log(`conformance self-test: ${expected.length + 2} known violations, ${good.files} known-good payloads and 2 manifests, ${failures.length} failures`);
process.exit(failures.length > 0 ? 1 : 0);
