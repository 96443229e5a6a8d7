// The fake Shopify Admin server, driven over real HTTP on loopback.
/* eslint-disable @typescript-eslint/no-explicit-any -- assertions walk arbitrary GraphQL response JSON */
import "@shopify/shopify-api/adapters/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiVersion, LogSeverity, RequestedTokenType, Session, shopifyApi } from "@shopify/shopify-api";
import { setAbstractFetchFunc } from "@shopify/shopify-api/runtime";
import { sampleStore, startFakeShopify, type FakeShopify } from "../../fakes/shopify-admin";
import { mintSessionToken } from "~/core/shopify/session-token";
import { TEST_API_KEY, TEST_API_SECRET, TEST_SHOP } from "../../setup/test-config";
import { API_VERSION } from "~/core/shopify-api-version";

let fake: FakeShopify;
let token: string;
const graphqlPath = `/admin/api/${API_VERSION}/graphql.json`;

async function gql(query: string, variables: Record<string, unknown> = {}, opts: { token?: string; shop?: string } = {}) {
  const res = await fetch(fake.origin + graphqlPath, {
    method: "POST",
    headers: { "content-type": "application/json", "x-shopify-access-token": opts.token ?? token, "x-forwarded-host": opts.shop ?? TEST_SHOP },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, body: (await res.json()) as any };
}

async function exchange(subjectToken: string, overrides: Record<string, string> = {}, shop = TEST_SHOP) {
  const res = await fetch(fake.origin + "/admin/oauth/access_token", {
    method: "POST",
    headers: { "content-type": "application/json", "x-forwarded-host": shop },
    body: JSON.stringify({
      client_id: TEST_API_KEY,
      client_secret: TEST_API_SECRET,
      grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
      subject_token: subjectToken,
      subject_token_type: "urn:ietf:params:oauth:token-type:id_token",
      requested_token_type: "urn:shopify:params:oauth:token-type:offline-access-token",
      ...overrides,
    }),
  });
  return { status: res.status, body: (await res.json()) as any };
}

beforeAll(async () => {
  fake = await startFakeShopify({ apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET, stores: { [TEST_SHOP]: sampleStore({ products: 12, customers: 9, orders: 7, oldOrders: 3 }) } });
  token = fake.issueAccessToken(TEST_SHOP);
});
afterAll(() => fake.close());

describe("token exchange", () => {
  it("grants an offline token for a session token signed with the app's secret", async () => {
    const jwt = mintSessionToken({ shop: TEST_SHOP, apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET });
    const { status, body } = await exchange(jwt);
    expect(status).toBe(200);
    expect(body.access_token).toMatch(/^shpat_/);
    expect(body.scope).toContain("write_pixels");
    expect((await gql("{ shop { name } }", {}, { token: body.access_token })).body.data.shop.name).toBe("Test Shop");
  });

  it("refuses a forged, expired, foreign or misaddressed token and wrong client credentials", async () => {
    expect((await exchange(mintSessionToken({ shop: TEST_SHOP, apiKey: TEST_API_KEY, apiSecret: "wrong-secret" }))).body.error).toBe("invalid_subject_token");
    const expired = mintSessionToken({ shop: TEST_SHOP, apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET, now: Math.floor(Date.now() / 1000) - 120 });
    expect((await exchange(expired)).status).toBe(400);
    expect((await exchange(mintSessionToken({ shop: TEST_SHOP, apiKey: "other-app", apiSecret: TEST_API_SECRET }))).status).toBe(400);
    expect((await exchange(mintSessionToken({ shop: "other.myshopify.com", apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET }))).status).toBe(400);
    const ok = mintSessionToken({ shop: TEST_SHOP, apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET });
    expect((await exchange(ok, { client_secret: "nope" })).status).toBe(401);
  });

  it("works with @shopify/shopify-api's token exchange and GraphQL client", async () => {
    setAbstractFetchFunc(async (input, init) => {
      const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
      const headers = new Headers(init?.headers);
      headers.set("x-forwarded-host", url.hostname);
      return fetch(fake.origin + url.pathname + url.search, { ...init, headers });
    });
    const api = shopifyApi({
      apiKey: TEST_API_KEY,
      apiSecretKey: TEST_API_SECRET,
      apiVersion: API_VERSION as ApiVersion,
      hostName: "loopwise.test",
      isEmbeddedApp: true,
      logger: { level: LogSeverity.Error },
    });
    const jwt = mintSessionToken({ shop: TEST_SHOP, apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET });
    const { session } = await api.auth.tokenExchange({ shop: TEST_SHOP, sessionToken: jwt, requestedTokenType: RequestedTokenType.OfflineAccessToken });
    expect(session).toBeInstanceOf(Session);
    const client = new api.clients.Graphql({ session });
    const res = await client.request(`query { shop { myshopifyDomain currencyCode ianaTimezone } }`);
    expect(res.data).toEqual({ shop: { myshopifyDomain: TEST_SHOP, currencyCode: "USD", ianaTimezone: "Europe/London" } });
    expect(res.extensions?.cost?.throttleStatus?.maximumAvailable).toBe(2000);
    const bad = mintSessionToken({ shop: TEST_SHOP, apiKey: TEST_API_KEY, apiSecret: "forged", sub: "1" });
    await expect(api.auth.tokenExchange({ shop: TEST_SHOP, sessionToken: bad, requestedTokenType: RequestedTokenType.OfflineAccessToken })).rejects.toThrow();
  });
});

describe("Admin GraphQL", () => {
  it("refuses a missing or foreign access token", async () => {
    expect((await gql("{ shop { name } }", {}, { token: "shpat_nope" })).status).toBe(401);
    expect((await gql("{ shop { name } }", {}, { shop: "other.myshopify.com" })).status).toBe(401);
  });

  it("pages through filtered products with stable cursors and reports the cost", async () => {
    const q = `query($after: String) { products(first: 4, after: $after, query: "status:active") { pageInfo { hasNextPage endCursor } nodes { id status variants(first: 5) { nodes { price } } } } }`;
    const ids: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const { body } = await gql(q, { after });
      expect(body.extensions.cost.requestedQueryCost).toBe(2 + 4 * (1 + 2 + 5));
      expect(body.extensions.cost.actualQueryCost).toBeLessThanOrEqual(body.extensions.cost.requestedQueryCost);
      ids.push(...body.data.products.nodes.map((n: { id: string }) => n.id));
      after = body.data.products.pageInfo.hasNextPage ? body.data.products.pageInfo.endCursor : null;
      pages++;
    } while (after);
    expect(ids).toHaveLength(10); // 12 products, every 5th a draft
    expect(new Set(ids).size).toBe(10);
    expect(ids.every((id) => id.startsWith("gid://shopify/Product/"))).toBe(true);
    expect(pages).toBe(3);
  });

  it("filters orders by created_at and maps REST money and consent to GraphQL shapes", async () => {
    const since = new Date(Date.now() - 365 * 86_400_000).toISOString();
    const { body } = await gql(`query($q: String) { ordersCount(query: $q) { count } orders(first: 50, query: $q) { nodes { totalPriceSet { shopMoney { amount currencyCode } } customer { emailMarketingConsent { marketingState } } } } }`, { q: `created_at:>='${since}'` });
    expect(body.data.ordersCount.count).toBe(7);
    expect(body.data.orders.nodes).toHaveLength(7);
    expect(body.data.orders.nodes[0].totalPriceSet.shopMoney.currencyCode).toBe("USD");
    const c = await gql(`{ customers(first: 3) { nodes { emailMarketingConsent { marketingState marketingOptInLevel consentUpdatedAt } } } }`);
    expect(c.body.data.customers.nodes.map((n: any) => n.emailMarketingConsent.marketingState)).toEqual(["NOT_SUBSCRIBED", "UNSUBSCRIBED", "PENDING"]);
  });

  it("answers parse and validation errors like Shopify", async () => {
    expect((await gql("{ shop { nope } }")).body.errors[0].message).toMatch(/nope/);
    expect((await gql("{ shop ")).body.errors[0].extensions.code).toBe("PARSE_ERROR");
  });
});

describe("mutations", () => {
  it("logs webPixelCreate and answers TAKEN for a second pixel; webPixelUpdate changes it", async () => {
    const create = `mutation($s: JSON!) { webPixelCreate(webPixel: { settings: $s }) { webPixel { id settings } userErrors { code message } } }`;
    const first = await gql(create, { s: '{"shop":"x"}' });
    expect(first.body.data.webPixelCreate.webPixel.id).toBe("gid://shopify/WebPixel/1");
    expect((await gql(create, { s: "{}" })).body.data.webPixelCreate.userErrors[0].code).toBe("TAKEN");
    const upd = await gql(`mutation($id: ID!) { webPixelUpdate(id: $id, webPixel: { settings: "{\\"a\\":1}" }) { webPixel { settings } userErrors { code } } }`, { id: "gid://shopify/WebPixel/1" });
    expect(upd.body.data.webPixelUpdate.webPixel.settings).toBe('{"a":1}');
    expect(fake.mutations("webPixelCreate")).toHaveLength(2);
    expect(fake.mutations("webPixelCreate")[0]!.variables).toEqual({ webPixel: { settings: '{"shop":"x"}' } });
  });

  it("creates unique discount codes and updates consent in the store", async () => {
    const m = `mutation($d: DiscountCodeBasicInput!) { discountCodeBasicCreate(basicCodeDiscount: $d) { codeDiscountNode { id codeDiscount { codes(first: 1) { nodes { code } } } } userErrors { code } } }`;
    const d = { title: "Win back", code: "LOOP-ABC", startsAt: new Date().toISOString(), customerGets: { value: { percentage: 0.1 }, items: { all: true } }, context: { all: "ALL" } };
    expect((await gql(m, { d })).body.data.discountCodeBasicCreate.codeDiscountNode.codeDiscount.codes.nodes[0].code).toBe("LOOP-ABC");
    expect((await gql(m, { d })).body.data.discountCodeBasicCreate.userErrors[0].code).toBe("TAKEN");
    const customer = fake.state.shops.get(TEST_SHOP)!.store.customers[0]!;
    const u = await gql(
      `mutation($i: CustomerEmailMarketingConsentUpdateInput!) { customerEmailMarketingConsentUpdate(input: $i) { customer { emailMarketingConsent { marketingState } } userErrors { message } } }`,
      { i: { customerId: `gid://shopify/Customer/${customer.id}`, emailMarketingConsent: { marketingState: "UNSUBSCRIBED", marketingOptInLevel: "SINGLE_OPT_IN" } } },
    );
    expect(u.body.data.customerEmailMarketingConsentUpdate.customer.emailMarketingConsent.marketingState).toBe("UNSUBSCRIBED");
    expect(customer.email_marketing_consent?.state).toBe("unsubscribed");
  });

  it("runs a bulk operation and serves its JSONL with __parentId lines", async () => {
    const run = await gql(`mutation($q: String!) { bulkOperationRunQuery(query: $q) { bulkOperation { id status } userErrors { message } } }`, {
      q: `{ products(query: "status:active") { edges { node { id title variants { edges { node { id price } } } } } } }`,
    });
    expect(run.body.data.bulkOperationRunQuery.userErrors).toEqual([]);
    const { body } = await gql(`{ currentBulkOperation { id status objectCount url } }`);
    expect(body.data.currentBulkOperation.status).toBe("COMPLETED");
    const lines = (await (await fetch(body.data.currentBulkOperation.url)).text()).trim().split("\n").map((l) => JSON.parse(l));
    const products = lines.filter((l) => !l.__parentId);
    expect(products).toHaveLength(10);
    expect(lines.filter((l) => l.__parentId).every((l) => products.some((p) => p.id === l.__parentId))).toBe(true);
    expect(Number(body.data.currentBulkOperation.objectCount)).toBe(lines.length);
  });
});

describe("bulk operations", () => {
  const run = (q: string, groupObjects?: boolean) =>
    gql(`mutation($q: String!, $g: Boolean) { bulkOperationRunQuery(query: $q, groupObjects: $g) { bulkOperation { id status } userErrors { message code } } }`, { q, g: groupObjects ?? null });
  const poll = (id: string) => gql(`query($id: ID!) { node(id: $id) { ... on BulkOperation { id status errorCode objectCount url } } }`, { id });
  const ordersQuery = `{ orders { edges { node { id lineItems { edges { node { id } } } } } } }`;
  const linesOf = async (url: string) => (await (await fetch(url)).text()).trim().split("\n").map((l) => JSON.parse(l));

  it("groups children under their parent only with groupObjects: true (the default is false since 2026-01)", async () => {
    const grouped = (await run(ordersQuery, true)).body.data.bulkOperationRunQuery.bulkOperation;
    const g = await linesOf((await poll(grouped.id)).body.data.node.url);
    let parent: string | null = null;
    for (const l of g) {
      if (!l.__parentId) parent = l.id;
      else expect(l.__parentId).toBe(parent);
    }
    const flat = (await run(ordersQuery)).body.data.bulkOperationRunQuery.bulkOperation;
    const f = await linesOf((await poll(flat.id)).body.data.node.url);
    const firstChild = f.findIndex((l) => l.__parentId);
    expect(f.slice(firstChild).every((l) => l.__parentId)).toBe(true); // every parent first, then the children
    expect(f).toHaveLength(g.length);
  });

  it("stays RUNNING for the configured polls, refuses a second query meanwhile, fails as planned, and expires URLs", async () => {
    const shop = "bulk-life.myshopify.com";
    const slow = await startFakeShopify({ apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET, stores: { [shop]: sampleStore() }, bulkPollsUntilDone: 2 });
    try {
      const t = slow.issueAccessToken(shop);
      const call = async (query: string, variables: Record<string, unknown> = {}) =>
        (await (await fetch(slow.origin + graphqlPath, { method: "POST", headers: { "content-type": "application/json", "x-shopify-access-token": t, "x-forwarded-host": shop }, body: JSON.stringify({ query, variables }) })).json()) as any;
      const start = (q: string) => call(`mutation($q: String!) { bulkOperationRunQuery(query: $q, groupObjects: true) { bulkOperation { id status } userErrors { message code } } }`, { q });
      const status = async (id: string) => (await call(`query($id: ID!) { node(id: $id) { ... on BulkOperation { status errorCode url } } }`, { id })).data.node;
      const q = `{ customers { edges { node { id } } } }`;
      const first = (await start(q)).data.bulkOperationRunQuery.bulkOperation;
      expect((await start(q)).data.bulkOperationRunQuery.userErrors[0].code).toBe("OPERATION_IN_PROGRESS");
      expect((await status(first.id)).status).toBe("RUNNING");
      expect((await status(first.id)).status).toBe("RUNNING");
      const done = await status(first.id);
      expect(done.status).toBe("COMPLETED");
      expect((await fetch(done.url)).status).toBe(200);
      slow.expireBulkResults(shop);
      expect((await fetch(done.url)).status).toBe(403);

      slow.failNextBulkOperations(shop, "TIMEOUT");
      const failing = (await start(q)).data.bulkOperationRunQuery.bulkOperation;
      await status(failing.id);
      await status(failing.id);
      expect(await status(failing.id)).toEqual({ status: "FAILED", errorCode: "TIMEOUT", url: null });
      slow.forgetBulkOperations(shop);
      expect(await status(failing.id)).toBeNull();
    } finally {
      await slow.close();
    }
  });
});

describe("throttling and failures", () => {
  it("answers THROTTLED when the bucket is empty, MAX_COST_EXCEEDED above the limit, and restores over time", async () => {
    const small = await startFakeShopify({ apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET, stores: { [TEST_SHOP]: sampleStore() }, throttle: { maximumAvailable: 100, restoreRate: 50 } });
    try {
      const t = small.issueAccessToken(TEST_SHOP);
      const call = async (first: number) => {
        const res = await fetch(small.origin + graphqlPath, {
          method: "POST",
          headers: { "content-type": "application/json", "x-shopify-access-token": t, "x-forwarded-host": TEST_SHOP },
          body: JSON.stringify({ query: `{ customers(first: ${first}) { nodes { id emailMarketingConsent { marketingState } } } }` }),
        });
        return (await res.json()) as any;
      };
      expect((await call(60)).errors[0].extensions.code).toBe("MAX_COST_EXCEEDED");
      const a = await call(30); // requested 62, actual 62
      expect(a.extensions.cost.throttleStatus.currentlyAvailable).toBeLessThan(40);
      const b = await call(30);
      expect(b.errors[0].extensions.code).toBe("THROTTLED");
      expect(b.extensions.cost.actualQueryCost).toBeNull();
      await new Promise((r) => setTimeout(r, 700)); // 35 points restored
      expect((await call(30)).data.customers.nodes).toHaveLength(30);
      expect(small.state.throttledResponses).toBe(1);
    } finally {
      await small.close();
    }
  });

  it("fails the Nth matching request with the injected status", async () => {
    fake.failRequests({ nth: 2, status: 503 });
    expect((await gql("{ shop { name } }")).status).toBe(200);
    expect((await gql("{ shop { name } }")).status).toBe(503);
    expect((await gql("{ shop { name } }")).status).toBe(200);
  });
});
