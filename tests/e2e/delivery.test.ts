// Issue 5's admin UI in Chromium (demo mode): a flow's activity with skip
// reasons in words, the deliverability card, a sent email opened as its
// recipient saw it (sandboxed: its script never runs), the settings for
// delivery with field errors, and another shop's message a 404.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeInBrowser, launchBrowser, type Browser } from "./browser";
import { getDocument, startE2eApp, waitFor, type E2eApp } from "./app";
import { seedDeliveryMessages, SENT_BODY_TEXT, SENT_SUBJECT } from "./seed";

const RESULTS = path.resolve(__dirname, "..", "..", "test-results");

describeInBrowser("Delivery activity, sent emails and delivery settings (Chromium)", () => {
  let app: E2eApp;
  let browser: Browser;

  beforeAll(async () => {
    app = await startE2eApp({ demo: true });
    const entry = await getDocument(`${app.url}/demo`);
    expect(entry.status).toBe(302);
    expect((await getDocument(app.url + entry.headers.get("location"))).status).toBe(200);
    await waitFor("the shop's row", async () => (await app.db.shop.count({ where: { id: app.shop } })) === 1);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it("shows a flow's counts and skip reasons, opens a sent email as received, and refuses another shop's", async () => {
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    fs.mkdirSync(RESULTS, { recursive: true });

    // The Flows page creates the built-in flows on first visit.
    await page.goto(`${app.url}/demo`);
    await page.locator("ui-nav-menu").getByRole("link", { name: "Flows" }).click();
    await page.locator('[data-flow="cart-recovery"]').waitFor();
    expect(await page.locator('[data-flow="cart-recovery"] [data-activity-empty]').count()).toBe(1);
    const flow = await app.db.campaign.findFirstOrThrow({ where: { shopId: app.shop, flowType: "cart-recovery" } });
    const { sentId } = await seedDeliveryMessages(app.db, app.shop, flow.id, flow.flowType);

    await page.reload();
    const card = page.locator('[data-flow="cart-recovery"]');
    await card.locator("[data-activity]").waitFor();
    const count = async (status: string) => (await card.locator(`[data-count="${status}"]`).textContent())?.trim();
    expect(await count("sent")).toBe("3"); // the test send is not counted
    expect(await count("skipped")).toBe("3");
    expect(await count("scheduled")).toBe("1");
    expect(await card.locator('[data-reason="smart-sending"]').textContent()).toContain("2 · Smart sending: they had an email less than 16 hours ago");
    expect(await card.locator('[data-reason="suppressed"]').textContent()).toMatch(/1 · On your suppression list/);
    expect(await card.locator("[data-engagement]").textContent()).toBe("2 delivered · 1 opened · 0 clicked · 1 bounced");
    // The shop's deliverability: a third of what was sent bounced; too little mail to judge complaints.
    expect(await page.locator('[data-rate="bounce"]').textContent()).toBe("33.33%");
    expect(await page.locator("[data-deliverability]").getAttribute("data-deliverability")).toBe("too-few");
    await page.screenshot({ path: path.join(RESULTS, "delivery-flows.png"), fullPage: true });

    // The flow's review page lists its emails, masked, with a link to the one that can be viewed.
    await card.getByRole("link", { name: /Review/ }).first().click();
    await page.locator("[data-message-row]").first().waitFor();
    const rows = await page.locator("[data-message-row]").allTextContents();
    expect(rows).toHaveLength(7);
    expect(rows).toContain("a***@e***.com");
    expect(rows.join(" ")).not.toMatch(/ada@|alan@|owner@/);
    await page.getByRole("link", { name: "View the email sent to a***@e***.com" }).click();

    // The email as Ada received it: subject, HTML in a sandbox with scripts off, the text part.
    await page.locator("[data-sent-subject]").waitFor();
    expect(new URL(page.url()).pathname).toBe(`/app/messages/${sentId}`);
    expect(await page.locator("[data-sent-subject]").textContent()).toBe(SENT_SUBJECT);
    const frame = page.locator("iframe[data-sent-frame]");
    expect(await frame.getAttribute("sandbox")).toBe("");
    await page.frameLocator("iframe[data-sent-frame]").getByText(SENT_BODY_TEXT).waitFor();
    expect(await page.frameLocator("iframe[data-sent-frame]").getByRole("heading", { name: "Hello Ada" }).isVisible()).toBe(true);
    expect(await page.evaluate(() => (window as unknown as { __ranInEmail?: number }).__ranInEmail)).toBeUndefined();
    expect(await page.locator("[data-sent-text]").textContent()).toContain(`Hello Ada\n${SENT_BODY_TEXT}`);
    await page.screenshot({ path: path.join(RESULTS, "delivery-message.png"), fullPage: true });
    expect(errors).toEqual([]);

    // Another shop's message: no page, and nothing of it in the answer.
    const other = await app.db.shop.create({ data: { id: "other-delivery.myshopify.com", status: "installed" } });
    const theirFlow = await app.db.campaign.create({ data: { shopId: other.id, kind: "flow", flowType: "cart-recovery", objective: "cart-recovery", name: "Theirs", plan: {} } });
    const { sentId: theirs } = await seedDeliveryMessages(app.db, other.id, theirFlow.id, "cart-recovery");
    const headers = { authorization: `Bearer ${app.token()}`, "user-agent": "Mozilla/5.0 Chrome/131.0" };
    const res = await fetch(`${app.url}/app/messages/${theirs}.data?_routes=routes%2Fapp.messages.%24id`, { headers });
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain(SENT_SUBJECT);
    const doc = await page.goto(`${app.url}/app/messages/${theirs}`);
    expect(doc?.status()).toBe(404);
    await page.close();
  });

  it("follows a launch while it sends: the progress bar moves without a reload", async () => {
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    // The built-in launch flow exists once the Flows page has been opened.
    await page.goto(`${app.url}/app/flows`);
    await page.locator('[data-flow="product-launch"]').waitFor();
    const launch = await app.db.campaign.findFirstOrThrow({ where: { shopId: app.shop, flowType: "product-launch" } });
    const due = new Date(Date.now() - 60_000);
    const row = (i: number, status: string) => ({ shopId: app.shop, campaignId: launch.id, flowType: "product-launch", step: 0, key: `launch-e2e-${i}:0`, status, scheduledFor: due });
    await app.db.message.createMany({ data: [row(1, "sent"), row(2, "sent"), row(3, "queued"), row(4, "sending")] });

    await page.goto(`${app.url}/app/campaigns/${launch.id}`);
    const bar = page.locator("[data-send-progress]");
    await bar.waitFor();
    expect(await bar.getAttribute("data-send-progress")).toBe("sending");
    expect(await bar.textContent()).toBe("2 of 4 handled · 2 sent");
    // The sender finishes: the page, polling every 2 s, shows it done.
    await app.db.message.updateMany({ where: { campaignId: launch.id, status: { in: ["queued", "sending"] } }, data: { status: "sent" } });
    await page.locator('[data-send-progress="done"]').waitFor({ timeout: 10_000 });
    expect(await bar.textContent()).toBe("4 of 4 handled · 4 sent");
    expect(errors).toEqual([]);
    await page.close();
  });

  it("saves delivery settings, explaining a bad value beside its field, and keeps the SendGrid key write-only", async () => {
    const page = await browser.context.newPage();
    await page.goto(`${app.url}/demo`);
    await page.locator("ui-nav-menu").getByRole("link", { name: "Settings" }).click();
    await page.getByLabel("Smart sending").waitFor();
    expect(await page.getByLabel("Event webhook URL").inputValue()).toMatch(new RegExp(`^${app.url}/webhooks/sendgrid/[A-Za-z0-9_-]{40,}$`));
    await page.getByText(/cart reminder to someone who has not subscribed/).first().waitFor();

    await page.getByLabel("Smart sending").fill("500");
    await page.getByRole("button", { name: "Save sending limits" }).click();
    await page.getByText("The smart-sending window must be at most 168.").waitFor();
    await page.getByLabel("Smart sending").fill("24");
    await page.getByLabel("Cart-recovery emails go to").selectOption("checkout-email");
    await page.getByRole("button", { name: "Save sending limits" }).click();
    await page.locator("[data-delivery-saved]").waitFor();
    const stored = await app.db.shopSettings.findUniqueOrThrow({ where: { shopId: app.shop } });
    expect(stored.delivery).toMatchObject({ smartSendingHours: 24, cartRecoveryAudience: "checkout-email" });

    await page.getByLabel("API key").fill("not a key");
    await page.getByRole("button", { name: "Save API key" }).click();
    await page.getByText(/SG\./).first().waitFor();
    const key = "SG.e2eKeyId0123456789.e2eSecretPart0123456789abcdefghijWXYZ";
    await page.getByLabel("API key").fill(key);
    await page.getByRole("button", { name: "Save API key" }).click();
    await page.locator('[data-sendgrid-source="shop"]').waitFor();
    expect(await page.locator("[data-sendgrid-last4]").textContent()).toBe("WXYZ");
    expect(await page.content()).not.toContain(key);
    await page.screenshot({ path: path.join(RESULTS, "delivery-settings.png"), fullPage: true });
    await page.close();
  });
});
