// Delivery activity on the real database (SQLite, and PostgreSQL with
// TEST_DATABASE=postgres): counts by status and reason from SQL aggregates,
// test sends left out, shops kept apart, the live progress of a campaign, and a
// page of recent messages with masked addresses.
import { beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { activityFor, campaignProgress, messageSummary, recentMessages, ActivityError } from "~/core/delivery/activity.server";
import { TEST_SHOP } from "../../setup/test-config";

const SHOP = TEST_SHOP;
const OTHER = "other-shop.myshopify.com";
const NOW = new Date("2026-11-27T12:00:00Z");
const HOUR = 3600_000;

let seq = 0;
type MessageInput = {
  shopId?: string;
  campaignId: string;
  status: string;
  skipReason?: string;
  step?: number;
  email?: string | null;
  customerId?: string | null;
  scheduledFor?: Date;
  test?: boolean;
  sentAt?: Date;
  deliveredAt?: Date;
  openedAt?: Date;
  clickedAt?: Date;
  bouncedAt?: Date;
  templateId?: string;
};

function message(m: MessageInput) {
  seq += 1;
  return {
    shopId: m.shopId ?? SHOP,
    campaignId: m.campaignId,
    flowType: "cart-recovery",
    step: m.step ?? 0,
    key: `k${seq}:${m.step ?? 0}`,
    status: m.status,
    skipReason: m.skipReason ?? null,
    email: m.email === undefined ? `person${seq}@example.com` : m.email,
    customerId: m.customerId ?? null,
    scheduledFor: m.scheduledFor ?? new Date(NOW.getTime() - seq * 1000),
    test: m.test ?? false,
    sentAt: m.sentAt ?? null,
    deliveredAt: m.deliveredAt ?? null,
    openedAt: m.openedAt ?? null,
    clickedAt: m.clickedAt ?? null,
    bouncedAt: m.bouncedAt ?? null,
    templateId: m.templateId ?? null,
  };
}

async function campaign(shopId: string, name: string, kind = "flow") {
  return prisma.campaign.create({ data: { shopId, kind, flowType: kind === "flow" ? "cart-recovery" : "launch", objective: "sales", name, plan: { steps: [] } } });
}

beforeEach(async () => {
  await prisma.shop.deleteMany();
  await prisma.shop.createMany({ data: [{ id: SHOP, status: "installed" }, { id: OTHER, status: "installed" }] });
});

describe("activityFor", () => {
  it("counts by status and reason, with engagement, leaving test sends and other shops' messages out", async () => {
    const flow = await campaign(SHOP, "Cart recovery");
    const quiet = await campaign(SHOP, "Welcome");
    const foreign = await campaign(OTHER, "Theirs");
    const at = new Date(NOW.getTime() - HOUR);
    await prisma.message.createMany({
      data: [
        message({ campaignId: flow.id, status: "sent", sentAt: at, deliveredAt: at, openedAt: at, clickedAt: at }),
        message({ campaignId: flow.id, status: "sent", sentAt: at, deliveredAt: at }),
        message({ campaignId: flow.id, status: "sent", sentAt: at, bouncedAt: at }),
        message({ campaignId: flow.id, status: "skipped", skipReason: "smart-sending" }),
        message({ campaignId: flow.id, status: "skipped", skipReason: "smart-sending" }),
        message({ campaignId: flow.id, status: "skipped", skipReason: "suppressed" }),
        message({ campaignId: flow.id, status: "cancelled", skipReason: "purchase" }),
        message({ campaignId: flow.id, status: "scheduled", scheduledFor: new Date(NOW.getTime() + HOUR) }),
        message({ campaignId: flow.id, status: "failed" }),
        message({ campaignId: flow.id, status: "unknown", sentAt: at }),
        // A test send and another shop's messages (even naming this campaign) count nothing.
        message({ campaignId: flow.id, status: "sent", test: true, sentAt: at }),
        message({ shopId: OTHER, campaignId: flow.id, status: "sent", sentAt: at }),
        message({ shopId: OTHER, campaignId: foreign.id, status: "sent", sentAt: at }),
      ],
    });

    const counts = await activityFor(SHOP, [flow.id, quiet.id, foreign.id], { reasons: { smartSendingHours: 12, weeklyMax: 5 } });
    const c = counts[flow.id]!;
    expect(c.total).toBe(10);
    expect(c.byStatus).toEqual({ scheduled: 1, queued: 0, sending: 0, sent: 3, skipped: 3, cancelled: 1, failed: 1, unknown: 1 });
    expect(c.skipped).toEqual([
      { reason: "smart-sending", count: 2, words: "Smart sending: they had an email less than 12 hours ago" },
      { reason: "suppressed", count: 1, words: expect.stringMatching(/suppression list/) },
    ]);
    expect(c.cancelled.map((r) => [r.reason, r.count])).toEqual([["purchase", 1]]);
    expect(c).toMatchObject({ delivered: 2, opened: 1, clicked: 1, bounced: 1 });
    expect(counts[quiet.id]!.total).toBe(0);
    expect(counts[foreign.id]!.total).toBe(0); // another shop's campaign, asked for by id: nothing
    expect((await activityFor(OTHER, [foreign.id]))[foreign.id]!.byStatus.sent).toBe(1);
  });

  it("answers an empty list without a query and refuses a missing shop", async () => {
    expect(await activityFor(SHOP, [])).toEqual({});
    await expect(activityFor("", ["x"])).rejects.toBeInstanceOf(ActivityError);
  });

  it("counts 2,000 messages of 10 flows in one aggregate, not row by row", async () => {
    const flows = await Promise.all(Array.from({ length: 10 }, (_, i) => campaign(SHOP, `Flow ${i}`)));
    const statuses = ["sent", "sent", "skipped", "scheduled", "cancelled"];
    const data = Array.from({ length: 2000 }, (_, i) =>
      message({ campaignId: flows[i % 10]!.id, status: statuses[i % 5]!, skipReason: statuses[i % 5] === "skipped" ? (i % 2 ? "weekly-cap" : "smart-sending") : undefined }),
    );
    for (let i = 0; i < data.length; i += 1000) await prisma.message.createMany({ data: data.slice(i, i + 1000) });
    const started = performance.now();
    const counts = await activityFor(
      SHOP,
      flows.map((f) => f.id),
    );
    const ms = performance.now() - started;
    for (const f of flows) expect(counts[f.id]!.total).toBe(200);
    const sum = (k: "sent" | "skipped" | "scheduled" | "cancelled") => flows.reduce((n, f) => n + counts[f.id]!.byStatus[k], 0);
    expect([sum("sent"), sum("skipped"), sum("scheduled"), sum("cancelled")]).toEqual([800, 400, 400, 400]);
    process.stdout.write(`activityFor: 2,000 messages of 10 flows counted in ${ms.toFixed(0)} ms\n`);
    expect(ms).toBeLessThan(2000);
  });
});

describe("campaignProgress", () => {
  it("follows the step being sent: due scheduled and queued are in flight; later steps are not", async () => {
    const launch = await campaign(SHOP, "Spring launch", "campaign");
    const past = new Date(NOW.getTime() - 60_000);
    const later = new Date(NOW.getTime() + 3 * 24 * HOUR);
    await prisma.message.createMany({
      data: [
        ...Array.from({ length: 6 }, () => message({ campaignId: launch.id, status: "sent", scheduledFor: past, sentAt: past })),
        ...Array.from({ length: 2 }, () => message({ campaignId: launch.id, status: "queued", scheduledFor: past })),
        message({ campaignId: launch.id, status: "sending", scheduledFor: past }),
        message({ campaignId: launch.id, status: "scheduled", scheduledFor: past }),
        message({ campaignId: launch.id, status: "skipped", skipReason: "weekly-cap", scheduledFor: past }),
        ...Array.from({ length: 11 }, () => message({ campaignId: launch.id, status: "scheduled", step: 1, scheduledFor: later })),
        message({ campaignId: launch.id, status: "queued", test: true, scheduledFor: past }),
        message({ shopId: OTHER, campaignId: launch.id, status: "queued", scheduledFor: past }),
      ],
    });
    const p = await campaignProgress(SHOP, launch.id, { now: NOW });
    expect(p).toEqual({ step: 0, total: 11, done: 7, sent: 6, inFlight: 4, percent: 63, later: 11, active: true });

    await prisma.message.updateMany({ where: { shopId: SHOP, campaignId: launch.id, step: 0, status: { in: ["queued", "sending", "scheduled"] }, test: false }, data: { status: "sent" } });
    expect(await campaignProgress(SHOP, launch.id, { now: NOW })).toMatchObject({ step: 0, total: 11, done: 11, sent: 10, percent: 100, active: false });
    expect(await campaignProgress(OTHER, launch.id, { now: NOW })).toMatchObject({ step: 0, total: 1, inFlight: 1 });
  });
});

describe("recentMessages and messageSummary", () => {
  it("pages newest first with masked addresses and reasons in words, using the customer's address before one is set", async () => {
    const flow = await campaign(SHOP, "Cart recovery");
    const ada = await prisma.customer.create({ data: { shopId: SHOP, shopifyId: "1", email: "ada.lovelace@example.com" } });
    const base = NOW.getTime();
    const rows = [
      message({ campaignId: flow.id, status: "sent", email: "grace.hopper@navy.mil", scheduledFor: new Date(base - 1 * HOUR), sentAt: new Date(base - HOUR), templateId: "t1" }),
      message({ campaignId: flow.id, status: "skipped", skipReason: "smart-sending", scheduledFor: new Date(base - 2 * HOUR) }),
      message({ campaignId: flow.id, status: "scheduled", email: null, customerId: ada.id, scheduledFor: new Date(base + HOUR) }),
      message({ campaignId: flow.id, status: "sent", email: null, customerId: null, scheduledFor: new Date(base - 3 * HOUR) }),
      message({ campaignId: flow.id, status: "sent", test: true, scheduledFor: new Date(base) }),
    ];
    // Two messages due at the same instant: the id breaks the tie, so no page repeats or loses one.
    rows.push(message({ campaignId: flow.id, status: "failed", scheduledFor: new Date(base - 2 * HOUR) }));
    await prisma.message.createMany({ data: rows });

    const first = await recentMessages(SHOP, flow.id, { limit: 2 });
    expect(first.messages.map((m) => m.status)).toEqual(["scheduled", "sent"]);
    expect(first.messages[0]!.recipient).toBe("a***@e***.com");
    expect(first.messages[1]).toMatchObject({ recipient: "g***@n***.mil", viewable: true, reason: null, statusWords: "Sent" });
    expect(JSON.stringify(first)).not.toMatch(/lovelace|hopper/);
    expect(first.next).not.toBeNull();

    const second = await recentMessages(SHOP, flow.id, { limit: 2, cursor: first.next });
    expect(second.messages.map((m) => m.status).sort()).toEqual(["failed", "skipped"]);
    const skipped = second.messages.find((m) => m.status === "skipped")!;
    expect(skipped.reason).toBe("Smart sending: they had an email less than 16 hours ago");
    const third = await recentMessages(SHOP, flow.id, { limit: 2, cursor: second.next });
    expect(third.messages).toHaveLength(1);
    expect(third.messages[0]).toMatchObject({ recipient: "(guest)", viewable: false });
    expect(third.next).toBeNull();

    // Another shop sees none of it, even with this campaign's id and cursor.
    expect((await recentMessages(OTHER, flow.id)).messages).toEqual([]);
    expect((await recentMessages(OTHER, flow.id, { cursor: first.next })).messages).toEqual([]);
    expect((await recentMessages(SHOP, flow.id, { limit: 1000 })).messages).toHaveLength(5); // capped at 100, test send left out

    const sent = first.messages[1]!;
    expect(await messageSummary(SHOP, sent.id)).toMatchObject({ id: sent.id, campaignId: flow.id, status: "sent", recipient: "g***@n***.mil" });
    expect(await messageSummary(OTHER, sent.id)).toBeNull();
    expect(await messageSummary(SHOP, "no-such-message")).toBeNull();
  });
});
