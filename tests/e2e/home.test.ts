// The embedded admin's home page in Chromium, as the Shopify admin opens it:
// /app?embedded=1&shop=…&host=…&id_token=<session token signed with the app's
// secret>. The app exchanges the token with the (fake) Shopify Admin, the store
// data arrives through the real webhook and pixel routes, and the page shows it.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeInBrowser, launchBrowser, type Browser } from "./browser";
import { getDocument, startE2eApp, waitFor, type E2eApp } from "./app";
import { EXPECTED, seedThroughRoutes } from "./seed";

const RESULTS = path.resolve(__dirname, "..", "..", "test-results");

describeInBrowser("embedded admin home page (Chromium)", () => {
  let app: E2eApp;
  let browser: Browser;

  beforeAll(async () => {
    app = await startE2eApp({ demo: false });
    // The first embedded load installs the shop: token exchange with the fake Admin, then afterAuth.
    const first = await getDocument(app.embeddedUrl(app.token()));
    expect(first.status).toBe(200);
    await waitFor("the shop's row", async () => (await app.db.shop.count({ where: { id: app.shop } })) === 1);
    expect(await app.db.session.count({ where: { id: `offline_${app.shop}` } })).toBe(1);

    const statuses = await seedThroughRoutes(app.url, app.shop);
    for (const [kind, status] of Object.entries(statuses)) expect(status, `${kind} route`).toBeLessThan(300);
    // Webhooks may queue their work: wait for the worker.
    await waitFor("the seeded rows", async () => {
      const [customers, orders, products, checkouts, events] = await Promise.all([
        app.db.customer.count({ where: { shopId: app.shop } }),
        app.db.order.count({ where: { shopId: app.shop } }),
        app.db.product.count({ where: { shopId: app.shop } }),
        app.db.checkout.count({ where: { shopId: app.shop } }),
        app.db.browseEvent.count({ where: { shopId: app.shop } }),
      ]);
      return customers === 3 && orders === 2 && products === 2 && checkouts === 1 && events === 3;
    });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it("shows the store's counts, with Polaris styles", async () => {
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    const response = await page.goto(app.embeddedUrl(app.token()));
    expect(response?.status()).toBe(200);

    const stat = (id: string) => page.locator(`[data-stat="${id}"]`).textContent();
    await page.locator('[data-stat="customers"]').waitFor();
    expect(await stat("customers")).toBe(EXPECTED.customers);
    expect(await stat("subscribed")).toBe(EXPECTED.subscribed);
    expect(await stat("orders")).toBe(EXPECTED.orders);
    expect(await stat("revenue")).toBe(EXPECTED.revenue);
    expect(await stat("products")).toBe(EXPECTED.products);
    expect(await stat("checkouts")).toBe(EXPECTED.checkouts);
    expect(await stat("browse-events")).toBe(EXPECTED.browseEvents);
    await expect(page.getByRole("heading", { name: "Home" }).textContent()).resolves.toBe("Home");

    // Polaris's stylesheet is applied: cards are white, rounded boxes.
    const card = page.locator(".Polaris-ShadowBevel").first();
    const style = await card.evaluate((el) => getComputedStyle(el).borderRadius);
    expect(style).not.toBe("0px");

    // Inside Shopify the page loads App Bridge from Shopify's CDN: the only request off loopback.
    expect(browser.offLoopback.every((u) => u.startsWith("https://cdn.shopify.com/shopifycloud/app-bridge.js"))).toBe(true);
    expect(errors).toEqual([]);

    fs.mkdirSync(RESULTS, { recursive: true });
    await page.screenshot({ path: path.join(RESULTS, "home.png"), fullPage: true });
    await page.close();
  });

  it("gives a forged session token no data", async () => {
    const forged = app.token({ apiSecret: "not-the-app-secret" });
    // A document load: sent to the bounce page for a fresh token, no figures.
    const doc = await getDocument(app.embeddedUrl(forged));
    expect(doc.status).toBe(302);
    expect(doc.headers.get("location")).toMatch(/^\/auth\/session-token\?/);
    expect(await doc.text()).not.toContain("data-stat");
    // A data request with the token as App Bridge sends it: 401, asking for a retry with a fresh token.
    const data = await fetch(`${app.url}/app.data?_routes=routes%2Fapp._index`, {
      headers: { authorization: `Bearer ${forged}`, "user-agent": "Mozilla/5.0 Chrome/131.0" },
    });
    expect(data.status).toBe(401);
    expect(data.headers.get("x-shopify-retry-invalid-session-request")).toBe("1");
    expect(await data.text()).not.toMatch(/customers|revenue/);
    // The same request with a genuine token gets the figures.
    const genuine = await fetch(`${app.url}/app.data?_routes=routes%2Fapp._index`, {
      headers: { authorization: `Bearer ${app.token()}`, "user-agent": "Mozilla/5.0 Chrome/131.0" },
    });
    expect(genuine.status).toBe(200);
    expect(await genuine.text()).toContain("subscribedCustomers");
    // An expired token is no better than a forged one.
    const expired = app.token({ now: Math.floor(Date.now() / 1000) - 600 });
    expect((await getDocument(app.embeddedUrl(expired))).status).toBe(302);
  });

  it("serves no demo route outside demo mode", async () => {
    for (const route of ["/demo", "/demo?path=/app", "/demo/session-token", "/demo/app-bridge.js"]) {
      const res = await getDocument(app.url + route);
      expect(res.status, route).toBe(404);
      expect(await res.text()).not.toMatch(/eyJ/); // no token anywhere
    }
    // The bounce page is Shopify's (App Bridge from the CDN), not the demo stand-in.
    const bounce = await getDocument(`${app.url}/auth/session-token?shop=${app.shop}&shopify-reload=${encodeURIComponent(app.url + "/app")}`);
    const html = await bounce.text();
    expect(html).toContain("https://cdn.shopify.com/shopifycloud/app-bridge.js");
    expect(html).not.toContain("/demo/app-bridge.js");
  });
});
