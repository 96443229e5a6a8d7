// Demo access in Chromium: /demo opens the admin for the demo shop with no
// Shopify, through the real auth path (a minted session token in the URL, then
// the local App Bridge stand-in attaching fresh tokens to every fetch).
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeInBrowser, launchBrowser, type Browser } from "./browser";
import { getDocument, startE2eApp, waitFor, type E2eApp } from "./app";
import { EXPECTED, seedThroughRoutes } from "./seed";

const RESULTS = path.resolve(__dirname, "..", "..", "test-results");

function getWithHost(url: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { host, "user-agent": "Mozilla/5.0 Chrome/131.0" } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
  });
}

describeInBrowser("demo access (Chromium)", () => {
  let app: E2eApp;
  let browser: Browser;

  beforeAll(async () => {
    app = await startE2eApp({ demo: true });
    const entry = await getDocument(`${app.url}/demo`);
    expect(entry.status).toBe(302);
    const first = await getDocument(app.url + entry.headers.get("location"));
    expect(first.status).toBe(200);
    await waitFor("the shop's row", async () => (await app.db.shop.count({ where: { id: app.shop } })) === 1);
    const statuses = await seedThroughRoutes(app.url, app.shop);
    for (const [kind, status] of Object.entries(statuses)) expect(status, `${kind} route`).toBeLessThan(300);
    await waitFor("the seeded rows", async () => (await app.db.customer.count({ where: { shopId: app.shop } })) === 3 && (await app.db.order.count({ where: { shopId: app.shop } })) === 2);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it("opens the home page from /demo, then navigates with tokens from the stand-in", async () => {
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    const dataRequests: { url: string; authorization: string | undefined }[] = [];
    page.on("request", (r) => {
      if (new URL(r.url()).pathname.endsWith(".data")) dataRequests.push({ url: r.url(), authorization: r.headers()["authorization"] });
    });

    await page.goto(`${app.url}/demo`);
    expect(new URL(page.url()).pathname).toBe("/app");
    await page.locator('[data-stat="customers"]').waitFor();
    expect(await page.locator('[data-stat="customers"]').textContent()).toBe(EXPECTED.customers);
    expect(await page.locator('[data-stat="revenue"]').textContent()).toBe(EXPECTED.revenue);
    expect(await page.evaluate(() => typeof (window as unknown as { shopify?: { idToken?: unknown } }).shopify?.idToken)).toBe("function");

    // The nav menu is drawn in the page; a click is a client-side navigation whose data request carries a token.
    const nav = page.locator("ui-nav-menu");
    expect(await nav.isVisible()).toBe(true);
    fs.mkdirSync(RESULTS, { recursive: true });
    await page.screenshot({ path: path.join(RESULTS, "demo-home.png"), fullPage: true });
    await nav.getByRole("link", { name: "Customers" }).click();
    await page.getByText("Ada Lovelace").waitFor();
    for (const name of EXPECTED.customerNames) expect(await page.getByText(name).count()).toBe(1);
    expect(dataRequests.length).toBeGreaterThan(0);
    for (const r of dataRequests) expect(r.authorization, r.url).toMatch(/^Bearer eyJ/);
    await page.screenshot({ path: path.join(RESULTS, "demo-customers.png"), fullPage: true });

    // A reload of /app/customers (no embedded parameters) comes back through /demo.
    await page.reload();
    await page.getByText("Grace Hopper").waitFor();
    expect(new URL(page.url()).pathname).toBe("/app/customers");

    // An expired token in the URL goes through the bounce page, which fetches a fresh one.
    const expired = app.token({ now: Math.floor(Date.now() / 1000) - 600 });
    await page.goto(app.embeddedUrl(expired));
    await page.locator('[data-stat="customers"]').waitFor();
    expect(new URL(page.url()).searchParams.get("id_token")).not.toBe(expired);

    // Nothing left loopback: no CDN script, no fonts.
    expect(browser.offLoopback).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("refuses demo routes to another Host (DNS rebinding) and to cross-site fetches", async () => {
    expect(await getWithHost(`${app.url}/demo/session-token`, "127.0.0.1")).toBe(200);
    expect(await getWithHost(`${app.url}/demo/session-token`, "evil.example")).toBe(404);
    expect(await getWithHost(`${app.url}/demo`, "evil.example:80")).toBe(404);
    const crossSite = await fetch(`${app.url}/demo/session-token`, { headers: { "sec-fetch-site": "cross-site" } });
    expect(crossSite.status).toBe(403);
  });

  it("still refuses forged tokens in demo mode", async () => {
    const forged = app.token({ apiSecret: "not-the-app-secret" });
    const data = await fetch(`${app.url}/app.data?_routes=routes%2Fapp._index`, {
      headers: { authorization: `Bearer ${forged}`, "user-agent": "Mozilla/5.0 Chrome/131.0" },
    });
    expect(data.status).toBe(401);
  });
});
