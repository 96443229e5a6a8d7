// JSON Schema support for the fake OpenAI server:
// - fillSchema: a value that satisfies a schema, chosen deterministically from a seeded
//   random source and the prompt's words (the subset of JSON Schema that structured outputs
//   accept: type/const/enum, objects, arrays, anyOf/oneOf/allOf, $ref to $defs/definitions,
//   string formats and lengths, number bounds and multipleOf);
// - strictSchemaProblem: the first rule of OpenAI's strict mode that a schema breaks.
type Schema = Record<string, unknown>;

export interface FillContext {
  root: unknown;
  words: string[];
  random: () => number;
}

const FALLBACK_WORDS = ["loopwise", "fresh", "picks", "for", "you"];

export function promptWords(text: string): string[] {
  const words = text.match(/[\p{L}][\p{L}\p{N}'’-]*/gu) ?? [];
  return words.length > 0 ? words : FALLBACK_WORDS;
}

export function fillSchema(schema: unknown, ctx: FillContext, depth = 0): unknown {
  if (depth > 12) return null;
  if (schema === true || schema === undefined) return pickWords(ctx, 3).join(" ");
  if (!isSchema(schema)) return null;
  if (typeof schema.$ref === "string") return fillSchema(resolveRef(ctx.root, schema.$ref), ctx, depth + 1);
  if ("const" in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return pick(ctx, schema.enum);
  for (const key of ["anyOf", "oneOf"] as const) {
    const branches = schema[key];
    if (Array.isArray(branches) && branches.length > 0) {
      const useful = branches.filter((b) => !(isSchema(b) && b.type === "null"));
      return fillSchema(pick(ctx, useful.length > 0 ? useful : branches), ctx, depth + 1);
    }
  }
  if (Array.isArray(schema.allOf)) return fillSchema(mergeAllOf(schema, ctx.root), ctx, depth + 1);

  let type = schema.type;
  if (Array.isArray(type)) {
    const useful = type.filter((t) => t !== "null");
    type = useful.length > 0 ? pick(ctx, useful) : "null";
  }
  if (type === undefined) type = schema.properties ? "object" : schema.items ? "array" : "string";
  switch (type) {
    case "object":
      return fillObject(schema, ctx, depth);
    case "array":
      return fillArray(schema, ctx, depth);
    case "string":
      return fillString(schema, ctx);
    case "integer":
    case "number":
      return fillNumber(schema, ctx, type === "integer");
    case "boolean":
      return ctx.random() < 0.5;
    case "null":
      return null;
    default:
      return null;
  }
}

function fillObject(schema: Schema, ctx: FillContext, depth: number): Record<string, unknown> {
  const properties = isSchema(schema.properties) ? schema.properties : {};
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  const out: Record<string, unknown> = {};
  for (const [key, sub] of Object.entries(properties)) {
    if (required.has(key) || (depth <= 4 && ctx.random() < 0.5)) out[key] = fillSchema(sub, ctx, depth + 1);
  }
  return out;
}

function fillArray(schema: Schema, ctx: FillContext, depth: number): unknown[] {
  const prefix = Array.isArray(schema.prefixItems) ? schema.prefixItems : [];
  // deep inside a (recursive) schema, arrays shrink to their minimum so that filling ends
  const deep = depth > 4;
  const min = Math.max(num(schema.minItems) ?? (deep ? 0 : 1), prefix.length);
  const max = Math.max(min, num(schema.maxItems) ?? min + 2);
  const count = deep ? min : min + Math.floor(ctx.random() * (Math.min(max, min + 3) - min + 1));
  const out: unknown[] = [];
  const seen = new Set<string>();
  for (let i = 0, attempts = 0; out.length < count && attempts < count * 20; attempts++) {
    const value = i < prefix.length ? fillSchema(prefix[i], ctx, depth + 1) : fillSchema(schema.items, ctx, depth + 1);
    const key = JSON.stringify(value);
    if (schema.uniqueItems === true && seen.has(key)) continue;
    seen.add(key);
    out.push(value);
    i++;
  }
  return out;
}

function fillString(schema: Schema, ctx: FillContext): string {
  const seed = Math.floor(ctx.random() * 2 ** 31);
  switch (schema.format) {
    case "email":
      return `${slug(pickWords(ctx, 1)[0] as string)}@example.com`;
    case "uri":
    case "url":
      return `https://example.com/${pickWords(ctx, 2).map(slug).join("-")}`;
    case "date-time":
      return new Date(Date.UTC(2025, 0, 1) + (seed % (365 * 86400)) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
    case "date":
      return new Date(Date.UTC(2025, 0, 1) + (seed % 365) * 86400_000).toISOString().slice(0, 10);
    case "time":
      return `${String(seed % 24).padStart(2, "0")}:${String(seed % 60).padStart(2, "0")}:00`;
    case "uuid": {
      const hex = Array.from({ length: 32 }, () => Math.floor(ctx.random() * 16).toString(16)).join("");
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
    }
  }
  const minLength = num(schema.minLength) ?? 0;
  const maxLength = num(schema.maxLength) ?? Infinity;
  let text = pickWords(ctx, 3 + Math.floor(ctx.random() * 6)).join(" ");
  while (text.length < minLength) text += " " + pickWords(ctx, 1)[0];
  if (text.length > maxLength) text = text.slice(0, maxLength).trimEnd();
  while (text.length < minLength) text += "x";
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function fillNumber(schema: Schema, ctx: FillContext, integer: boolean): number {
  let low = num(schema.minimum) ?? -Infinity;
  let high = num(schema.maximum) ?? Infinity;
  const exclusiveLow = num(schema.exclusiveMinimum);
  const exclusiveHigh = num(schema.exclusiveMaximum);
  const step = num(schema.multipleOf) ?? (integer ? 1 : 0.01);
  if (exclusiveLow !== undefined) low = Math.max(low, exclusiveLow + step);
  if (exclusiveHigh !== undefined) high = Math.min(high, exclusiveHigh - step);
  if (low === -Infinity && high === Infinity) [low, high] = [0, 100];
  else if (low === -Infinity) low = high - 100;
  else if (high === Infinity) high = low + 100;
  const first = Math.ceil(low / step - 1e-9);
  const last = Math.floor(high / step + 1e-9);
  if (last < first) return low;
  const k = first + Math.floor(ctx.random() * (last - first + 1));
  return Number((k * step).toFixed(10));
}

function pickWords(ctx: FillContext, count: number): string[] {
  return Array.from({ length: count }, () => pick(ctx, ctx.words) as string);
}

function pick<T>(ctx: FillContext, list: T[]): T {
  return list[Math.floor(ctx.random() * list.length)] as T;
}

function slug(word: string): string {
  return word.toLowerCase().normalize("NFKD").replace(/[^a-z0-9]+/g, "") || "x";
}

function num(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

function isSchema(value: unknown): value is Schema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function resolveRef(root: unknown, ref: string): unknown {
  if (ref === "#") return root;
  if (!ref.startsWith("#/")) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(2).split("/")) {
    const key = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
    node = isSchema(node) ? node[key] : undefined;
  }
  return node;
}

function mergeAllOf(schema: Schema, root: unknown): Schema {
  const merged: Schema = { ...schema, allOf: undefined };
  const properties: Record<string, unknown> = { ...(isSchema(schema.properties) ? schema.properties : {}) };
  const required = new Set<string>(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  for (const part of schema.allOf as unknown[]) {
    const resolved = isSchema(part) && typeof part.$ref === "string" ? resolveRef(root, part.$ref) : part;
    if (!isSchema(resolved)) continue;
    for (const [k, v] of Object.entries(resolved)) if (!["properties", "required"].includes(k)) merged[k] ??= v;
    Object.assign(properties, isSchema(resolved.properties) ? resolved.properties : {});
    for (const r of Array.isArray(resolved.required) ? (resolved.required as string[]) : []) required.add(r);
  }
  delete merged.allOf;
  return { ...merged, properties, required: [...required] };
}

/** OpenAI strict structured outputs: every object closes additionalProperties and requires every key. */
export function strictSchemaProblem(schema: unknown): string | null {
  if (!isSchema(schema) || (schema.type !== "object" && !schema.properties)) {
    return "In context=(), schema must be a JSON Schema of 'type: \"object\"', got something else.";
  }
  const visit = (node: unknown, context: string[]): string | null => {
    if (!isSchema(node)) return null;
    const where = `In context=(${context.map((c) => `'${c}'`).join(", ")}${context.length === 1 ? "," : ""})`;
    const isObject = node.type === "object" || (Array.isArray(node.type) && node.type.includes("object")) || isSchema(node.properties);
    if (isObject) {
      if (node.additionalProperties !== false) {
        return `${where}, 'additionalProperties' is required to be supplied and to be false.`;
      }
      const keys = Object.keys(isSchema(node.properties) ? node.properties : {});
      const required = Array.isArray(node.required) ? (node.required as string[]) : [];
      const missing = keys.find((k) => !required.includes(k));
      if (missing !== undefined) {
        return `${where}, 'required' is required to be supplied and to be an array including every key in properties. Missing '${missing}'.`;
      }
    }
    const children: Array<[string[], unknown]> = [];
    if (isSchema(node.properties)) for (const [k, v] of Object.entries(node.properties)) children.push([[...context, "properties", k], v]);
    if (node.items !== undefined) children.push([[...context, "items"], node.items]);
    for (const key of ["anyOf", "oneOf", "allOf", "prefixItems"]) {
      const list = node[key];
      if (Array.isArray(list)) list.forEach((v, i) => children.push([[...context, key, String(i)], v]));
    }
    for (const key of ["$defs", "definitions"]) {
      const defs = node[key];
      if (isSchema(defs)) for (const [k, v] of Object.entries(defs)) children.push([[...context, key, k], v]);
    }
    for (const [childContext, child] of children) {
      const problem = visit(child, childContext);
      if (problem) return problem;
    }
    return null;
  };
  return visit(schema, []);
}
