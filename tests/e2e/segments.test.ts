// The Segments pages in Chromium (demo mode: the local App Bridge stand-in puts a
// session token on every fetch, so the builder's live preview goes through the
// real auth path). A merchant opens Segments, builds a segment in words, sees the
// rule loaded into the builder and the live count, saves it and finds it listed.
// Hostile names (a customer's, the segment's) render as text.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeInBrowser, launchBrowser, type Browser } from "./browser";
import { getDocument, startE2eApp, waitFor, type E2eApp } from "./app";
import { seedThroughRoutes, sendWebhook } from "./seed";

const RESULTS = path.resolve(__dirname, "..", "..", "test-results");
const HOSTILE_CUSTOMER = `<img src=x onerror="window.__pwned=1">`;
const HOSTILE_SEGMENT = `<b id="injected">VIP</b> subscribers`;

describeInBrowser("Segments pages (Chromium)", () => {
  let app: E2eApp;
  let browser: Browser;

  beforeAll(async () => {
    app = await startE2eApp({ demo: true });
    const entry = await getDocument(`${app.url}/demo`);
    expect(entry.status).toBe(302);
    expect((await getDocument(app.url + entry.headers.get("location"))).status).toBe(200);
    await waitFor("the shop's row", async () => (await app.db.shop.count({ where: { id: app.shop } })) === 1);
    const statuses = await seedThroughRoutes(app.url, app.shop);
    for (const [kind, status] of Object.entries(statuses)) expect(status, `${kind} route`).toBeLessThan(300);
    // A fourth customer, subscribed, whose name is markup.
    const hostile = await sendWebhook(app.url, app.shop, "/webhooks/customers", "customers/create", {
      id: 7004,
      email: "mallory@example.com",
      first_name: HOSTILE_CUSTOMER,
      last_name: "Mallory",
      state: "enabled",
      tags: "",
      created_at: new Date().toISOString(),
      updated_at: new Date().toISOString(),
      email_marketing_consent: { state: "subscribed", opt_in_level: "single_opt_in", consent_updated_at: new Date().toISOString() },
    });
    expect(hostile.status).toBeLessThan(300);
    await waitFor("the seeded customers", async () => (await app.db.customer.count({ where: { shopId: app.shop } })) === 4);
    // Profile jobs (the install's recompute, the live customer's update) finish before the pages are read.
    // (Scheduled jobs, such as the nightly refresh, wait for their time and are not counted.)
    await waitFor(
      "the job queue to settle",
      async () => (await app.db.job.count({ where: { OR: [{ status: "running" }, { status: "queued", runAt: { lte: new Date(Date.now() + 5_000) } }] } })) === 0,
      30_000,
    );
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it("builds a segment in words, shows the live count, saves it and lists it", async () => {
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));

    await page.goto(`${app.url}/demo`);
    await page.locator("ui-nav-menu").getByRole("link", { name: "Segments" }).click();
    await page.getByRole("heading", { name: "Segments", level: 1 }).waitFor();
    // No model has run for the demo shop: the page says so, with the reason.
    expect((await page.locator("[data-predictions-reason]").textContent())?.length).toBeGreaterThan(10);

    await page.getByRole("link", { name: "Create segment" }).first().click();
    await page.getByRole("heading", { name: "New segment" }).waitFor();

    // Words the parser does not know: its error, nothing loaded.
    const words = page.getByLabel("Customers who…");
    await words.fill("customers who love cats");
    await page.getByRole("button", { name: "Build rule" }).click();
    await page.locator("[data-nl-error]").waitFor();
    expect(await page.locator("[data-nl-error]").textContent()).toMatch(/could not understand/i);
    expect(await page.locator("[data-condition]").count()).toBe(0);

    // Words it knows: the rule is loaded into the builder and described, then counted live.
    await words.fill("subscribers");
    await page.getByRole("button", { name: "Build rule" }).click();
    await page.locator("[data-nl-understood]").waitFor();
    expect(await page.locator("[data-nl-understood]").textContent()).toBe("Customers who are subscribed to email marketing");
    expect(await page.locator('[data-condition="1"]').getAttribute("data-condition-type")).toBe("emailConsent");
    expect(await page.getByRole("checkbox", { name: "Subscribed", exact: true }).isChecked()).toBe(true);
    await page.locator('[data-preview-count="3"]').waitFor();
    expect(await page.locator("[data-preview-description]").textContent()).toBe("Customers who are subscribed to email marketing");
    // The markup in a member's name is shown as text.
    await page.getByText(`${HOSTILE_CUSTOMER} Mallory`).waitFor();
    expect(await page.locator('img[src="x"]').count()).toBe(0);

    // An edit in the builder updates the count: subscribers who placed an order (Ada and Alan).
    await page.getByRole("button", { name: "Add condition" }).click();
    await page.getByLabel("Condition 2: type").selectOption("activity");
    await page.locator('[data-preview-count="2"]').waitFor();
    expect(await page.locator("[data-preview-description]").textContent()).toBe("Customers who are subscribed to email marketing and placed an order");

    // Back to the parser's rule, then saved under a name that is markup.
    await page.getByRole("button", { name: "Remove condition 2" }).click();
    await page.locator('[data-preview-count="3"]').waitFor();
    await page.getByLabel("Segment name").fill(HOSTILE_SEGMENT);
    fs.mkdirSync(RESULTS, { recursive: true });
    await page.screenshot({ path: path.join(RESULTS, "segment-builder.png"), fullPage: true });
    await page.getByRole("button", { name: "Save segment" }).click();
    await page.waitForURL(/\/app\/segments\/(?!new)[^/?]+(\?|$)/);
    await page.locator("[data-segment-description]").waitFor();
    expect(await page.locator("[data-segment-description]").textContent()).toBe("Customers who are subscribed to email marketing");
    expect(await page.locator("[data-segment-size]").textContent()).toBe("3");
    expect(await page.locator("[data-member]").count()).toBe(3);

    const saved = await app.db.segment.findFirstOrThrow({ where: { shopId: app.shop, kind: "custom" } });
    expect(saved).toMatchObject({ name: HOSTILE_SEGMENT, size: 3 });
    expect(await app.db.segmentMembership.count({ where: { segmentId: saved.id } })).toBe(3);

    // Listed on the Segments page, its name as text.
    await page.getByRole("link", { name: "Segments" }).first().click();
    await page.locator(`[data-segment-row="${saved.id}"]`).waitFor();
    expect(await page.locator(`[data-segment-row="${saved.id}"]`).textContent()).toBe(HOSTILE_SEGMENT);
    expect(await page.locator(`[data-segment-size="${saved.id}"]`).textContent()).toBe("3");
    expect(await page.locator("#injected").count()).toBe(0);
    await page.screenshot({ path: path.join(RESULTS, "segments.png"), fullPage: true });

    // A member's profile, from the customers list.
    await page.locator("ui-nav-menu").getByRole("link", { name: "Customers" }).click();
    await page.getByRole("link", { name: "Ada Lovelace" }).click();
    await page.getByRole("heading", { name: "Ada Lovelace" }).waitFor();
    // The install's recompute may have run before or after the seed arrived: without a profile the page shows dashes, not zeros.
    const ada = await app.db.customerProfile.findFirst({ where: { shopId: app.shop, customer: { shopifyId: "7001" } } });
    expect(await page.locator('[data-stat="orders"]').textContent()).toBe(ada ? String(ada.orderCount) : "—");
    // Three customers are far below the model's minimum: the reason is shown.
    expect((await page.locator("[data-predictions-reason]").textContent())?.length).toBeGreaterThan(10);
    expect(await page.locator(`[data-segment-member="${saved.id}"]`).textContent()).toContain(HOSTILE_SEGMENT);
    await page.screenshot({ path: path.join(RESULTS, "customer-profile.png"), fullPage: true });

    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(browser.offLoopback).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("gives another shop's segment no page", async () => {
    const other = await app.db.shop.create({ data: { id: "other-e2e.myshopify.com" } });
    const segment = await app.db.segment.create({
      data: { shopId: other.id, key: "theirs", name: "Theirs", kind: "custom", definition: {}, description: "secret" },
    });
    const res = await fetch(`${app.url}/app/segments/${segment.id}.data?_routes=routes%2Fapp.segments.%24id`, {
      headers: { authorization: `Bearer ${app.token()}`, "user-agent": "Mozilla/5.0 Chrome/131.0" },
    });
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain("secret");
  });
});
