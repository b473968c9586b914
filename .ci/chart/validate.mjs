// Validates rendered Kubernetes manifests offline, as kubeconform -strict would:
//  1. each document against the Kubernetes OpenAPI schema of its apiVersion and kind (kubernetes-models' compiled
//     JSON-schema validators: types, required fields, enums, formats);
//  2. no field the API does not know (a typo such as "readinessprobe" is silently dropped by the API server, so the
//     schema alone lets it pass). The known fields come from kubernetes-models' type declarations.
// Usage: node validate.mjs FILE... (multi-document YAML, as helm template prints it). Exit 1 on any problem.
import { readFileSync, existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { parseAllDocuments } from "yaml";

const require = createRequire(import.meta.url);
const modelsRoot = path.dirname(require.resolve("kubernetes-models/package.json"));
const nodeModules = path.dirname(modelsRoot);

// --- Known fields, read from the .d.ts interface of each type ----------------------------------------------------
const interfaces = new Map();

function resolveImport(fromFile, spec) {
  const base = spec.startsWith(".") ? path.resolve(path.dirname(fromFile), spec) : path.join(nodeModules, spec);
  return base.replace(/\.js$/, "") + ".d.ts";
}

// { fields: Map(name -> { kind: "object" | "array" | "map" | "leaf", file }) } or null for aliases (Quantity, Time).
function readInterface(file) {
  if (interfaces.has(file)) return interfaces.get(file);
  const text = readFileSync(file, "utf8");
  const imports = new Map();
  for (const m of text.matchAll(/import \{ (\w+) \} from "([^"]+)";/g)) imports.set(m[1], resolveImport(file, m[2]));
  const body = /export interface \w+(?: extends [\w, ]+)? \{\n([\s\S]*?)\n\}/.exec(text);
  let result = null;
  if (body) {
    result = { fields: new Map() };
    const lines = body[1].split("\n");
    for (let i = 0; i < lines.length; i++) {
      const prop = /^ {4}"([^"]+)"\??: (.*?);?$/.exec(lines[i]);
      if (!prop) continue;
      let [, name, type] = prop;
      let kind = "object";
      if (type === "{") { kind = "map"; type = /\[key: string\]: (.*?);?$/.exec(lines[i + 1] ?? "")?.[1] ?? ""; }
      const array = /^Array<(\w+)>$/.exec(type);
      if (array) { kind = "array"; type = array[1]; }
      const target = imports.get(type);
      result.fields.set(name, target ? { kind, file: target } : { kind: "leaf" });
    }
  }
  interfaces.set(file, result);
  return result;
}

function unknownFields(value, file, where, problems) {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return;
  const shape = readInterface(file);
  if (!shape) return;
  for (const [key, child] of Object.entries(value)) {
    const field = shape.fields.get(key);
    if (!field) { problems.push(`${where}/${key}: unknown field`); continue; }
    if (field.kind === "leaf") continue;
    if (field.kind === "object") unknownFields(child, field.file, `${where}/${key}`, problems);
    else if (field.kind === "array" && Array.isArray(child)) {
      child.forEach((item, i) => unknownFields(item, field.file, `${where}/${key}/${i}`, problems));
    } else if (field.kind === "map" && child && typeof child === "object") {
      for (const [k, v] of Object.entries(child)) unknownFields(v, field.file, `${where}/${key}/${k}`, problems);
    }
  }
}

// --- One document -------------------------------------------------------------------------------------------------
async function validateDocument(doc) {
  const { apiVersion, kind } = doc ?? {};
  if (!apiVersion || !kind) return ["missing apiVersion or kind"];
  const file = path.join(modelsRoot, apiVersion, `${kind}.d.ts`);
  if (!existsSync(file)) return [`no schema for ${apiVersion} ${kind}`];
  const module = await import(path.join(modelsRoot, apiVersion, `${kind}.js`));
  const problems = [];
  try {
    new module[kind](doc).validate();
  } catch (error) {
    for (const e of error.errors ?? [{ instancePath: "", message: error.message }]) {
      problems.push(`${e.instancePath || "/"}: ${e.message}`);
    }
  }
  unknownFields(doc, file, "", problems);
  return problems;
}

let failures = 0;
let count = 0;
for (const input of process.argv.slice(2)) {
  for (const parsed of parseAllDocuments(readFileSync(input, "utf8"))) {
    if (parsed.errors.length) { console.error(`${input}: YAML: ${parsed.errors[0].message}`); failures++; continue; }
    const doc = parsed.toJS();
    if (doc === null) continue;
    count++;
    const name = `${doc.kind ?? "?"}/${doc.metadata?.name ?? "?"}`;
    for (const problem of await validateDocument(doc)) { console.error(`${input}: ${name} ${problem}`); failures++; }
  }
}
console.log(`${count} manifests checked against the Kubernetes schemas, ${failures} problems`);
process.exit(failures ? 1 : 0);
