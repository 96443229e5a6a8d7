// The revenue dashboard on the real database (SQLite, and PostgreSQL with
// TEST_DATABASE=postgres): emails sent over two weeks with their SendGrid
// events, orders through the signed orders webhook (attributed by the real
// rules), and loadDashboard's numbers compared with a recomputation written
// here from Message, EmailEvent, Order and Attribution, day by day in the
// shop's zone. Machine opens never count; another shop's data never appears.
import { beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { loadDashboard } from "~/core/reports/dashboard.server";
import { saveAttributionSettings } from "~/core/attribution/settings.server";
import { describeAttribution, readAttributionSettings } from "~/core/attribution/rules";
import { A, B, buildShops, ids, NOW } from "./fixtures";

/** The local calendar day, computed here with Intl (not the app's days.ts). */
function localDay(at: Date, zone: string): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" }).format(at);
}

function daysFrom(from: string, n: number): string[] {
  const out: string[] = [];
  const start = Date.UTC(Number(from.slice(0, 4)), Number(from.slice(5, 7)) - 1, Number(from.slice(8, 10)));
  for (let i = 0; i < n; i++) out.push(new Date(start + i * 86_400_000).toISOString().slice(0, 10));
  return out;
}

interface Expected {
  sent: number;
  delivered: number;
  opened: number;
  clicked: number;
  orders: number;
  revenue: number;
  perDay: Map<string, { orders: number; revenue: number }>;
  perCampaign: Map<string, { sent: number; orders: number; revenue: number }>;
}

/** Straight from the source rows: messages by the local day they were sent, attributed orders by the day they were placed. */
async function recompute(shopId: string, zone: string, days: string[]): Promise<Expected> {
  const inside = new Set(days);
  const e: Expected = { sent: 0, delivered: 0, opened: 0, clicked: 0, orders: 0, revenue: 0, perDay: new Map(), perCampaign: new Map() };
  const campaign = (id: string) => e.perCampaign.get(id) ?? (e.perCampaign.set(id, { sent: 0, orders: 0, revenue: 0 }), e.perCampaign.get(id)!);
  const messages = await prisma.message.findMany({ where: { shopId, status: "sent", test: false } });
  const events = await prisma.emailEvent.findMany({ where: { shopId } });
  const has = (messageId: string, type: string, human = false) => events.some((ev) => ev.messageId === messageId && ev.type === type && (!human || !ev.machineOpen));
  for (const m of messages) {
    if (!m.sentAt || !inside.has(localDay(m.sentAt, zone))) continue;
    e.sent++;
    campaign(m.campaignId).sent++;
    if (has(m.id, "delivered")) e.delivered++;
    if (has(m.id, "open", true)) e.opened++;
    if (has(m.id, "click")) e.clicked++;
  }
  const attributions = await prisma.attribution.findMany({ where: { shopId } });
  const orders = new Map((await prisma.order.findMany({ where: { shopId } })).map((o) => [o.id, o]));
  for (const a of attributions) {
    const o = orders.get(a.orderId)!;
    const day = localDay(o.shopifyCreatedAt, zone);
    if (!inside.has(day) || o.cancelledAt) continue;
    const revenue = o.totalPrice - o.refundedAmount; // from the order itself
    e.orders++;
    e.revenue += revenue;
    const d = e.perDay.get(day) ?? { orders: 0, revenue: 0 };
    d.orders++;
    d.revenue += revenue;
    e.perDay.set(day, d);
    campaign(a.campaignId).orders++;
    campaign(a.campaignId).revenue += revenue;
  }
  return e;
}

function expectMatches(got: Awaited<ReturnType<typeof loadDashboard>>["totals"], e: Expected) {
  expect({ sent: got.sent, delivered: got.delivered, opened: got.opened, clicked: got.clicked, orders: got.orders, revenue: got.revenue }).toEqual({
    sent: e.sent,
    delivered: e.delivered,
    opened: e.opened,
    clicked: e.clicked,
    orders: e.orders,
    revenue: e.revenue,
  });
  expect(got.revenuePerRecipient).toBe(e.sent ? e.revenue / e.sent : null);
  expect(got.deliveryRate).toBe(e.sent ? e.delivered / e.sent : null);
  expect(got.openRate).toBe(e.delivered ? e.opened / e.delivered : null);
  expect(got.clickRate).toBe(e.delivered ? e.clicked / e.delivered : null);
  expect(got.conversionRate).toBe(e.delivered ? e.orders / e.delivered : null);
}

beforeAll(buildShops);

describe("loadDashboard", () => {
  it("attributed the orders by the stated rules (the fixture is what the test thinks it is)", async () => {
    const rules = await prisma.attribution.findMany({ where: { shopId: A.id }, select: { rule: true, cancelled: true, orderId: true } });
    const byName = new Map((await prisma.order.findMany({ where: { shopId: A.id } })).map((o) => [o.id, o.name]));
    expect(Object.fromEntries(rules.map((r) => [byName.get(r.orderId), `${r.rule}${r.cancelled ? " (cancelled)" : ""}`]))).toEqual({
      "#R1": "discount-code",
      "#R2": "click-token",
      "#R3": "last-click",
      "#R5": "last-open",
      "#R7": "last-click",
      "#R8": "last-click (cancelled)",
    });
    expect((await prisma.order.findFirstOrThrow({ where: { shopId: A.id, name: "#R1" } })).refundedAmount).toBeGreaterThan(0);
  });

  it("equals a direct recomputation from messages, events, orders and attributions, for the period, the previous one and each day", async () => {
    const d = await loadDashboard(A.id, { days: 7, now: NOW });
    expect(d.period).toEqual({ from: "2026-06-09", to: "2026-06-15", days: 7 });
    expect(d.previousPeriod).toEqual({ from: "2026-06-02", to: "2026-06-08", days: 7 });
    const current = await recompute(A.id, A.timezone, daysFrom("2026-06-09", 7));
    const previous = await recompute(A.id, A.timezone, daysFrom("2026-06-02", 7));
    expectMatches(d.totals, current);
    expectMatches(d.previous, previous);

    // Fixed figures too, so a shared mistake cannot pass: #R1 (120.00 less its refund) + #R2 45.50 + #R3 80.25 + #R5 33.10.
    const r1 = await prisma.order.findFirstOrThrow({ where: { shopId: A.id, name: "#R1" } });
    expect(d.totals.revenue).toBe(12000 - r1.refundedAmount + 4550 + 8025 + 3310);
    expect(d.totals.orders).toBe(4);
    expect(d.totals.sent).toBe(6); // m1..m5, m7 (m8 was sent at 23:00 on the 8th in New York; the test send never counts)
    expect(d.previous).toMatchObject({ sent: 2, delivered: 2, orders: 1, revenue: 7000 });
    // Machine opens never count: m4's and m8's only opens were machines'.
    expect(d.totals.opened).toBe(3);
    expect(d.previous.opened).toBe(0);
    expect(d.change.revenue).toBeCloseTo(((d.totals.revenue - 7000) / 7000) * 100, 9);

    // Every day present, zeros filled, each equal to the recomputation.
    expect(d.series.map((p) => p.day)).toEqual(daysFrom("2026-06-09", 7));
    for (const p of d.series) expect({ day: p.day, orders: p.orders, revenue: p.revenue }).toEqual({ day: p.day, ...(current.perDay.get(p.day) ?? { orders: 0, revenue: 0 }) });
    // #R3 was placed at 02:30 UTC on the 13th: the 12th in New York.
    expect(d.series.find((p) => p.day === "2026-06-12")!.revenue).toBe(8025);

    // By campaign: each equal to the recomputation; names and kinds as stored; the other shop's campaign absent.
    expect(d.byCampaign.map((c) => c.campaignId).sort()).toEqual([ids.cart, ids.sale].sort());
    for (const c of d.byCampaign) expect({ sent: c.sent, orders: c.orders, revenue: c.revenue }).toEqual(current.perCampaign.get(c.campaignId));
    expect(d.byCampaign.find((c) => c.campaignId === ids.cart)).toMatchObject({ name: "Cart recovery", kind: "flow", flowType: "cart-recovery" });
    expect(d.byFlow.map((f) => f.flowType).sort()).toEqual(["cart-recovery", "sales-campaign"]);
    expect(d.byFlow.reduce((s, f) => s + f.revenue, 0)).toBe(d.totals.revenue);
    // By variant within a campaign.
    expect(d.byVariant.filter((v) => v.campaignId === ids.cart).map((v) => `${v.step}${v.variant}:${v.sent}:${v.orders}`)).toEqual(["0A:2:1", "0B:1:0", "1B:1:1"]);
    expect(d.byVariant.some((v) => v.campaignId === ids.other)).toBe(false);

    // The rule stated beside the numbers is the shop's.
    const settings = readAttributionSettings((await prisma.shopSettings.findUniqueOrThrow({ where: { shopId: A.id } })).attribution);
    expect(d.attribution).toMatchObject({ text: describeAttribution(settings), windowDays: 5, countOpens: true, openWindowDays: 2 });
    expect(d.attribution.text).toMatch(/within 5 days.*opened within 2 days \(machine opens never count\)/);
    expect(d.currency).toBe("USD");
    expect(d.empty).toBeNull();
  });

  it("reads only its own shop: the other shop sees its own order and nothing of ours", async () => {
    const b = await loadDashboard(B.id, { days: 7, now: NOW });
    const expected = await recompute(B.id, B.timezone, daysFrom("2026-06-09", 7));
    expectMatches(b.totals, expected);
    expect(b.totals).toMatchObject({ sent: 1, orders: 1, revenue: 50000 });
    expect(b.byCampaign.map((c) => c.campaignId)).toEqual([ids.other]);
    // A's rule settings are not B's.
    expect(b.attribution.countOpens).toBe(false);
  });

  it("covers a whole year from the rollups, and says why a period is empty", async () => {
    const year = await loadDashboard(A.id, { days: 365, now: NOW });
    expect(year.series).toHaveLength(365);
    expectMatches(year.totals, await recompute(A.id, A.timezone, daysFrom(year.period.from, 365)));
    const later = await loadDashboard(A.id, { days: 7, now: new Date("2026-09-01T12:00:00Z") });
    expect(later.totals.revenue).toBe(0);
    expect(later.empty).toBe("no-orders");
    expect(later.series.every((p) => p.revenue === 0 && p.orders === 0)).toBe(true);
    await prisma.shop.create({ data: { id: "reports-empty.myshopify.com", status: "installed" } });
    expect((await loadDashboard("reports-empty.myshopify.com", { now: NOW })).empty).toBe("no-emails");
  });

  it("follows a new rule: saving a 1-day click window re-credits past orders and the numbers still equal the recomputation", async () => {
    const saved = await saveAttributionSettings(A.id, { windowDays: 1 });
    expect(saved.changed).toBe(true);
    // #R7 came 2 days after its click, #R8 (cancelled) too: no longer credited. #R3 came 15½ hours after.
    expect(saved.reattributed).toMatchObject({ removed: 2 });
    const d = await loadDashboard(A.id, { days: 7, now: NOW });
    expectMatches(d.previous, await recompute(A.id, A.timezone, daysFrom("2026-06-02", 7)));
    expectMatches(d.totals, await recompute(A.id, A.timezone, daysFrom("2026-06-09", 7)));
    expect(d.previous.revenue).toBe(0);
    expect(d.attribution.text).toMatch(/within 1 day before/);
    // Saving the same rule again does nothing.
    expect((await saveAttributionSettings(A.id, { windowDays: 1 })).changed).toBe(false);
    await saveAttributionSettings(A.id, { windowDays: 5 });
    expect((await loadDashboard(A.id, { days: 7, now: NOW })).previous.revenue).toBe(7000);
  });
});
