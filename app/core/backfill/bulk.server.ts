// One Admin API bulk query, from start to its result file: start it
// (bulkOperationRunQuery, adopting our own operation if a crash lost its id),
// poll it with backoff until it completes, and stream its JSONL result.
// THROTTLED answers are waited out by the throttled client.
import type { Logger } from "../../logger.server";
import type { ThrottledAdmin } from "./admin-client.server";
import { readLines } from "./jsonl";
import { BULK_POLL_QUERY, BULK_RUN_MUTATION, CURRENT_BULK_QUERY, zBulkCurrent, zBulkPoll, zBulkRun, type GqlBulkOperation } from "./queries";

/**
 * A bulk operation that cannot deliver its result. `restartable`: a new
 * operation may succeed (it failed or was cancelled on Shopify's side, its
 * result expired, or Shopify no longer knows it).
 */
export class BulkOperationError extends Error {
  constructor(
    message: string,
    readonly restartable: boolean,
    readonly code: string | null = null,
  ) {
    super(message);
    this.name = "BulkOperationError";
  }
}

export interface PollOptions {
  sleep: (ms: number) => Promise<void>;
  /** First wait between polls (default 1 s), doubled up to `maxDelayMs` (default 10 s). */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** Checked before each poll: false stops polling (the shop uninstalled, the run was cancelled). */
  keepGoing?: () => Promise<boolean>;
  logger?: Logger;
}

const ACTIVE = new Set(["CREATED", "RUNNING", "CANCELING"]);

/** The next wait between polls: doubling from `initial` up to `max`. Pure. */
export function nextPollDelay(previous: number | null, initial = 1000, max = 10_000): number {
  return previous === null ? initial : Math.min(max, previous * 2);
}

async function waitWhile(read: () => Promise<GqlBulkOperation | null>, opts: PollOptions): Promise<GqlBulkOperation | null | "stopped"> {
  let delay: number | null = null;
  for (;;) {
    if (opts.keepGoing && !(await opts.keepGoing())) return "stopped";
    const op = await read();
    if (!op || !ACTIVE.has(op.status)) return op;
    delay = nextPollDelay(delay, opts.initialDelayMs, opts.maxDelayMs);
    opts.logger?.debug("bulk operation running", { operation: op.id, status: op.status, objects: op.objectCount, waitMs: delay });
    await opts.sleep(delay);
  }
}

async function current(api: ThrottledAdmin): Promise<GqlBulkOperation | null> {
  return (await api.request(CURRENT_BULK_QUERY, {}, zBulkCurrent)).currentBulkOperation;
}

/**
 * Starts a bulk query and returns its id. When another bulk query of the app
 * is running: if it is this same query (a crash lost its id), it is adopted;
 * otherwise this waits for it to end and tries again.
 */
export async function startBulkQuery(api: ThrottledAdmin, query: string, opts: PollOptions): Promise<string | "stopped"> {
  for (let attempt = 1; ; attempt++) {
    const { bulkOperationRunQuery: run } = await api.request(BULK_RUN_MUTATION, { query }, zBulkRun);
    if (run?.bulkOperation && !run.userErrors.length) return run.bulkOperation.id;
    const errors = run?.userErrors ?? [];
    const inProgress = errors.some((e) => e.code === "OPERATION_IN_PROGRESS" || /already in progress/i.test(e.message));
    if (!inProgress || attempt >= 5) {
      const text = errors.map((e) => `${e.field?.length ? e.field.join(".") + ": " : ""}${e.message}${e.code ? ` (${e.code})` : ""}`).join("; ");
      throw new BulkOperationError(`bulkOperationRunQuery refused the query: ${text || "no operation returned"}`, false, errors[0]?.code ?? null);
    }
    const other = await current(api);
    if (other && ACTIVE.has(other.status) && other.query.trim() === query.trim()) {
      opts.logger?.info("bulk operation adopted", { operation: other.id });
      return other.id;
    }
    opts.logger?.info("another bulk query is running, waiting for it", { operation: other?.id });
    const ended = await waitWhile(() => current(api), opts);
    if (ended === "stopped") return "stopped";
  }
}

export interface CompletedBulk {
  id: string;
  objectCount: number;
  /** null when the query matched nothing (Shopify writes no file). */
  url: string | null;
}

/** Polls an operation until it ends: its result, or a BulkOperationError. */
export async function awaitBulkOperation(api: ThrottledAdmin, id: string, opts: PollOptions): Promise<CompletedBulk | "stopped"> {
  const op = await waitWhile(async () => (await api.request(BULK_POLL_QUERY, { id }, zBulkPoll)).node, opts);
  if (op === "stopped") return op;
  if (!op) throw new BulkOperationError(`bulk operation ${id} is unknown to Shopify`, true);
  switch (op.status) {
    case "COMPLETED":
      return { id, objectCount: op.objectCount, url: op.url };
    case "FAILED":
      // ACCESS_DENIED (a missing scope) fails again; TIMEOUT and INTERNAL_SERVER_ERROR may not.
      throw new BulkOperationError(`bulk operation ${id} failed: ${op.errorCode ?? "no error code"}`, op.errorCode !== "ACCESS_DENIED", op.errorCode);
    default: // CANCELED, EXPIRED
      throw new BulkOperationError(`bulk operation ${id} ended ${op.status}`, true, op.status);
  }
}

export type Download = (url: string) => Promise<Response>;

/** The result file's lines, streamed. An expired or refused URL is restartable (a new operation gets a new file). */
export async function bulkResultLines(url: string, download: Download = (u) => fetch(u)): Promise<AsyncGenerator<string>> {
  const response = await download(url);
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    const expired = response.status >= 400 && response.status < 500;
    throw new BulkOperationError(`bulk result download answered ${response.status}${expired ? " (expired URL?)" : ""}`, expired, `HTTP_${response.status}`);
  }
  return readLines(response.body as unknown as AsyncIterable<Uint8Array>);
}
