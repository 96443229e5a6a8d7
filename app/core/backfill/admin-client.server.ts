// A throttle-aware Admin GraphQL caller over any client with the Remix
// `admin.graphql(query, { variables })` shape (the offline admin from
// `unauthenticated.admin(shop)`, the afterAuth admin, or a plain-fetch client).
// It waits for the cost bucket to refill before a query it expects to be
// throttled, retries THROTTLED answers, and zod-parses every response.
import type { z } from "zod";
import { logger as rootLogger, type Logger } from "../../logger.server";
import { costOf, graphqlErrorsOf, isThrottled, isTooCostly, waitForPoints, type GraphqlErrorLike, type ThrottleStatus } from "./throttle";

export interface AdminGraphqlClient {
  graphql(query: string, options?: { variables?: Record<string, unknown> }): Promise<Response>;
}

export class AdminQueryError extends Error {
  constructor(
    message: string,
    readonly errors: GraphqlErrorLike[] = [],
  ) {
    super(message);
    this.name = "AdminQueryError";
  }
}

/** A query cost more than Shopify's single-query limit: ask for a smaller page. */
export class QueryTooCostlyError extends AdminQueryError {}

export interface ThrottledAdmin {
  request<S extends z.ZodTypeAny>(query: string, variables: Record<string, unknown>, schema: S): Promise<z.output<S>>;
  readonly stats: { requests: number; throttledRetries: number; waitedMs: number };
}

export interface ThrottleOptions {
  sleep?: (ms: number) => Promise<void>;
  logger?: Logger;
  /** THROTTLED answers retried in a row before giving up. */
  maxThrottleRetries?: number;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const operationName = (query: string) => /\b(?:query|mutation)\s+(\w+)/.exec(query)?.[1] ?? "anonymous";

/** The body a failed @shopify/shopify-api request carried (GraphqlQueryError.body), if any. */
function bodyOfError(error: unknown): unknown {
  if (typeof error === "object" && error !== null && "body" in error) return (error as { body: unknown }).body;
  return undefined;
}

export function throttledAdmin(admin: AdminGraphqlClient, options: ThrottleOptions = {}): ThrottledAdmin {
  const sleep = options.sleep ?? defaultSleep;
  const log = options.logger ?? rootLogger;
  const maxRetries = options.maxThrottleRetries ?? 30;
  const lastCost = new Map<string, number>(); // operation → requested cost last time
  let last: { status: ThrottleStatus; at: number } | null = null;
  const stats = { requests: 0, throttledRetries: 0, waitedMs: 0 };

  async function wait(ms: number) {
    if (ms <= 0) return;
    stats.waitedMs += ms;
    await sleep(ms);
  }

  async function send(query: string, variables: Record<string, unknown>): Promise<unknown> {
    stats.requests++;
    try {
      const response = await admin.graphql(query, { variables });
      return (await response.json()) as unknown;
    } catch (error) {
      const body = bodyOfError(error);
      if (body && graphqlErrorsOf(body).length) return body; // GraphQL errors: handled by the caller
      throw error; // HTTP/network failure: the job's retry resumes from the saved cursor
    }
  }

  return {
    stats,
    async request(query, variables, schema) {
      const op = operationName(query);
      for (let attempt = 0; ; attempt++) {
        const expected = lastCost.get(op);
        if (last && expected !== undefined) await wait(waitForPoints(last.status, expected, Date.now() - last.at));
        const body = await send(query, variables);
        const cost = costOf(body);
        if (cost) {
          last = { status: cost.throttleStatus, at: Date.now() };
          lastCost.set(op, cost.requestedQueryCost);
        }
        const errors = graphqlErrorsOf(body);
        if (isThrottled(errors)) {
          if (attempt >= maxRetries) throw new AdminQueryError(`${op}: still throttled after ${attempt} retries`, errors);
          stats.throttledRetries++;
          const ms = cost ? waitForPoints(cost.throttleStatus, cost.requestedQueryCost, 0) : 1000 * 2 ** Math.min(attempt, 5);
          log.debug("admin api throttled, waiting", { operation: op, waitMs: ms });
          await wait(Math.max(ms, 50));
          continue;
        }
        if (isTooCostly(errors)) throw new QueryTooCostlyError(`${op}: ${errors[0]!.message}`, errors);
        if (errors.length) throw new AdminQueryError(`${op}: ${errors.map((e) => e.message).join("; ")}`, errors);
        const parsed = schema.safeParse((body as { data?: unknown } | null)?.data);
        if (!parsed.success) {
          throw new AdminQueryError(`${op}: unexpected response shape: ${parsed.error.issues.slice(0, 3).map((i) => `${i.path.join(".")} ${i.message}`).join("; ")}`);
        }
        return parsed.data as z.output<typeof schema>;
      }
    },
  };
}

/** A minimal client for scripts and tests: POSTs to an Admin GraphQL URL with an access token. */
export function fetchAdminClient(url: string, accessToken: string, headers: Record<string, string> = {}): AdminGraphqlClient {
  return {
    async graphql(query, options) {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", "x-shopify-access-token": accessToken, ...headers },
        body: JSON.stringify({ query, variables: options?.variables ?? {} }),
      });
      if (!response.ok) throw new Error(`Admin API answered ${response.status} ${response.statusText}`);
      return response;
    },
  };
}
