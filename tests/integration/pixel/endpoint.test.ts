import { beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { pixelLimiter } from "~/core/pixel/endpoint.server";
import { linkPendingBrowsers } from "~/core/pixel/store.server";
import { action, loader } from "~/routes/pixel.events";
import { TEST_API_SECRET } from "../../setup/test-config";
import { examples, standardEvent } from "../../unit/pixel/fixtures";
import { ENDPOINT, installShop, pixelRequest } from "./helpers";

const args = (request: Request) => ({ request, params: {}, context: {} });
const post = async (body: unknown, init?: Parameters<typeof pixelRequest>[1]) => {
  const response = await action(args(pixelRequest(body, init)));
  return { response, json: (await response.json()) as Record<string, unknown> };
};
const browser = (id: string) => (e: ReturnType<typeof standardEvent>) => ({ ...e, clientId: id });

beforeEach(() => pixelLimiter.reset());

describe("POST /pixel/events: who may send", () => {
  it("refuses an unknown shop and stores nothing", async () => {
    const { response } = await post({ shop: "nobody.myshopify.com", events: [examples.page()] });
    expect(response.status).toBe(403);
    expect(await prisma.browseEvent.count()).toBe(0);
  });

  it("refuses an uninstalled shop and stores nothing", async () => {
    await installShop("gone.myshopify.com", "uninstalled");
    const { response, json } = await post({ shop: "gone.myshopify.com", events: [examples.page()] });
    expect(response.status).toBe(403);
    expect(json.error).toBe("shop is not installed");
    expect(await prisma.browseEvent.count({ where: { shopId: "gone.myshopify.com" } })).toBe(0);
  });

  it("answers the CORS preflight and every response for any origin, without credentials", async () => {
    const pre = await loader(args(new Request(ENDPOINT, {
      method: "OPTIONS",
      headers: { Origin: "null", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type" },
    })));
    expect(pre.status).toBe(204);
    expect(pre.headers.get("access-control-allow-origin")).toBe("*");
    expect(pre.headers.get("access-control-allow-methods")).toContain("POST");
    expect(pre.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("content-type");
    expect(pre.headers.get("access-control-allow-credentials")).toBeNull();

    await installShop("cors.myshopify.com");
    const { response } = await post({ shop: "cors.myshopify.com", events: [examples.page()] }, { headers: { Origin: "https://extensions.shopifycdn.com" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    const refused = await post({ shop: "nobody.myshopify.com", events: [examples.page()] });
    expect(refused.response.headers.get("access-control-allow-origin")).toBe("*");

    const get = await loader(args(new Request(ENDPOINT)));
    expect(get.status).toBe(405);
  });
});

describe("POST /pixel/events: what is accepted", () => {
  const shop = "store.myshopify.com";
  beforeEach(async () => {
    if (!(await prisma.shop.findUnique({ where: { id: shop } }))) await installShop(shop);
  });

  it("stores the seven event types, normalised, with an application/json or text/plain body", async () => {
    const events = [examples.page(), examples.product(), examples.collection(), examples.search(), examples.addToCart(), examples.checkoutStarted(), examples.checkoutCompleted(null, null)].map(browser("b-types"));
    const { response, json } = await post({ shop, events }, { headers: { "Content-Type": "application/json" } });
    expect(response.status).toBe(200);
    expect(json).toEqual({ accepted: 7, duplicates: 0, rejected: [] });
    const rows = await prisma.browseEvent.findMany({ where: { shopId: shop, browserId: "b-types" } });
    expect(new Set(rows.map((r) => r.type)).size).toBe(7);
    expect(rows.find((r) => r.type === "product_viewed")).toMatchObject({ productShopifyId: "22", variantShopifyId: "11" });
    expect(rows.find((r) => r.type === "product_added_to_cart")).toMatchObject({ productShopifyId: "55", quantity: 2 });
    expect(rows.every((r) => r.url === "https://shop.example/products/hat?utm_source=mail")).toBe(true);
  });

  it("refuses a body over 64 KB with 413, declared or streamed", async () => {
    const big = JSON.stringify({ shop, events: [browser("b-big")(examples.search("x".repeat(70_000)))] });
    expect((await action(args(pixelRequest(null, { raw: big, headers: { "Content-Length": String(big.length) } })))).status).toBe(413);
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < 20; i++) c.enqueue(new TextEncoder().encode("x".repeat(4096)));
        c.close();
      },
    });
    const streamed = new Request(ENDPOINT, { method: "POST", body: stream, duplex: "half" } as RequestInit);
    expect((await action(args(streamed))).status).toBe(413);
    expect(await prisma.browseEvent.count({ where: { shopId: shop, browserId: "b-big" } })).toBe(0);
  });

  it("refuses more than 50 events with 413 and non-JSON with 400", async () => {
    const events = Array.from({ length: 51 }, () => browser("b-many")(examples.page()));
    const { response, json } = await post({ shop, events });
    expect(response.status).toBe(413);
    expect(json.error).toMatch(/too many events/);
    expect((await post(null, { raw: "{not json" })).response.status).toBe(400);
    expect((await post({ events: [examples.page()] })).response.status).toBe(400);
  });

  it("keeps the valid events of a batch and names the malformed ones", async () => {
    const events = [examples.page(), standardEvent("clicked", {}), examples.product("gid://shopify/Collection/1", null), examples.search()].map(browser("b-mixed"));
    const { response, json } = await post({ shop, events });
    expect(response.status).toBe(200);
    expect(json.accepted).toBe(2);
    expect(json.rejected).toEqual([
      { index: 1, error: 'name: unsupported event "clicked"' },
      { index: 2, error: "data.productVariant.id: not a Shopify ProductVariant id" },
    ]);
    const all = await post({ shop, events: [{ id: "x" }] });
    expect(all.response.status).toBe(400);
    expect(all.json.error).toBe("no valid events");
  });

  it("drops duplicate event ids, within a batch and across batches", async () => {
    const e = browser("b-dup")(examples.page());
    expect((await post({ shop, events: [e, e] })).json).toMatchObject({ accepted: 1, duplicates: 1 });
    expect((await post({ shop, events: [e, examples.search()] })).json).toMatchObject({ accepted: 1, duplicates: 1 });
    expect(await prisma.browseEvent.count({ where: { shopId: shop, eventId: e.id } })).toBe(1);
  });

  it("rate-limits a browser with 429 and Retry-After, and leaves other browsers alone", async () => {
    const batch = () => Array.from({ length: 50 }, () => browser("b-flood")(examples.page()));
    expect((await post({ shop, events: batch() })).response.status).toBe(200);
    const { response } = await post({ shop, events: batch() });
    expect(response.status).toBe(429);
    expect(Number(response.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(await prisma.browseEvent.count({ where: { shopId: shop, browserId: "b-flood" } })).toBe(50);
    expect((await post({ shop, events: [browser("b-calm")(examples.page())] })).response.status).toBe(200);
  });

  it("stores hostile text capped and inert", async () => {
    const hostile = [
      examples.search("<script>alert('x')</script>\u0000" + "A".repeat(10_000)),
      { ...examples.page(), context: { document: { location: { href: "javascript:alert(document.cookie)" } } } },
      { ...examples.page(), context: { document: { location: { href: "https://shop.example/\"><img src=x onerror=alert(1)>" } } } },
    ].map(browser("b-hostile"));
    expect((await post({ shop, events: hostile })).json).toMatchObject({ accepted: 3 });
    const rows = await prisma.browseEvent.findMany({ where: { shopId: shop, browserId: "b-hostile" }, orderBy: { occurredAt: "asc" } });
    const search = rows.find((r) => r.type === "search_submitted")!;
    expect(search.searchQuery!.length).toBeLessThanOrEqual(200);
    expect(search.searchQuery).not.toMatch(/[<>]/);
    expect(search.searchQuery).not.toContain("\u0000");
    const urls = rows.filter((r) => r.type === "page_viewed").map((r) => r.url);
    expect(urls).toContain(null);
    expect(urls.filter(Boolean).every((u) => !/[<>"]/.test(u!))).toBe(true);
  });

  it("never writes orders or checkouts from pixel data", async () => {
    await post({ shop, events: [examples.checkoutCompleted("buyer@example.com", null)].map(browser("b-order")) });
    expect(await prisma.order.count()).toBe(0);
    expect(await prisma.checkout.count()).toBe(0);
  });
});

describe("POST /pixel/events: identity", () => {
  const shop = "ident.myshopify.com";
  beforeEach(async () => {
    if (!(await prisma.shop.findUnique({ where: { id: shop } }))) await installShop(shop);
  });
  const customerOf = (browserId: string) =>
    prisma.browseEvent.findMany({ where: { shopId: shop, browserId }, select: { customerId: true } }).then((r) => r.map((x) => x.customerId));

  it("links a logged-in customer to the browser and back-attaches its anonymous events", async () => {
    const customer = await prisma.customer.create({ data: { shopId: shop, shopifyId: "500" } });
    await post({ shop, events: [examples.page(), examples.product()].map(browser("b-login")) });
    expect(await customerOf("b-login")).toEqual([null, null]);
    await post({ shop, identity: { customerId: "gid://shopify/Customer/500" }, events: [browser("b-login")(examples.page())] });
    expect(await customerOf("b-login")).toEqual([customer.id, customer.id, customer.id]);
    // Later anonymous events of the browser belong to the same customer.
    await post({ shop, events: [browser("b-login")(examples.search())] });
    expect(new Set(await customerOf("b-login"))).toEqual(new Set([customer.id]));
    expect(await prisma.browserIdentity.findUnique({ where: { shopId_browserId: { shopId: shop, browserId: "b-login" } } })).toMatchObject({ customerId: customer.id, emailHash: null });
  });

  it("links by checkout email, or keeps only the email's hash until the customer exists", async () => {
    const known = await prisma.customer.create({ data: { shopId: shop, shopifyId: "600", email: "known@example.com" } });
    await post({ shop, events: [examples.page(), examples.checkoutStarted("KNOWN@example.com")].map(browser("b-email")) });
    expect(await customerOf("b-email")).toEqual([known.id, known.id]);

    await post({ shop, events: [examples.page(), examples.checkoutStarted("later@example.com")].map(browser("b-pending")) });
    const pending = await prisma.browserIdentity.findUnique({ where: { shopId_browserId: { shopId: shop, browserId: "b-pending" } } });
    expect(pending?.customerId).toBeNull();
    expect(pending?.emailHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(pending)).not.toContain("later@");
    expect(await customerOf("b-pending")).toEqual([null, null]);

    const later = await prisma.customer.create({ data: { shopId: shop, shopifyId: "601", email: "later@example.com" } });
    expect(await linkPendingBrowsers(prisma, shop, later, TEST_API_SECRET)).toBe(1);
    expect(await customerOf("b-pending")).toEqual([later.id, later.id]);
    expect(await prisma.browserIdentity.findUnique({ where: { shopId_browserId: { shopId: shop, browserId: "b-pending" } } })).toMatchObject({ customerId: later.id, emailHash: null });
  });

  it("does not move events already attributed to another customer", async () => {
    const a = await prisma.customer.create({ data: { shopId: shop, shopifyId: "700" } });
    const b = await prisma.customer.create({ data: { shopId: shop, shopifyId: "701" } });
    await post({ shop, identity: { customerId: "700" }, events: [browser("b-shared")(examples.page())] });
    await post({ shop, identity: { customerId: "701" }, events: [browser("b-shared")(examples.search())] });
    const rows = await prisma.browseEvent.findMany({ where: { shopId: shop, browserId: "b-shared" }, select: { type: true, customerId: true } });
    expect(rows.find((r) => r.type === "page_viewed")?.customerId).toBe(a.id);
    expect(rows.find((r) => r.type === "search_submitted")?.customerId).toBe(b.id);
  });
});

describe("POST /pixel/events: shops are kept apart", () => {
  it("stores the same event id for two shops, and never links to another shop's customer", async () => {
    await installShop("one.myshopify.com");
    await installShop("two.myshopify.com");
    const other = await prisma.customer.create({ data: { shopId: "one.myshopify.com", shopifyId: "900", email: "x@example.com" } });
    const e = browser("b-both")(examples.page());
    expect((await post({ shop: "one.myshopify.com", events: [e] })).json).toMatchObject({ accepted: 1 });
    const second = await post({ shop: "two.myshopify.com", identity: { customerId: "900", email: "x@example.com" }, events: [e] });
    expect(second.json).toMatchObject({ accepted: 1, duplicates: 0 });
    const two = await prisma.browseEvent.findMany({ where: { shopId: "two.myshopify.com" } });
    expect(two).toHaveLength(1);
    expect(two[0]!.customerId).toBeNull();
    expect(await prisma.browseEvent.count({ where: { customerId: other.id } })).toBe(0);
    const identity = await prisma.browserIdentity.findMany({ where: { browserId: "b-both" } });
    expect(identity.map((i) => [i.shopId, i.customerId])).toEqual([["two.myshopify.com", null]]);
  });
});
