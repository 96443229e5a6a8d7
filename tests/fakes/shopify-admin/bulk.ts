// Bulk operations: bulkOperationRunQuery runs the query over every record (no
// page limits) and serves the result as JSONL, one object a line, nested
// connection nodes on their own lines with __parentId, as Shopify does.
import { graphqlSync, parse } from "graphql";
import { adminSchema } from "./schema";
import { rootValue, type ResolveContext } from "./root";
import type { FakeBulkOperation } from "./types";

type Json = Record<string, unknown>;

function isConnection(v: unknown): v is { edges?: { node: Json }[]; nodes?: Json[] } {
  return typeof v === "object" && v !== null && !Array.isArray(v) && ("edges" in v || "nodes" in v) && Object.keys(v).every((k) => k === "edges" || k === "nodes" || k === "pageInfo");
}

function nodesOf(conn: { edges?: { node: Json }[]; nodes?: Json[] }): Json[] {
  return conn.nodes ?? (conn.edges ?? []).map((e) => e.node);
}

function flatten(node: Json, parentId: string | null, out: string[]): number {
  const own: Json = {};
  const children: [string, Json[]][] = [];
  for (const [k, v] of Object.entries(node)) {
    if (isConnection(v)) children.push([k, nodesOf(v)]);
    else own[k] = v;
  }
  if (parentId) own.__parentId = parentId;
  out.push(JSON.stringify(own));
  let count = 1;
  for (const [, kids] of children) {
    if (typeof node.id !== "string") throw new Error("Bulk queries with nested connections must select the parent's id field.");
    for (const kid of kids) count += flatten(kid, node.id, out);
  }
  return count;
}

export function startBulkOperation(c: ResolveContext, query: string): { op: FakeBulkOperation } | { error: string } {
  let document;
  try {
    document = parse(query);
  } catch (e) {
    return { error: `Invalid bulk query: ${(e as Error).message}` };
  }
  const result = graphqlSync({ schema: adminSchema, source: query, rootValue: rootValue({ ...c, unbounded: true }) });
  if (result.errors?.length) return { error: `Invalid bulk query: ${result.errors[0]!.message}` };
  void document;
  const data = (result.data ?? {}) as Json;
  const top = Object.values(data).find(isConnection);
  if (!top) return { error: "Bulk queries must contain at least one connection." };
  const lines: string[] = [];
  let objectCount = 0;
  try {
    for (const n of nodesOf(top)) objectCount += flatten(n, null, lines);
  } catch (e) {
    return { error: (e as Error).message };
  }
  const jsonl = lines.length ? lines.join("\n") + "\n" : "";
  const now = Date.now();
  const op: FakeBulkOperation = {
    id: `gid://shopify/BulkOperation/${c.shop.bulkOperations.length + 1}`,
    status: "RUNNING",
    query,
    createdAt: new Date(now).toISOString(),
    completedAt: null,
    objectCount,
    fileSize: Buffer.byteLength(jsonl),
    jsonl,
    errorCode: null,
    readyAt: now + (c.state.bulkDelayMs ?? 0),
  };
  c.shop.bulkOperations.push(op);
  return { op };
}
