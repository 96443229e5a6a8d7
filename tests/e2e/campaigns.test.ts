// Issue 4's "Done when" in Chromium (demo mode: the local App Bridge stand-in
// puts a session token on every fetch). A merchant opens Campaigns, picks "Win
// back at-risk customers", gets a plan and, once the background job has written
// them (the page polls), drafts with product blocks; previews an email on desktop
// and mobile for a sample recipient; edits a subject in place; approves in one
// click. The approval is recorded, and an edit afterwards asks for approval
// again. Flows refuse to switch on unapproved and say why; Settings save.
// A customer whose name is markup shows as text; another shop's campaign is a 404.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeInBrowser, launchBrowser, type Browser } from "./browser";
import { getDocument, startE2eApp, waitFor, type E2eApp } from "./app";
import { seedThroughRoutes, sendWebhook } from "./seed";

const RESULTS = path.resolve(__dirname, "..", "..", "test-results");
const HOSTILE_CUSTOMER = `<img src=x onerror="window.__pwned=1">`;
const HOSTILE_SEGMENT = `<b id="injected">VIP</b> subscribers`;
const NEW_SUBJECT = "We kept your favourites for you";
/** Products of the seed (tests/e2e/seed.ts): product blocks show some of them. */
const SEED_PRODUCTS = ["Merino Beanie", "Trail Jacket"];

describeInBrowser("Campaigns, review and approval (Chromium)", () => {
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
    // Jobs due now have run (the nightly recompute stays queued for tonight).
    await waitFor(
      "the job queue to settle",
      async () => (await app.db.job.count({ where: { OR: [{ status: "running" }, { status: "queued", runAt: { lte: new Date() } }] } })) === 0,
      30_000,
    );
    // A merchant segment whose name is markup, offered as an audience.
    await app.db.segment.create({ data: { shopId: app.shop, key: "vip", name: HOSTILE_SEGMENT, kind: "custom", definition: {}, size: 0 } });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it("wins back at-risk customers: plan, drafts with product blocks, a subject edited, approved in one click, re-approval after an edit", async () => {
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    fs.mkdirSync(RESULTS, { recursive: true });

    await page.goto(`${app.url}/demo`);
    await page.locator("ui-nav-menu").getByRole("link", { name: "Campaigns" }).click();
    await page.getByRole("heading", { name: "Campaigns", level: 1 }).waitFor();
    await page.getByRole("link", { name: "New campaign" }).first().click();
    await page.getByRole("heading", { name: "New campaign" }).waitFor();

    const audiences = await page.getByLabel("Who for?").locator("option").allTextContents();
    expect(audiences).toContain(`${HOSTILE_SEGMENT} (0)`);
    expect(await page.locator("#injected").count()).toBe(0);
    // The default is already the win-back; the merchant picks it anyway, as they would.
    await page.getByLabel("What do you want to do?").selectOption({ label: "Win back at-risk customers" });
    await page.getByRole("button", { name: "Propose the plan and write the emails" }).click();
    await page.waitForURL(/\/app\/campaigns\/(?!new)[^/?]+(\?|$)/);
    const id = new URL(page.url()).pathname.split("/").pop()!;

    // The plan in words, at once; the drafts arrive while the page polls.
    await page.locator("[data-plan-text]").waitFor();
    expect(await page.locator("[data-plan-text]").textContent()).toMatch(/3 emails/);
    await page.screenshot({ path: path.join(RESULTS, "campaign-writing.png"), fullPage: true });
    await page.locator('[data-review-status="needs-approval"]').waitFor({ timeout: 45_000 });
    for (const name of ["1A", "1B", "2A", "2B", "3A", "3B"]) await page.locator(`[data-draft="${name}"]`).waitFor();
    expect(await page.locator("[data-block=products], [data-block=product]").count()).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(RESULTS, "campaign-review.png"), fullPage: true });

    // Desktop and mobile previews for a real sample recipient, sandboxed, with the catalog's products.
    await page.getByRole("button", { name: "Preview email 1" }).click();
    const desktop = page.locator('iframe[data-preview-frame="desktop"]').first();
    await desktop.waitFor();
    expect(await desktop.getAttribute("width")).toBe("600");
    expect(await desktop.getAttribute("sandbox")).toBe("");
    expect(await page.locator('iframe[data-preview-frame="mobile"]').first().getAttribute("width")).toBe("375");
    const html = (await desktop.getAttribute("srcdoc")) ?? "";
    expect(SEED_PRODUCTS.some((title) => html.includes(title))).toBe(true);
    // Rendered inside the sandbox: the recipient's products and the legal footer.
    const frame = page.frameLocator('iframe[data-preview-frame="desktop"]').first();
    await frame.getByText("Unsubscribe").waitFor();
    expect(await frame.getByText(SEED_PRODUCTS[0]!).or(frame.getByText(SEED_PRODUCTS[1]!)).first().isVisible()).toBe(true);
    await desktop.screenshot({ path: path.join(RESULTS, "campaign-preview-desktop.png") });
    await page.locator('iframe[data-preview-frame="mobile"]').first().screenshot({ path: path.join(RESULTS, "campaign-preview-mobile.png") });
    const recipients = await page.getByLabel("Sample recipient").locator("option").allTextContents();
    expect(recipients.length).toBeGreaterThan(0);

    // Edit a subject line in place.
    await page.getByRole("button", { name: "Edit email 1A" }).click();
    await page.getByLabel("Email 1A: subject line 1").fill(NEW_SUBJECT);
    await page.getByRole("button", { name: "Save email 1A" }).click();
    await page.locator('[data-subject="1A-1"]', { hasText: NEW_SUBJECT }).waitFor();

    // One click approves the version on screen.
    const versionText = await page.locator("[data-version]").getAttribute("data-version");
    const version = Number(versionText);
    await page.getByRole("button", { name: `Approve version ${version}` }).click();
    await page.locator('[data-approval-state="approved"]').waitFor();
    expect(await page.locator("[data-approved-by]").textContent()).toMatch(new RegExp(`^Approved by staff member \\S+, version ${version}, on `));
    const approval = await app.db.approval.findFirstOrThrow({ where: { shopId: app.shop, campaignId: id } });
    expect(approval.version).toBe(version);
    const stored = await app.db.emailDraft.findFirstOrThrow({ where: { campaignId: id, step: 0, variant: "A" } });
    expect(JSON.stringify(stored.content)).toContain(NEW_SUBJECT);
    await page.screenshot({ path: path.join(RESULTS, "campaign-approved.png"), fullPage: true });

    // An edit afterwards: approval needed again.
    await page.getByRole("button", { name: "Edit email 2B" }).click();
    await page.getByLabel("Email 2B: headline").fill("Something new since your last visit");
    await page.getByRole("button", { name: "Save email 2B" }).click();
    await page.locator('[data-approval-state="edited-since-approval"]').waitFor();
    expect(await page.locator("[data-approval-message]").textContent()).toMatch(/approve again/);
    await page.getByRole("button", { name: `Approve version ${version + 1}` }).waitFor();

    // The plan editor: a delay out of order is explained while typing; a good one saves a new version.
    await page.getByRole("button", { name: "Edit plan" }).click();
    await page.getByLabel("Email 3: send after").fill("3");
    await page.locator("[data-plan-problems]").waitFor();
    expect(await page.locator("[data-plan-problems]").textContent()).toMatch(/email 3 is sent at day 3, which is not after email 2/);
    expect(await page.getByRole("button", { name: "Save plan" }).isDisabled()).toBe(true);
    await page.getByLabel("Email 3: send after").fill("14");
    await page.getByLabel("Email 2: send after").fill("5");
    await page.getByRole("button", { name: "Save plan" }).click();
    await page.locator("[data-plan-text]", { hasText: "day 5" }).waitFor();
    await page.getByRole("button", { name: `Approve version ${version + 2}` }).waitFor();

    // Listed, with its state.
    await page.locator("ui-nav-menu").getByRole("link", { name: "Campaigns" }).click();
    await page.locator(`[data-campaign-row="${id}"]`).waitFor();
    expect(await page.locator(`[data-campaign-status="needs-approval"]`).count()).toBe(1);

    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(browser.offLoopback).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("shows the flows with their plans and explains why an unapproved flow cannot be switched on", async () => {
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${app.url}/demo`);
    await page.locator("ui-nav-menu").getByRole("link", { name: "Flows" }).click();
    await page.getByRole("heading", { name: "Flows", level: 1 }).waitFor();
    await page.locator('[data-flow="win-back"]').waitFor();
    expect(await page.locator("[data-flow]").count()).toBe(6);
    const winBack = page.locator('[data-flow="win-back"]');
    expect(await winBack.textContent()).toMatch(/Email 1 .*Email 2 .*Email 3/s);
    await winBack.getByRole("button", { name: /Turn on/ }).click();
    await winBack.locator("[data-flow-refused]").waitFor();
    expect(await winBack.getByRole("link", { name: "Review and approve the emails" }).getAttribute("href")).toMatch(/^\/app\/campaigns\//);
    expect(await app.db.campaign.count({ where: { shopId: app.shop, kind: "flow", enabled: true } })).toBe(0);
    await page.screenshot({ path: path.join(RESULTS, "flows.png"), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it("saves settings with errors per field", async () => {
    const page = await browser.context.newPage();
    await page.goto(`${app.url}/demo`);
    await page.locator("ui-nav-menu").getByRole("link", { name: "Settings" }).click();
    await page.getByRole("heading", { name: "Settings", level: 1 }).waitFor();
    expect(await page.getByLabel("Tone words").inputValue()).toBe("warm, clear");
    await page.getByLabel("Sender email").fill("not an email");
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.getByText("sender email must be an email address").waitFor();
    await page.getByLabel("Sender email").fill("hello@e2e.example");
    await page.getByLabel("Tone words").fill("playful, bold");
    await page.getByLabel("Footer postal address").fill("1 Harbour Street, Portsmouth, PO1 2AB, UK");
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.locator("[data-settings-saved]").waitFor();
    const stored = await app.db.shopSettings.findUniqueOrThrow({ where: { shopId: app.shop } });
    expect(stored).toMatchObject({ senderEmail: "hello@e2e.example", brandVoice: expect.objectContaining({ toneWords: ["playful", "bold"] }) });
    await page.close();
  });

  it("gives another shop's campaign no page", async () => {
    const other = await app.db.shop.create({ data: { id: "other-campaigns.myshopify.com" } });
    const theirs = await app.db.campaign.create({ data: { shopId: other.id, kind: "campaign", flowType: "win-back", objective: "win-back", name: "Their secret campaign", plan: {} } });
    const headers = { authorization: `Bearer ${app.token()}`, "user-agent": "Mozilla/5.0 Chrome/131.0" };
    const res = await fetch(`${app.url}/app/campaigns/${theirs.id}.data?_routes=routes%2Fapp.campaigns.%24id`, { headers });
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain("secret");
    const preview = await fetch(`${app.url}/app/campaigns/${theirs.id}/preview.data?step=0&variant=A&_routes=routes%2Fapp.campaigns.%24id_.preview`, { headers });
    expect(preview.status).toBe(404);
  });
});
