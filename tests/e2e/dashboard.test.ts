// Issue 6's dashboard in Chromium (demo mode): an email sent yesterday, an
// order that arrived from its link through the signed orders webhook (so the
// real attribution credits it), then Home shows the attributed revenue with
// the rule in words, the report behind it lists the order with how it was
// attributed, and the CSV export downloads it.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeInBrowser, launchBrowser, type Browser } from "./browser";
import { getDocument, startE2eApp, waitFor, type E2eApp } from "./app";
import { sendWebhook } from "./seed";

const RESULTS = path.resolve(__dirname, "..", "..", "test-results");
const HOSTILE = '<img src=x onerror="window.__xss=1">';
const CLICK_TOKEN_TEXT = "arrived at the store from a link in this email"; // RULE_TEXT["click-token"]

describeInBrowser("Revenue dashboard and reports (Chromium)", () => {
  let app: E2eApp;
  let browser: Browser;
  let campaignId = "";
  let messageId = "";

  beforeAll(async () => {
    app = await startE2eApp({ demo: true });
    const entry = await getDocument(`${app.url}/demo`);
    expect(entry.status).toBe(302);
    expect((await getDocument(app.url + entry.headers.get("location"))).status).toBe(200);
    await waitFor("the shop's row", async () => (await app.db.shop.count({ where: { id: app.shop } })) === 1);

    // One cart-recovery email, sent and delivered yesterday, as the send path leaves it (its day marked for the stats).
    const campaign = await app.db.campaign.create({ data: { shopId: app.shop, kind: "flow", flowType: "cart-recovery", objective: "cart-recovery", name: "Cart recovery", plan: {} } });
    campaignId = campaign.id;
    const sentAt = new Date(Date.now() - 24 * 3600_000);
    const message = await app.db.message.create({
      data: { shopId: app.shop, campaignId, flowType: "cart-recovery", step: 0, variant: "A", key: "e2e-dash:0", status: "sent", email: "buyer@example.com", scheduledFor: sentAt, sentAt, deliveredAt: sentAt },
    });
    messageId = message.id;
    for (let d = -1; d <= 1; d++) {
      const day = new Date(sentAt.getTime() + d * 24 * 3600_000).toISOString().slice(0, 10);
      await app.db.dirtyStats.create({ data: { shopId: app.shop, campaignId, day, version: 1 } });
    }

    // The order arrives from the email's link (its click token), signed, through the real route.
    const createdAt = new Date(Date.now() - 3600_000).toISOString();
    const amount = (a: string) => ({ shop_money: { amount: a, currency_code: "USD" }, presentment_money: { amount: a, currency_code: "USD" } });
    const res = await sendWebhook(app.url, app.shop, "/webhooks/orders", "orders/create", {
      id: 880001,
      name: "#E2E-1",
      email: "buyer@example.com",
      created_at: createdAt,
      updated_at: createdAt,
      processed_at: createdAt,
      cancelled_at: null,
      currency: "USD",
      total_price: "45.50",
      subtotal_price: "45.50",
      total_discounts: "0.00",
      total_tax: "0.00",
      total_price_set: amount("45.50"),
      subtotal_price_set: amount("45.50"),
      total_discounts_set: amount("0.00"),
      total_tax_set: amount("0.00"),
      total_shipping_price_set: amount("0.00"),
      financial_status: "paid",
      test: false,
      landing_site: `/products/merino-beanie?utm_source=loopwise&lw=${messageId}`,
      discount_codes: [],
      customer: { id: 770001, email: "buyer@example.com", first_name: HOSTILE, last_name: "Buyer", state: "enabled", created_at: createdAt, updated_at: createdAt },
      line_items: [{ id: 990001, product_id: 8001, variant_id: 9001, title: "Merino Beanie", quantity: 1, price: "45.50", price_set: amount("45.50"), total_discount: "0.00" }],
      refunds: [],
    });
    expect(res.status).toBe(200);
    await waitFor("the attribution", async () => (await app.db.attribution.count({ where: { shopId: app.shop } })) === 1);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it("shows attributed revenue with its rule on Home, clicks through to the report and its order, and exports it", async () => {
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    fs.mkdirSync(RESULTS, { recursive: true });

    await page.goto(`${app.url}/demo`);
    await page.locator('[data-dashboard="revenue"]').waitFor();
    expect(await page.locator('[data-dashboard="revenue"]').textContent()).toBe("$45.50");
    expect(await page.locator('[data-dashboard="orders"]').textContent()).toBe("1");
    expect(await page.locator('[data-dashboard="delivery-rate"]').textContent()).toBe("100%");
    expect(await page.locator("[data-attribution-rule]").first().textContent()).toMatch(/^Each order is credited to at most one email: .*within 5 days before the order/);
    expect(await page.locator("[data-revenue-chart]").getAttribute("data-revenue-chart")).toBe("30");
    expect(await page.getByRole("img", { name: "Attributed revenue per day" }).count()).toBe(1);
    await page.screenshot({ path: path.join(RESULTS, "dashboard-home.png"), fullPage: true });

    // The period picker: 7 days.
    await page.getByRole("link", { name: "Last 7 days" }).click();
    await page.locator('[data-revenue-chart="7"]').waitFor();
    expect(await page.locator('[data-dashboard="revenue"]').textContent()).toBe("$45.50");

    // The CSV export from the dashboard.
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export orders (CSV)" }).click()]);
    expect(download.suggestedFilename()).toMatch(/^loopwise-attributed-orders-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = fs.readFileSync((await download.path())!, "utf8");
    expect(csv).toContain(`#E2E-1,880001,`);
    expect(csv).toContain(`,45.50,USD,no,no,cart-recovery,Cart recovery,1,A,click-token,${CLICK_TOKEN_TEXT},${messageId},`);

    // Through to the flow's report: the order, its customer (escaped), its rule in words, its email.
    await page.locator(`[data-campaign-report="${campaignId}"]`).getByRole("link", { name: "Cart recovery" }).click();
    await page.locator("[data-order-row]").first().waitFor();
    expect(new URL(page.url()).pathname).toBe(`/app/reports/${campaignId}`);
    expect(await page.locator('[data-funnel="sent"]').textContent()).toBe("1");
    expect(await page.locator('[data-funnel="ordered"]').textContent()).toBe("1");
    expect(await page.locator('[data-report="revenue"]').textContent()).toBe("$45.50");
    expect(await page.locator("[data-order-row]").textContent()).toBe("#E2E-1");
    expect(await page.locator('[data-order-rule="click-token"]').textContent()).toBe(`The customer ${CLICK_TOKEN_TEXT}.`);
    expect(await page.getByText(`${HOSTILE} Buyer`).count()).toBe(1); // shown as text, never run
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await page.locator("[data-top-product]").textContent()).toBe("Merino Beanie");
    await page.screenshot({ path: path.join(RESULTS, "dashboard-report.png"), fullPage: true });
    await page.getByRole("link", { name: "Email 1 · variant A" }).click();
    await page.waitForURL(`**/app/messages/${messageId}`);
    expect(errors).toEqual([]);

    // Another shop's campaign: no report.
    const other = await app.db.shop.create({ data: { id: "other-dash.myshopify.com", status: "installed" } });
    const theirs = await app.db.campaign.create({ data: { shopId: other.id, kind: "flow", flowType: "cart-recovery", objective: "cart-recovery", name: "Theirs", plan: {} } });
    expect((await page.goto(`${app.url}/app/reports/${theirs.id}`))?.status()).toBe(404);
    await page.close();
  });

  it("changes the attribution window in Settings: a bad value is explained, a good one re-credits and is stated on Home", async () => {
    const page = await browser.context.newPage();
    await page.goto(`${app.url}/demo`);
    await page.locator("ui-nav-menu").getByRole("link", { name: "Settings" }).click();
    await page.getByLabel("Attribution window").waitFor();
    await page.getByLabel("Attribution window").fill("45");
    await page.getByRole("button", { name: "Save attribution" }).click();
    await page.getByText("The attribution window must be at most 30 days.").waitFor();
    await page.getByLabel("Attribution window").fill("7");
    await page.getByRole("button", { name: "Save attribution" }).click();
    await page.locator("[data-attribution-saved]").waitFor();
    expect(await page.locator("[data-attribution-saved]").textContent()).toBe("Saved. Past orders are being re-credited under the new rule: Home follows in a minute or two.");
    expect((await app.db.shopSettings.findUniqueOrThrow({ where: { shopId: app.shop } })).attribution).toMatchObject({ windowDays: 7 });
    await page.locator("ui-nav-menu").getByRole("link", { name: "Home" }).click();
    await page.locator("[data-attribution-rule]").first().waitFor();
    expect(await page.locator("[data-attribution-rule]").first().textContent()).toContain("within 7 days before the order");
    expect(await page.locator('[data-dashboard="revenue"]').textContent()).toBe("$45.50"); // a click-token order: no window involved
    await page.close();
  });
});
