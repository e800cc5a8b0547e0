// The app manifests against their platforms' schemas: manifests/teams/manifest.json against the Teams schema of its
// manifestVersion (npm @microsoft/app-manifest ships every version), manifests/slack/manifest.yml against Slack's
// app manifest schema of its _metadata.major_version (tests/specs/slack-manifest, slackapi/manifest-schema, MIT).
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import Ajv from "ajv";
import AjvDraft04 from "ajv-draft-04";
import addFormats from "ajv-formats";
import { parse as parseYaml } from "yaml";

const require = createRequire(import.meta.url);
const pathOf = (instancePath) => "$" + instancePath.split("/").slice(1).map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`)).join("");
const describe = (e) => `${e.message}${e.params && Object.keys(e.params).length ? " " + JSON.stringify(e.params) : ""}`;

// What manifests/teams/package.sh and manifests/slack/render.sh fill in before a manifest is uploaded.
const placeholders = {
  TEAMS_APP_ID: "00000000-0000-4000-8000-000000000000",
  PUBLIC_HOST: "chatflows.example.com",
  PUBLIC_BASE_URL: "https://chatflows.example.com",
};
const fill = (text) => text.replace(/\$\{([A-Z_]+)\}/g, (whole, name) => placeholders[name] ?? whole);

function validate(ajv, schema, manifest, report) {
  const check = ajv.compile(schema);
  if (check(manifest)) return;
  for (const error of check.errors ?? []) report(pathOf(error.instancePath), describe(error));
}

/** Checks the Teams manifest; reports (jsonPath, message). */
export function checkTeamsManifest(file, report) {
  const manifest = JSON.parse(fill(readFileSync(file, "utf8")));
  const version = manifest.manifestVersion;
  const schemaFile = require.resolve("@microsoft/app-manifest/package.json").replace(/package\.json$/, `build/json-schemas/teams/v${version}/MicrosoftTeams.schema.json`);
  if (!existsSync(schemaFile)) return report("$.manifestVersion", `no Teams manifest schema for manifestVersion ${JSON.stringify(version)}`);
  const schema = JSON.parse(readFileSync(schemaFile, "utf8"));
  const ajv = new AjvDraft04({ strict: false, allErrors: true });
  addFormats(ajv);
  validate(ajv, schema, manifest, report);
}

/** Checks the Slack manifest; reports (jsonPath, message). */
export function checkSlackManifest(file, report) {
  const manifest = parseYaml(fill(readFileSync(file, "utf8")));
  const major = manifest?._metadata?.major_version ?? 1;
  const schemaFile = new URL(`../specs/slack-manifest/manifest.schema.${major}.0.0.json`, import.meta.url);
  if (!existsSync(schemaFile)) return report("$._metadata.major_version", `no Slack manifest schema for major_version ${major} under tests/specs/slack-manifest`);
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  validate(ajv, JSON.parse(readFileSync(schemaFile, "utf8")), manifest, report);
}
