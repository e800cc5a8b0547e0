// Adaptive Cards against the 1.5 JSON schema (tests/specs/adaptive-cards/adaptive-card.json, microsoft/AdaptiveCards,
// MIT) and the official renderer library `adaptivecards` (npm), which must parse and validate each card with no
// errors and no warnings, as the Playground's copy does in the browser tests.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import Ajv from "ajv";
import addFormats from "ajv-formats";

const require = createRequire(import.meta.url);
// The package's lib/ is ESM without file extensions, which Node cannot load; its dist/ bundle is the same library.
const AC = require("adaptivecards/dist/adaptivecards.js");

const schema = JSON.parse(readFileSync(new URL("../specs/adaptive-cards/adaptive-card.json", import.meta.url), "utf8"));
const ajv = new Ajv({ strict: false, allErrors: true, verbose: true });
addFormats(ajv);
ajv.addMetaSchema(require("ajv/dist/refs/json-schema-draft-06.json"));
// The schema declares draft-06 but names itself with draft-04's "id"; Ajv reads that name as "$id".
const { id: schemaId, ...schemaBody } = schema;
const validateSchema = ajv.compile({ $id: schemaId, ...schemaBody });

const pathOf = (instancePath) => "$" + instancePath.split("/").slice(1).map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`)).join("");

// Every "type" the schema defines (TextBlock, Action.Execute, …).
const knownTypes = new Set(
  Object.values(schema.definitions ?? {}).flatMap((definition) => definition?.properties?.type?.enum ?? []),
);

// A type's definition and the shared bases it extends (Input.Text extends Extendable.Input through allOf): errors
// raised by a base count only for the types built on it.
function basesOf(type) {
  const found = new Set();
  const visit = (definition) => {
    if (!definition || typeof definition !== "object" || found.has(definition)) return;
    found.add(definition);
    if (typeof definition.$ref === "string" && definition.$ref.startsWith("#/definitions/")) visit(schema.definitions[definition.$ref.slice(14)]);
    for (const part of definition.allOf ?? []) visit(part);
  };
  visit(schema.definitions[type]);
  return found;
}

// The schema lists every element type as an alternative (anyOf), so a card with one mistake fails every alternative.
// Only the errors of the alternative whose "type" the element names are reported, and an unknown type once.
function schemaErrors(card) {
  if (validateSchema(card)) return [];
  const seen = new Set();
  const result = [];
  for (const error of validateSchema.errors ?? []) {
    if (error.keyword === "anyOf" || error.keyword === "oneOf") continue;
    let message = `${error.message}${error.params && Object.keys(error.params).length ? " " + JSON.stringify(error.params) : ""}`;
    if (error.keyword === "enum" && error.instancePath.endsWith("/type")) {
      if (knownTypes.has(error.data)) continue;
      message = `unknown type ${JSON.stringify(error.data)}`;
    } else if (error.data && typeof error.data === "object" && knownTypes.has(error.data.type)) {
      const types = error.parentSchema?.properties?.type?.enum;
      if (types ? !types.includes(error.data.type) : !basesOf(error.data.type).has(error.parentSchema)) continue;
    }
    const path = pathOf(error.instancePath);
    if (seen.has(path + message)) continue;
    seen.add(path + message);
    result.push({ path, message });
  }
  // An element of an unknown type fails every alternative: its type is the one thing to say about it.
  const unknown = new Set(result.filter((e) => e.message.startsWith("unknown type")).map((e) => e.path.replace(/\.type$/, "")));
  const said = result.filter((e) => !unknown.has(e.path));
  result.length = 0;
  result.push(...said);
  // Alternatives without a "type" to tell them apart (a string or an object) leave only the anyOf error.
  if (result.length === 0) for (const error of validateSchema.errors ?? []) result.push({ path: pathOf(error.instancePath), message: error.message });
  return result;
}

function rendererProblems(card) {
  const parsed = new AC.AdaptiveCard();
  const context = new AC.SerializationContext();
  parsed.parse(structuredClone(card), context);
  const problems = [];
  for (let i = 0; i < context.eventCount; i++) problems.push(`adaptivecards parse: ${context.getEventAt(i).message}`);
  for (const event of parsed.validateProperties().validationEvents) problems.push(`adaptivecards validate: ${event.message}`);
  if (parsed.version?.toString() !== "1.5") problems.push(`adaptivecards: version ${parsed.version?.toString()}, not 1.5`);
  return problems;
}

/** Checks one card; reports (jsonPath, message) relative to <paramref name="path"/>. */
export function checkCard(card, path, report) {
  if (card === null || typeof card !== "object" || Array.isArray(card)) return report(path, "an Adaptive Card is a JSON object");
  if (card.type !== "AdaptiveCard") report(`${path}.type`, `type must be "AdaptiveCard", not ${JSON.stringify(card.type)}`);
  if (card.version !== "1.5") report(`${path}.version`, `version must be "1.5", not ${JSON.stringify(card.version)}`);
  for (const error of schemaErrors(card)) report(path + error.path.slice(1), `schema 1.5: ${error.message}`);
  for (const problem of rendererProblems(card)) report(path, problem);
}
