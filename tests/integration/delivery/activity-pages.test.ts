// The delivery admin pages' server side on the real database: the Settings
// page's delivery form (errors per field, nothing stored on a bad edit), the
// write-only SendGrid key, the event-webhook URL, the review page's schedule
// intent, and the message page's shop scoping.
import { beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { handleDeliverySettingsForm, loadDeliverySettingsView } from "~/routes/app.settings/delivery.server";
import { handleDeliveryForm } from "~/routes/app.campaigns.$id/delivery.server";
import { messageView } from "~/core/delivery/activity.server";
import { deliverySettings } from "~/core/delivery/settings.server";
import { TEST_SHOP } from "../../setup/test-config";

const SHOP = { id: TEST_SHOP, timezone: "Europe/Paris", email: "owner@example.com" };
const OTHER = { id: "other-shop.myshopify.com", timezone: null, email: null };
const KEY = "SG.abcdefghijklmnopqrstuv.ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop1234";

function form(fields: Record<string, string>): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.set(k, v);
  return f;
}

const DELIVERY = { intent: "delivery", smartSendingHours: "12", weeklyMax: "3", quietStart: "22", quietEnd: "7", cartRecoveryAudience: "subscribers", abandonedCheckoutMinutes: "45" };

beforeEach(async () => {
  await prisma.shop.deleteMany();
  await prisma.shop.createMany({ data: [{ id: SHOP.id, status: "installed", email: SHOP.email }, { id: OTHER.id, status: "installed" }] });
});

describe("Settings: delivery", () => {
  it("shows the defaults and a private event-webhook URL, saves an edit, and refuses a bad one per field storing nothing", async () => {
    const view = await loadDeliverySettingsView(SHOP);
    expect(view.fields).toMatchObject({ smartSendingHours: "16", weeklyMax: "5", cartRecoveryAudience: "subscribers" });
    expect(view.webhookUrl).toMatch(/\/webhooks\/sendgrid\/[A-Za-z0-9_-]{40,}$/);
    expect((await loadDeliverySettingsView(SHOP)).webhookUrl).toBe(view.webhookUrl); // one token per shop
    expect((await loadDeliverySettingsView(OTHER)).webhookUrl).not.toBe(view.webhookUrl);

    const saved = await handleDeliverySettingsForm(SHOP, form(DELIVERY));
    expect(saved.ok).toBe(true);
    expect(await deliverySettings(SHOP.id)).toMatchObject({ smartSendingHours: 12, weeklyMax: 3, quietHours: { start: 22, end: 7 }, abandonedCheckoutMinutes: 45 });

    const bad = await handleDeliverySettingsForm(SHOP, form({ ...DELIVERY, smartSendingHours: "400", weeklyMax: "many", abandonedCheckoutMinutes: "2" }));
    expect(bad).toMatchObject({ ok: false, fields: { weeklyMax: "The weekly maximum must be a number." } });
    const rule = await handleDeliverySettingsForm(SHOP, form({ ...DELIVERY, smartSendingHours: "400", abandonedCheckoutMinutes: "2" }));
    expect(rule.ok).toBe(false);
    if (!rule.ok) {
      expect(rule.fields.smartSendingHours).toMatch(/at most 168\.$/);
      expect(rule.fields.abandonedCheckoutMinutes).toMatch(/at least 10\.$/);
    }
    expect((await deliverySettings(SHOP.id)).smartSendingHours).toBe(12); // nothing stored
    expect((await deliverySettings(OTHER.id)).smartSendingHours).toBe(16); // another shop untouched
  });

  it("stores the SendGrid key encrypted and shows only its last four; refuses a malformed key; removes it", async () => {
    const refused = await handleDeliverySettingsForm(SHOP, form({ intent: "sendgrid-key", sendgridApiKey: "not-a-key" }));
    expect(refused).toMatchObject({ ok: false, fields: { sendgridApiKey: expect.stringMatching(/SG\./) } });
    expect(await handleDeliverySettingsForm(SHOP, form({ intent: "sendgrid-key", sendgridApiKey: " " }))).toMatchObject({ ok: false, fields: { sendgridApiKey: "Paste your SendGrid API key." } });

    const saved = await handleDeliverySettingsForm(SHOP, form({ intent: "sendgrid-key", sendgridApiKey: KEY }));
    expect(saved.ok && saved.view.sendgrid).toEqual({ source: "shop", last4: "1234" });
    expect(JSON.stringify(saved)).not.toContain(KEY);
    const row = await prisma.shopSettings.findUniqueOrThrow({ where: { shopId: SHOP.id } });
    expect(row.sendgridApiKey).not.toContain("SG.");
    expect((await loadDeliverySettingsView(OTHER)).sendgrid.source).not.toBe("shop");

    const removed = await handleDeliverySettingsForm(SHOP, form({ intent: "sendgrid-key-remove" }));
    expect(removed.ok && removed.view.sendgrid.source).not.toBe("shop");
    expect((await prisma.shopSettings.findUniqueOrThrow({ where: { shopId: SHOP.id } })).sendgridApiKey).toBeNull();
  });
});

describe("Review page: schedule, and the message page", () => {
  it("refuses a bad date and an unapproved campaign with a sentence; another shop's campaign is a 404", async () => {
    const plan = { trigger: { kind: "scheduled" }, steps: [] };
    const c = await prisma.campaign.create({ data: { shopId: SHOP.id, kind: "campaign", flowType: "launch", objective: "launch", name: "Launch", plan } });
    expect(await handleDeliveryForm(SHOP, c.id, form({ intent: "schedule", startsAt: "someday" }))).toMatchObject({ ok: false, code: "invalid-date", error: "Pick a date and a time to start sending." });
    const unapproved = await handleDeliveryForm(SHOP, c.id, form({ intent: "schedule", startsAt: "2099-01-01T09:00" }));
    expect(unapproved.ok).toBe(false);
    expect((await prisma.campaign.findUniqueOrThrow({ where: { id: c.id } })).startsAt).toBeNull();
    const foreign = await handleDeliveryForm(OTHER, c.id, form({ intent: "schedule", startsAt: "2099-01-01T09:00" })).catch((e: unknown) => e);
    expect(foreign).toBeInstanceOf(Response);
    expect((foreign as Response).status).toBe(404);
    const test = await handleDeliveryForm(OTHER, c.id, form({ intent: "send-test", step: "0", variant: "A" })).catch((e: unknown) => e);
    expect((test as Response).status).toBe(404);
  });

  it("shows a message only to its own shop, masked, with no email for one never sent", async () => {
    const c = await prisma.campaign.create({ data: { shopId: SHOP.id, kind: "flow", flowType: "cart-recovery", objective: "cart-recovery", name: "Cart", plan: {} } });
    const m = await prisma.message.create({
      data: { shopId: SHOP.id, campaignId: c.id, flowType: "cart-recovery", step: 0, key: "e1:0", status: "skipped", skipReason: "smart-sending", email: "ada@example.com", scheduledFor: new Date() },
    });
    await handleDeliverySettingsForm(SHOP, form(DELIVERY)); // 12-hour window: the words say so
    const view = await messageView(SHOP.id, m.id);
    expect(view).toMatchObject({ campaign: { id: c.id, name: "Cart" }, email: null, message: { recipient: "a***@e***.com", reason: "Smart sending: they had an email less than 12 hours ago" } });
    expect(await messageView(OTHER.id, m.id)).toBeNull();
  });
});
