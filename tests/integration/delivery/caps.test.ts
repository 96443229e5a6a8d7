// Frequency caps at send time on the real database: the smart-sending window
// at its edge (15 h 59 vs 16 h 01), the weekly maximum, priority across flows,
// and a skip always carrying its reason.
import { beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { dispatchDue } from "~/core/delivery/dispatch.server";
import { DEFAULT_DELIVERY_SETTINGS } from "~/core/delivery/settings";
import { deliverySettings, DeliverySettingsError, saveDeliverySettings } from "~/core/delivery/settings.server";
import { runTriggers } from "~/core/delivery/triggers.server";
import { TEST_SHOP } from "../../setup/test-config";
import { DAY, HOUR, makeCheckout, makeCustomer, makeFlow, MINUTE, noQuietHours, queue, resetShops } from "./triggers-fixtures";

const SHOP = TEST_SHOP;
const T = new Date("2026-06-01T10:00:00Z");
const at = (ms: number) => new Date(T.getTime() + ms);

beforeEach(async () => {
  await resetShops(SHOP);
  await noQuietHours(SHOP);
});

/** An email the person already had, `ago` before `now`, from an earlier campaign. */
async function pastEmail(customerId: string, campaignId: string, sentAt: Date, status = "sent") {
  await prisma.message.create({
    data: { shopId: SHOP, campaignId, customerId, flowType: "sales-campaign", step: 0, key: `past:${customerId}:${sentAt.getTime()}:${status}`, status, scheduledFor: sentAt, sentAt: status === "sent" ? sentAt : null, queuedAt: sentAt, email: "x@example.com" },
  });
}

async function cartDueAt(now: Date) {
  const people = await Promise.all([makeCustomer(SHOP), makeCustomer(SHOP), makeCustomer(SHOP)]);
  for (const p of people) await makeCheckout(SHOP, { customerId: p.id, email: p.email, updatedAt: new Date(now.getTime() - 2 * HOUR) });
  await runTriggers(SHOP, { now });
  return people;
}

describe("frequency caps", () => {
  it("skips inside the smart-sending window (15 h 59 ago) and sends just outside it (16 h 01 ago), counting queued and unknown too", async () => {
    const flow = await makeFlow(SHOP, "cart-recovery");
    const now = at(2 * DAY);
    const [inside, outside, unknown] = await cartDueAt(now);
    await pastEmail(inside!.id, flow.id, new Date(now.getTime() - 15 * HOUR - 59 * MINUTE));
    await pastEmail(outside!.id, flow.id, new Date(now.getTime() - 16 * HOUR - MINUTE));
    await pastEmail(unknown!.id, flow.id, new Date(now.getTime() - 3 * HOUR), "unknown");
    const report = await dispatchDue(SHOP, { queue, now });
    expect(report.queued).toBe(1);
    expect(report.skipped).toEqual({ "smart-sending": 2 });
    const byCustomer = async (id: string) => (await prisma.message.findFirstOrThrow({ where: { shopId: SHOP, customerId: id, step: 0, enrollmentId: { not: null } } }));
    expect(await byCustomer(inside!.id)).toMatchObject({ status: "skipped", skipReason: "smart-sending" });
    expect(await byCustomer(outside!.id)).toMatchObject({ status: "queued" });
    expect(await byCustomer(unknown!.id)).toMatchObject({ status: "skipped", skipReason: "smart-sending" });
  });

  it("holds the weekly maximum over any 7 days", async () => {
    await saveDeliverySettings(SHOP, { weeklyMax: 2, smartSendingHours: 16 });
    const flow = await makeFlow(SHOP, "cart-recovery");
    const now = at(10 * DAY);
    const [full, weekAgo, one] = await cartDueAt(now);
    for (const d of [1, 3]) await pastEmail(full!.id, flow.id, new Date(now.getTime() - d * DAY));
    await pastEmail(weekAgo!.id, flow.id, new Date(now.getTime() - 2 * DAY));
    await pastEmail(weekAgo!.id, flow.id, new Date(now.getTime() - 7 * DAY - MINUTE));
    await pastEmail(one!.id, flow.id, new Date(now.getTime() - 2 * DAY), "failed"); // never reached them: does not count
    await pastEmail(one!.id, flow.id, new Date(now.getTime() - 3 * DAY));
    const report = await dispatchDue(SHOP, { queue, now });
    expect(report).toMatchObject({ queued: 2, skipped: { "weekly-cap": 1 } });
    expect(await prisma.message.findFirstOrThrow({ where: { customerId: full!.id, enrollmentId: { not: null }, step: 0 } })).toMatchObject({ status: "skipped", skipReason: "weekly-cap" });
  });

  it("gives the slot to the higher priority when two flows are due together; the other is skipped with its reason", async () => {
    const cart = await makeFlow(SHOP, "cart-recovery");
    const campaignStart = at(DAY);
    const campaign = await makeFlow(SHOP, "sales-campaign", { kind: "campaign", startsAt: campaignStart });
    const ada = await makeCustomer(SHOP);
    await makeCheckout(SHOP, { customerId: ada.id, email: ada.email, updatedAt: new Date(campaignStart.getTime() - 2 * HOUR) });
    await runTriggers(SHOP, { now: campaignStart });
    const report = await dispatchDue(SHOP, { queue, now: campaignStart });
    expect(report).toMatchObject({ queued: 1, skipped: { "smart-sending": 1 } });
    const rows = await prisma.message.findMany({ where: { shopId: SHOP, customerId: ada.id, step: 0 }, select: { campaignId: true, status: true, skipReason: true } });
    expect(rows.find((r) => r.campaignId === cart.id)).toMatchObject({ status: "queued" });
    expect(rows.find((r) => r.campaignId === campaign.id)).toMatchObject({ status: "skipped", skipReason: "smart-sending" });
    // Nothing is left scheduled forever: every due message was decided.
    expect(await prisma.message.count({ where: { shopId: SHOP, status: "scheduled", scheduledFor: { lte: campaignStart } } })).toBe(0);
  });
});

describe("delivery settings in the database", () => {
  it("saves an edit over the stored values, refuses bad input with its reasons and stores nothing then; per shop", async () => {
    await resetShops(SHOP, "other-caps.myshopify.com");
    expect(await deliverySettings(SHOP)).toEqual(DEFAULT_DELIVERY_SETTINGS);
    await saveDeliverySettings(SHOP, { weeklyMax: 3 });
    await saveDeliverySettings(SHOP, { browse: { minViews: 4 } });
    const saved = await deliverySettings(SHOP);
    expect(saved).toMatchObject({ weeklyMax: 3, browse: { minViews: 4, windowHours: 24 }, smartSendingHours: 16 });
    const error = await saveDeliverySettings(SHOP, { weeklyMax: 3.5, quietHours: { end: 30 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliverySettingsError);
    expect((error as DeliverySettingsError).errors).toMatchObject({ weeklyMax: expect.stringMatching(/whole number/), "quietHours.end": expect.stringMatching(/0 to 23/) });
    expect(await deliverySettings(SHOP)).toEqual(saved);
    expect(await deliverySettings("other-caps.myshopify.com")).toEqual(DEFAULT_DELIVERY_SETTINGS);
  });
});

