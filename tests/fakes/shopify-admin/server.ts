// A fake Shopify Admin server on loopback: token exchange, Admin GraphQL with
// cost-based throttling, bulk-operation results, a mutation log and failure
// injection. Used by tests and by the demo (so: no test-runner imports here).
import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { execute, GraphQLError, parse, validate, type DocumentNode } from "graphql";
import { operationOf, queryCost, refill } from "./cost";
import { rootValue } from "./root";
import { adminSchema } from "./schema";
import { GraphQLInputError } from "./search";
import { verifySessionToken } from "./session-token";
import type { FailureRule, FakeBulkOperation, FakeShopifyOptions, FakeShopifyState, FakeStore, MutationRecord, ShopState } from "./types";

export interface FakeShopify {
  origin: string;
  state: FakeShopifyState;
  close(): Promise<void>;
  /** Adds (or replaces) a shop's store. */
  addStore(shop: string, store: FakeStore): ShopState;
  /** Issues an offline access token for a shop without token exchange (tests, demo). */
  issueAccessToken(shop: string): string;
  /** Fails matching requests: e.g. { nth: 3 } fails the 3rd GraphQL request from now with a 500. */
  failRequests(rule: FailureRule): void;
  /** The mutations received, optionally for one root field. */
  mutations(name?: string): MutationRecord[];
  /** The GraphQL requests answered (any status), for assertions on pagination and throttling. */
  graphqlRequests(): number;
  /** The shop's bulk operations, oldest first (live objects: tests may change them). */
  bulkOperations(shop: string): FakeBulkOperation[];
  /** The next `times` bulk operations started for the shop end FAILED with `errorCode`. */
  failNextBulkOperations(shop: string, errorCode?: string, times?: number): void;
  /** Result URLs of the shop's operations so far answer 403, as expired signed URLs do. */
  expireBulkResults(shop: string): void;
  /** Shopify forgets the shop's operations: node(id:) answers null. */
  forgetBulkOperations(shop: string): void;
}

const DEFAULT_THROTTLE = { maximumAvailable: 2000, restoreRate: 100, maxQueryCost: 1000 };
const MAX_BODY = 5 * 1024 * 1024;
const TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
const OFFLINE = "urn:shopify:params:oauth:token-type:offline-access-token";
const ONLINE = "urn:shopify:params:oauth:token-type:online-access-token";

function newShopState(store: FakeStore, max: number): ShopState {
  return { store, webPixels: [], discounts: [], bulkOperations: [], bulkFailures: [], bucket: { available: max, at: Date.now() } };
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error("body too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(status, { "content-type": typeof body === "string" ? "text/plain" : "application/json", "x-request-id": randomBytes(8).toString("hex"), ...headers });
  res.end(text);
}

export async function startFakeShopify(options: FakeShopifyOptions): Promise<FakeShopify> {
  const throttle = { ...DEFAULT_THROTTLE, ...options.throttle };
  throttle.maxQueryCost = Math.min(throttle.maxQueryCost, throttle.maximumAvailable);
  const state: FakeShopifyState = {
    shops: new Map(),
    tokens: new Map(),
    mutations: [],
    requests: [],
    failures: [],
    throttledResponses: 0,
    throttle,
    bulkDelayMs: options.bulkDelayMs ?? 0,
    bulkPollsUntilDone: options.bulkPollsUntilDone ?? 0,
  };
  for (const [shop, store] of Object.entries(options.stores ?? {})) state.shops.set(shop, newShopState(store, throttle.maximumAvailable));
  const scopes = options.scopes ?? "read_orders,read_all_orders,read_customers,write_customers,read_products,read_discounts,write_discounts,write_pixels,read_customer_events";
  const failureCounters = new Map<FailureRule, number>();
  let graphqlCount = 0;
  let origin = "";

  function shopOf(req: http.IncomingMessage): string | null {
    const forwarded = req.headers["x-forwarded-host"];
    const host = (Array.isArray(forwarded) ? forwarded[0] : forwarded) ?? req.headers.host ?? "";
    const name = host.split(":")[0]!.toLowerCase();
    return name.endsWith(".myshopify.com") ? name : null;
  }

  function injectedFailure(kind: "graphql" | "token" | "other", body: string): number | null {
    for (const rule of state.failures) {
      const path = rule.path ?? "graphql";
      if (path !== "any" && path !== kind) continue;
      if (rule.match && !body.includes(rule.match)) continue;
      const seen = (failureCounters.get(rule) ?? 0) + 1;
      failureCounters.set(rule, seen);
      if (seen >= rule.nth && seen < rule.nth + (rule.times ?? 1)) return rule.status ?? 500;
    }
    return null;
  }

  function issueAccessToken(shop: string): string {
    const token = `shpat_${randomBytes(16).toString("hex")}`;
    state.tokens.set(token, shop);
    if (!state.shops.has(shop)) state.shops.set(shop, newShopState({ products: [], customers: [], orders: [] }, throttle.maximumAvailable));
    return token;
  }

  async function tokenExchange(req: http.IncomingMessage, res: http.ServerResponse, raw: string) {
    const shop = shopOf(req);
    let body: Record<string, string>;
    try {
      body = (req.headers["content-type"] ?? "").includes("json") ? (JSON.parse(raw) as Record<string, string>) : Object.fromEntries(new URLSearchParams(raw));
    } catch {
      return send(res, 400, { error: "invalid_request", error_description: "malformed body" });
    }
    if (body.client_id !== options.apiKey || body.client_secret !== options.apiSecret) {
      return send(res, 401, { error: "invalid_client", error_description: "Client credentials are invalid" });
    }
    if (body.grant_type !== TOKEN_EXCHANGE) return send(res, 400, { error: "unsupported_grant_type" });
    const verified = verifySessionToken(body.subject_token ?? "", options.apiSecret, options.apiKey);
    if (!verified.ok || !shop || verified.shop !== shop) {
      return send(res, 400, { error: "invalid_subject_token", error_description: verified.ok ? "token issued for another shop" : verified.reason });
    }
    const token = issueAccessToken(shop);
    if (body.requested_token_type === ONLINE) {
      return send(res, 200, {
        access_token: token,
        scope: scopes,
        expires_in: 86399,
        associated_user_scope: scopes,
        associated_user: { id: Number(verified.claims.sub), first_name: "Fake", last_name: "Merchant", email: "merchant@example.com", email_verified: true, account_owner: true, locale: "en", collaborator: false },
      });
    }
    if (body.requested_token_type && body.requested_token_type !== OFFLINE) return send(res, 400, { error: "invalid_request", error_description: "unknown requested_token_type" });
    return send(res, 200, { access_token: token, scope: scopes });
  }

  async function graphql(req: http.IncomingMessage, res: http.ServerResponse, raw: string) {
    graphqlCount++;
    const shop = shopOf(req);
    const token = req.headers["x-shopify-access-token"];
    if (!shop || typeof token !== "string" || state.tokens.get(token) !== shop) {
      return send(res, 401, { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" });
    }
    const shopState = state.shops.get(shop)!;
    let body: { query?: string; variables?: Record<string, unknown> | null; operationName?: string | null };
    try {
      body = JSON.parse(raw) as typeof body;
    } catch {
      return send(res, 400, { errors: [{ message: "Invalid JSON in request body" }] });
    }
    let document: DocumentNode;
    try {
      document = parse(body.query ?? "");
    } catch (e) {
      return send(res, 200, { errors: [{ message: (e as GraphQLError).message, extensions: { code: "PARSE_ERROR" } }] });
    }
    const validation = validate(adminSchema, document);
    if (validation.length) return send(res, 200, { errors: validation.map((e) => ({ message: e.message, locations: e.locations, extensions: { code: "GRAPHQL_VALIDATION_FAILED" } })) });
    const variables = body.variables ?? {};
    const requested = queryCost(adminSchema, document, variables, body.operationName);
    const bucket = shopState.bucket;
    refill(bucket, throttle);
    const status = () => ({ maximumAvailable: throttle.maximumAvailable, currentlyAvailable: Math.floor(bucket.available), restoreRate: throttle.restoreRate });
    if (requested > throttle.maxQueryCost) {
      return send(res, 200, {
        errors: [{ message: `Query cost is ${requested}, which exceeds the single query max cost limit (${throttle.maxQueryCost}).`, extensions: { code: "MAX_COST_EXCEEDED", cost: requested, maxCost: throttle.maxQueryCost } }],
        extensions: { cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: status() } },
      });
    }
    if (requested > bucket.available) {
      state.throttledResponses++;
      return send(res, 200, {
        errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" } }],
        extensions: { cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: status() } },
      });
    }
    bucket.available -= requested;
    const op = operationOf(document, body.operationName);
    const result = await execute({
      schema: adminSchema,
      document,
      variableValues: variables,
      operationName: body.operationName ?? undefined,
      rootValue: rootValue({ shopDomain: shop, shop: shopState, state, origin }),
    });
    const actual = result.data ? Math.min(requested, queryCost(adminSchema, document, variables, body.operationName, result.data)) : requested;
    bucket.available = Math.min(throttle.maximumAvailable, bucket.available + (requested - actual));
    const errors = result.errors?.map((e) => ({
      message: e.message,
      locations: e.locations,
      path: e.path,
      extensions: { code: e.originalError instanceof GraphQLInputError ? "BAD_USER_INPUT" : "INTERNAL_SERVER_ERROR", ...e.extensions },
    }));
    void op;
    return send(res, 200, {
      ...(errors?.length ? { errors } : {}),
      data: result.data ?? null,
      extensions: { cost: { requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: status() } },
    });
  }

  function bulkFile(res: http.ServerResponse, url: URL) {
    const m = /^\/bulk\/([^/]+)\/([^/]+)\.jsonl$/.exec(url.pathname);
    const shopState = m ? state.shops.get(decodeURIComponent(m[1]!)) : undefined;
    const op = shopState?.bulkOperations.find((b) => b.id.endsWith("/" + decodeURIComponent(m![2]!)));
    if (!op || op.status !== "COMPLETED") return send(res, 404, "Not Found");
    if (op.urlExpired) {
      res.writeHead(403, { "content-type": "application/xml" });
      return res.end("<?xml version='1.0' encoding='UTF-8'?><Error><Code>ExpiredToken</Code><Message>The provided token has expired.</Message></Error>");
    }
    res.writeHead(200, { "content-type": "application/jsonl" });
    res.end(op.jsonl);
  }

  const server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", "http://fake");
      const isGraphql = req.method === "POST" && /^\/admin\/api\/(\d{4}-\d{2}|unstable)\/graphql\.json$/.test(url.pathname);
      const isToken = req.method === "POST" && url.pathname === "/admin/oauth/access_token";
      let raw = "";
      try {
        raw = await readBody(req);
      } catch {
        return send(res, 413, { errors: "Request body too large" });
      }
      const injected = injectedFailure(isGraphql ? "graphql" : isToken ? "token" : "other", raw);
      if (injected) return send(res, injected, { errors: "Internal Server Error (injected)" });
      if (isToken) return tokenExchange(req, res, raw);
      if (isGraphql) return graphql(req, res, raw);
      if (req.method === "GET" && url.pathname.startsWith("/bulk/")) return bulkFile(res, url);
      return send(res, 404, { errors: "Not Found" });
    })()
      .catch((error: unknown) => {
        if (!res.headersSent) send(res, 500, { errors: `fake Shopify error: ${String(error)}` });
      })
      .finally(() => {
        state.requests.push({ method: req.method ?? "", path: req.url ?? "", shop: shopOf(req), status: res.statusCode });
      });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    origin,
    state,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
    addStore(shop, store) {
      const s = newShopState(store, throttle.maximumAvailable);
      state.shops.set(shop, s);
      return s;
    },
    issueAccessToken,
    failRequests: (rule) => void state.failures.push(rule),
    mutations: (name) => state.mutations.filter((m) => !name || m.name === name),
    graphqlRequests: () => graphqlCount,
    bulkOperations: (shop) => state.shops.get(shop)?.bulkOperations ?? [],
    failNextBulkOperations(shop, errorCode = "INTERNAL_SERVER_ERROR", times = 1) {
      const s = state.shops.get(shop);
      if (!s) throw new Error(`no fake store for ${shop}`);
      for (let i = 0; i < times; i++) s.bulkFailures.push(errorCode);
    },
    expireBulkResults(shop) {
      for (const op of state.shops.get(shop)?.bulkOperations ?? []) op.urlExpired = true;
    },
    forgetBulkOperations(shop) {
      const s = state.shops.get(shop);
      if (s) s.bulkOperations = [];
    },
  };
}
