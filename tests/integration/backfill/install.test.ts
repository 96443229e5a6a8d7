// A full install against the fake Shopify over real HTTP: the app's own
// shopifyApp (token exchange through SHOPIFY_ADMIN_ORIGIN), afterAuth's
// onInstalled, the pixel, and the backfill queued once and run by the queue
// with the stored offline session.
import { afterAll, describe, expect, it } from "vitest";
import { sampleStore, startFakeShopify, type FakeStore } from "../../fakes/shopify-admin";
import { mintSessionToken } from "~/core/shopify/session-token";
import { TEST_API_KEY, TEST_API_SECRET, TEST_APP_URL } from "../../setup/test-config";

const shop = "install-shop.myshopify.com";
const flaky = "flaky-shop.myshopify.com";
const stores: Record<string, FakeStore> = {
  [shop]: sampleStore({ seed: 3, products: 8, customers: 25, orders: 12, oldOrders: 2 }),
  [flaky]: sampleStore({ seed: 4, products: 2, customers: 2, orders: 2 }),
};
stores[shop]!.shop = { name: "Install Shop", currency: "EUR", iana_timezone: "Europe/Paris", email: "owner@install.example", domain: "install.example", address: { address1: "3 Rue Mouffetard", city: "Paris", zip: "75005", country: "France" } };
const fake = await startFakeShopify({ apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET, stores });
// Before any app module reads the environment (so every app import below is dynamic).
process.env.SHOPIFY_ADMIN_ORIGIN = fake.origin;

const { authenticate, unauthenticated, sessionStorage } = await import("~/shopify.server");
const { onInstalled, installStatus } = await import("~/core/install/install.server");
const { queue } = await import("~/jobs/index.server");
const { default: prisma } = await import("~/db.server");
const { expected, stored } = await import("./helpers");

const UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";
function appRequest(token: string) {
  return new Request(`${TEST_APP_URL}/app`, { headers: { authorization: `Bearer ${token}`, "user-agent": UA } });
}

afterAll(() => fake.close());

describe("install", () => {
  it("refuses a forged session token: no exchange, no session, no shop", async () => {
    const forged = mintSessionToken({ shop, apiKey: TEST_API_KEY, apiSecret: "not-the-secret" });
    const thrown = await authenticate.admin(appRequest(forged)).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(Response);
    expect((thrown as Response).status).toBe(401);
    expect(fake.state.requests.filter((r) => r.path.startsWith("/admin/oauth"))).toHaveLength(0);
    expect(await prisma.shop.findUnique({ where: { id: shop } })).toBeNull();
  });

  it("exchanges the token, stores the shop, activates the pixel and queues the backfill once", async () => {
    const token = mintSessionToken({ shop, apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET });
    const { session } = await authenticate.admin(appRequest(token)).catch(async (e: unknown) => {
      throw new Error(`authenticate.admin failed: ${e instanceof Response ? e.status : String(e)}; fake saw ${JSON.stringify(fake.state.requests)}`);
    });
    expect(session.accessToken).toMatch(/^shpat_/);
    expect((await sessionStorage.loadSession(`offline_${shop}`))?.accessToken).toBe(session.accessToken);

    const row = await prisma.shop.findUniqueOrThrow({ where: { id: shop } });
    expect(row).toMatchObject({ status: "installed", name: "Install Shop", currency: "EUR", timezone: "Europe/Paris", webPixelId: "1" });
    // The sender and footer defaults come from the shop's own details.
    expect(row).toMatchObject({ email: "owner@install.example", domain: "install.example", address: "3 Rue Mouffetard, Paris, 75005, France" });
    expect(fake.mutations("webPixelCreate")).toHaveLength(1);
    const { webPixel } = fake.mutations("webPixelCreate")[0]!.variables as { webPixel: { settings: string } };
    const settings = JSON.parse(webPixel.settings) as unknown;
    expect(settings).toMatchObject({ shop, endpoint: `${TEST_APP_URL}/pixel/events` });

    // afterAuth again (a second token exchange, or two loaders racing): still one backfill.
    const { admin } = await unauthenticated.admin(shop);
    const again = await onInstalled({ shop, scopes: session.scope ?? "", admin });
    expect(again.backfill).toMatchObject({ ok: true, value: { created: false } });
    expect(await prisma.job.count({ where: { shopId: shop, type: "backfill.shop" } })).toBe(1);
    expect(await prisma.backfillRun.count({ where: { shopId: shop } })).toBe(1);
    expect(fake.mutations("webPixelCreate")).toHaveLength(1); // the known pixel was updated instead
    expect(fake.mutations("webPixelUpdate")).toHaveLength(1);

    // The worker runs the backfill with the stored offline session.
    await queue.drain();
    const status = await installStatus(shop);
    expect(status).toMatchObject({ installed: true, webPixelId: "1", issues: {} });
    expect(status?.backfill).toMatchObject({ status: "done", percent: 100, counts: expected(stores[shop]!) });
    expect(await stored(shop)).toEqual(expected(stores[shop]!));
    expect((await prisma.order.findFirstOrThrow({ where: { shopId: shop } })).currency).toBe("USD"); // the orders' own shop money
  });

  it("does not fail the first load when the pixel cannot be activated; the next install retries it", async () => {
    fake.failRequests({ nth: 1, match: "webPixelCreate", status: 500 });
    const token = mintSessionToken({ shop: flaky, apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET });
    const { session } = await authenticate.admin(appRequest(token));
    expect(session.shop).toBe(flaky);
    const status = await installStatus(flaky);
    expect(status?.installed).toBe(true);
    expect(status?.webPixelId).toBeNull();
    expect(status?.issues.pixel?.message).toBeTruthy();
    expect(status?.backfill?.status).toBe("queued");

    const { admin } = await unauthenticated.admin(flaky);
    const retry = await onInstalled({ shop: flaky, scopes: session.scope ?? "", admin });
    expect(retry.pixel.ok).toBe(true);
    expect(await installStatus(flaky)).toMatchObject({ webPixelId: "1", issues: {} });
    expect(await prisma.job.count({ where: { shopId: flaky } })).toBe(1);
  });

  it("queues a new backfill when the shop reinstalls after an uninstall", async () => {
    await prisma.shop.update({ where: { id: shop }, data: { status: "uninstalled", uninstalledAt: new Date() } });
    const { admin } = await unauthenticated.admin(shop);
    const outcome = await onInstalled({ shop, scopes: "read_orders", admin });
    expect(outcome.reinstalled).toBe(true);
    expect(outcome.backfill).toMatchObject({ ok: true, value: { created: true } });
    expect(await prisma.backfillRun.count({ where: { shopId: shop } })).toBe(2);
  });
});
