// Checks Kubernetes objects offline, as an API server with strict field
// validation would: types, required fields and formats from the Kubernetes
// OpenAPI schemas (kubernetes-models), and unknown fields (a typo such as
// `replica:` is silently dropped by a lenient client) from the API's own
// field lists (@kubernetes/client-node's attribute maps).
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const k8s = require("@kubernetes/client-node");

// "apps/v1" -> {group: "apps", version: "v1"}; "v1" -> {group: "", version: "v1"}.
function splitApiVersion(apiVersion) {
  const slash = apiVersion.indexOf("/");
  return slash < 0
    ? { group: "", version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

async function schemaErrors(doc) {
  const { group, version } = splitApiVersion(doc.apiVersion);
  const module = group === "" ? `kubernetes-models/${version}` : `kubernetes-models/${group}/${version}`;
  let models;
  try {
    models = await import(module);
  } catch {
    return [`unknown apiVersion ${doc.apiVersion}`];
  }
  const Model = models[doc.kind];
  if (!Model) return [`unknown kind ${doc.kind} in ${doc.apiVersion}`];
  try {
    new Model(doc).validate();
    return [];
  } catch (error) {
    return [error.message];
  }
}

// The client's class for a type name: "V1Deployment", "Array<V1Container>", ...
function fieldErrors(value, typeName, path) {
  if (value === null || value === undefined) return [];
  const array = /^Array<(.+)>$/.exec(typeName);
  if (array) {
    if (!Array.isArray(value)) return [];  // the schema check reports the type
    return value.flatMap((item, i) => fieldErrors(item, array[1], `${path}[${i}]`));
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(typeName);
  if (map) {
    return Object.entries(value).flatMap(([key, item]) => fieldErrors(item, map[1], `${path}.${key}`));
  }
  const Type = k8s[typeName];
  if (!Type || typeof Type.getAttributeTypeMap !== "function" || typeof value !== "object") return [];
  const attributes = new Map(Type.getAttributeTypeMap().map((a) => [a.baseName, a.type]));
  return Object.entries(value).flatMap(([key, item]) =>
    attributes.has(key)
      ? fieldErrors(item, attributes.get(key), `${path}.${key}`)
      : [`${path}.${key}: unknown field`]);
}

/// Every problem with one object, as "Kind/name: message" lines (none: valid).
export async function validateObject(doc) {
  const name = `${doc?.kind ?? "?"}/${doc?.metadata?.name ?? "?"}`;
  if (!doc || typeof doc !== "object" || !doc.apiVersion || !doc.kind) {
    return [`${name}: not a Kubernetes object (apiVersion and kind are required)`];
  }
  const { version } = splitApiVersion(doc.apiVersion);
  const typeName = version[0].toUpperCase() + version.slice(1) + doc.kind;
  const errors = [...(await schemaErrors(doc)), ...fieldErrors(doc, typeName, "")];
  return errors.map((e) => `${name}: ${e}`);
}
