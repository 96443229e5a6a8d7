// Bulk-operation result files, streamed: bytes to lines, and lines to records
// grouped with their children. Never holds more than one group in memory. Pure.

type Json = Record<string, unknown>;

/** Splits a byte stream into its non-empty lines (UTF-8), keeping only the unfinished line between chunks. */
export async function* readLines(body: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder("utf-8");
  let rest = "";
  for await (const chunk of body) {
    rest += decoder.decode(chunk, { stream: true });
    let start = 0;
    for (let nl = rest.indexOf("\n"); nl >= 0; nl = rest.indexOf("\n", start)) {
      const line = rest.slice(start, nl).replace(/\r$/, "");
      start = nl + 1;
      if (line.trim()) yield line;
    }
    rest = rest.slice(start);
  }
  rest += decoder.decode();
  if (rest.trim()) yield rest.replace(/\r$/, "");
}

export interface JsonlGroup {
  parent: Json;
  /** The lines carrying `__parentId` of the parent or of one of these children, in file order. */
  children: Json[];
  /** How many lines of the file have been read once this group is complete (a resume point). */
  end: number;
}

export class JsonlFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "JsonlFormatError";
  }
}

function parseLine(line: string, n: number): Json {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new JsonlFormatError(`bulk result line ${n} is not JSON`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new JsonlFormatError(`bulk result line ${n} is not an object`);
  return value as Json;
}

/**
 * Groups a grouped bulk result (`groupObjects: true`): a line without
 * `__parentId` starts a record, the lines after it with `__parentId` belong to
 * it. `skip` resumes after that many lines (always a group boundary). A child
 * of anything but the current group means the file is not grouped: an error,
 * never a silently misassigned row.
 */
export async function* groupJsonl(lines: AsyncIterable<string>, options: { skip?: number } = {}): AsyncGenerator<JsonlGroup> {
  const skip = options.skip ?? 0;
  let n = 0;
  let current: { parent: Json; children: Json[]; ids: Set<string> } | null = null;
  for await (const line of lines) {
    n++;
    if (n <= skip) continue;
    const value = parseLine(line, n);
    const parentId = value.__parentId;
    if (parentId === undefined) {
      if (current) yield { parent: current.parent, children: current.children, end: n - 1 };
      current = { parent: value, children: [], ids: new Set(typeof value.id === "string" ? [value.id] : []) };
      continue;
    }
    if (!current) {
      throw new JsonlFormatError(n === skip + 1 && skip > 0 ? `bulk result line ${n}: resuming after line ${skip} lands inside a record` : `bulk result line ${n}: a child before any parent`);
    }
    if (typeof parentId !== "string" || !current.ids.has(parentId)) {
      throw new JsonlFormatError(`bulk result line ${n}: child of ${String(parentId)} inside the group of ${String(current.parent.id)} (was the operation run with groupObjects: true?)`);
    }
    delete value.__parentId;
    current.children.push(value);
    if (typeof value.id === "string") current.ids.add(value.id);
  }
  if (n < skip) throw new JsonlFormatError(`bulk result has ${n} lines, fewer than the ${skip} already stored`);
  if (current) yield { parent: current.parent, children: current.children, end: n };
}

/** Collects up to `size` items at a time. */
export async function* batches<T>(items: AsyncIterable<T>, size: number): AsyncGenerator<T[]> {
  let batch: T[] = [];
  for await (const item of items) {
    batch.push(item);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

/** The object type of a Shopify global id ("ProductVariant" for gid://shopify/ProductVariant/1). */
export function gidType(id: unknown): string | null {
  return typeof id === "string" ? (/^gid:\/\/shopify\/([A-Za-z]+)\//.exec(id)?.[1] ?? null) : null;
}
