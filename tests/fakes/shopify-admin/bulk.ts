// Bulk operations: bulkOperationRunQuery runs the query over every record (no
// page limits) and serves the result as JSONL, one object a line, nested
// connection nodes on their own lines with __parentId, as Shopify does. With
// groupObjects: true children follow their parent; without it (the default
// since 2026-01) every parent line comes first, then the children.
// An operation answers RUNNING until its delay and poll count have passed,
// then COMPLETED (or FAILED with an error code the test planned).
import { graphqlSync, parse } from "graphql";
import { adminSchema } from "./schema";
import { rootValue, type ResolveContext } from "./root";
import type { FakeBulkOperation } from "./types";

type Json = Record<string, unknown>;

/** Operation ids are unique in the process (a forgotten operation's id is never reused). */
let sequence = 0;

function isConnection(v: unknown): v is { edges?: { node: Json }[]; nodes?: Json[] } {
  return typeof v === "object" && v !== null && !Array.isArray(v) && ("edges" in v || "nodes" in v) && Object.keys(v).every((k) => k === "edges" || k === "nodes" || k === "pageInfo");
}

function nodesOf(conn: { edges?: { node: Json }[]; nodes?: Json[] }): Json[] {
  return conn.nodes ?? (conn.edges ?? []).map((e) => e.node);
}

function flatten(node: Json, parentId: string | null, parents: string[], children: string[]): number {
  const own: Json = {};
  const kids: [string, Json[]][] = [];
  for (const [k, v] of Object.entries(node)) {
    if (isConnection(v)) kids.push([k, nodesOf(v)]);
    else own[k] = v;
  }
  if (parentId) own.__parentId = parentId;
  (parentId ? children : parents).push(JSON.stringify(own));
  let count = 1;
  for (const [, list] of kids) {
    if (typeof node.id !== "string") throw new Error("Bulk queries with nested connections must select the parent's id field.");
    for (const kid of list) count += flatten(kid, node.id, children, children);
  }
  return count;
}

export function startBulkOperation(c: ResolveContext, query: string, groupObjects = false): { op: FakeBulkOperation } | { error: string } {
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
  const children: string[] = [];
  try {
    for (const n of nodesOf(top)) {
      if (groupObjects) objectCount += flatten(n, null, lines, lines);
      else objectCount += flatten(n, null, lines, children);
    }
    lines.push(...children);
  } catch (e) {
    return { error: (e as Error).message };
  }
  const jsonl = lines.length ? lines.join("\n") + "\n" : "";
  const now = Date.now();
  const op: FakeBulkOperation = {
    id: `gid://shopify/BulkOperation/${++sequence}`,
    status: "RUNNING",
    query,
    createdAt: new Date(now).toISOString(),
    completedAt: null,
    objectCount,
    fileSize: Buffer.byteLength(jsonl),
    jsonl,
    errorCode: null,
    readyAt: now + (c.state.bulkDelayMs ?? 0),
    polls: 0,
    readyAfterPolls: c.state.bulkPollsUntilDone ?? 0,
    failWith: c.shop.bulkFailures.shift() ?? null,
    urlExpired: false,
  };
  c.shop.bulkOperations.push(op);
  return { op };
}

/** Ends an operation that has run its course (its delay passed, its RUNNING answers given): COMPLETED, or FAILED as planned. */
export function settleBulkOperation(op: FakeBulkOperation, now = Date.now()): FakeBulkOperation {
  if ((op.status === "RUNNING" || op.status === "CREATED") && now >= op.readyAt && op.polls >= op.readyAfterPolls) {
    op.status = op.failWith ? "FAILED" : "COMPLETED";
    op.errorCode = op.failWith;
    op.completedAt = new Date(now).toISOString();
  }
  return op;
}

/** A status read (node / currentBulkOperation): settles a due operation, else counts one more RUNNING answer. */
export function readBulkOperation(op: FakeBulkOperation): FakeBulkOperation {
  settleBulkOperation(op);
  if (op.status === "RUNNING" || op.status === "CREATED") op.polls++;
  return op;
}
