// Type-checks recorded JSON against published TypeScript types (@slack/types, botframework-schema) with the
// TypeScript compiler: each value becomes an annotated constant in a generated .ts file, so excess properties,
// missing required ones and wrong types are compiler errors, mapped back to the recorded file and JSON path.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const here = fileURLToPath(new URL(".", import.meta.url));

// JSON on the wire: dates are ISO strings (the Bot Framework's timestamps), everything else as declared.
const prelude = `
type Wire<T> = T extends Date ? string
  : T extends (infer U)[] ? Wire<U>[]
  : T extends object ? { [K in keyof T]: Wire<T[K]> }
  : T;
// Which fields a sender must set is the specification's rule, checked beside the types; the types say what each
// field may hold (botframework-schema marks e.g. conversation.isGroup required, which bots SHOULD NOT send: A2083).
type WirePartial<T> = T extends Date ? string
  : T extends (infer U)[] ? WirePartial<U>[]
  : T extends object ? { [K in keyof T]?: WirePartial<T[K]> }
  : T;
`;

// Writes a value as TypeScript, one property or item per line, so that each error's line names one JSON path.
function literal(value, indent = 0) {
  const pad = "  ".repeat(indent);
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    return `[\n${value.map((item) => `${pad}  ${literal(item, indent + 1)}`).join(",\n")}\n${pad}]`;
  }
  if (value !== null && typeof value === "object") {
    const keys = Object.keys(value);
    if (keys.length === 0) return "{}";
    return `{\n${keys.map((key) => `${pad}  ${JSON.stringify(key)}: ${literal(value[key], indent + 1)}`).join(",\n")}\n${pad}}`;
  }
  return JSON.stringify(value);
}

// The JSON path of each line of a literal: walk the printed text, tracking keys and indices by indentation.
function pathsOfLines(text, root) {
  const result = [];
  const stack = [{ path: root, index: 0, array: false }];
  for (const line of text.split("\n")) {
    const trimmed = line.trim();
    const top = stack[stack.length - 1];
    let path = top.path;
    const key = /^("(?:[^"\\]|\\.)*"):/.exec(trimmed);
    if (key) path = `${top.path}.${JSON.parse(key[1])}`;
    else if (top.array && !/^[\]}]/.test(trimmed)) path = `${top.path}[${top.index}]`;
    result.push(path);
    if (/^[\]}],?$/.test(trimmed)) {
      stack.pop();
      const parent = stack[stack.length - 1];
      if (parent?.array) parent.index++;
      continue;
    }
    const opens = /[[{]$/.exec(trimmed);
    if (opens) {
      stack.push({ path, index: 0, array: opens[0] === "[" });
    } else if (top.array) {
      top.index++;
    }
  }
  return result;
}

/**
 * units: [{ file, spec, imports: "import type …", checks: [{ type, value, path }] }].
 * Returns [{ spec, file, path, message }].
 */
export function typeCheck(units) {
  const folder = join(here, ".typecheck");
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  const sources = new Map();
  units.forEach((unit, n) => {
    let text = `${unit.imports}\n${prelude}\n`;
    const linePaths = [];
    const headerLines = text.split("\n").length - 1;
    for (let i = 0; i < headerLines; i++) linePaths.push("$");
    unit.checks.forEach((check, i) => {
      const printed = literal(check.value);
      const declaration = `export const value${i}: ${check.type} = ${printed};\n`;
      linePaths.push(...pathsOfLines(printed, check.path));
      text += declaration;
    });
    const name = join(folder, `payload${n}.ts`);
    writeFileSync(name, text);
    sources.set(name, { unit, linePaths });
  });
  if (sources.size === 0) return [];
  const program = ts.createProgram([...sources.keys()], {
    noEmit: true,
    strict: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: [],
  });
  const violations = [];
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const source = diagnostic.file && sources.get(diagnostic.file.fileName);
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, " ").replace(/\s+/g, " ");
    if (!source) {
      violations.push({ spec: "typescript", file: diagnostic.file?.fileName ?? "(compiler)", path: "$", message });
      continue;
    }
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
    violations.push({ spec: source.unit.spec, file: source.unit.file, path: source.linePaths[line] ?? "$", message });
  }
  rmSync(folder, { recursive: true, force: true });
  return violations;
}
