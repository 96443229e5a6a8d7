// Triggers → enrollments on the real database: each trigger enrolls once
// (replayed scans change nothing), not before its delay, never for a flow that
// is off or not approved, never from another shop's data, and not from history
// older than the flow's lookback.
import { beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { exitOnPurchase } from "~/core/delivery/enrollment-exit.server";
import { saveDeliverySettings } from "~/core/delivery/settings.server";
import { runTriggers } from "~/core/delivery/triggers.server";
import { editPlan } from "~/core/approval/approval.server";
import { TEST_SHOP } from "../../setup/test-config";
import { fixture, send } from "../webhooks/send";
import { DAY, HOUR, makeCheckout, makeCustomer, makeFlow, makeOrder, MINUTE, noQuietHours, resetShops } from "./triggers-fixtures";

const SHOP = TEST_SHOP;
const OTHER = "other-triggers.myshopify.com";
const T = new Date("2026-06-01T10:00:00Z");
const at = (ms: number) => new Date(T.getTime() + ms);

beforeEach(async () => {
  await resetShops(SHOP, OTHER);
  await noQuietHours(SHOP);
});

const enrollments = (campaignId: string) => prisma.enrollment.findMany({ where: { campaignId }, include: { messages: { orderBy: { step: "asc" } } } });

describe("checkout abandoned", () => {
  it("enrolls once, after abandonedCheckoutMinutes, with one message per step timed from the checkout", async () => {
    const flow = await makeFlow(SHOP, "cart-recovery");
    const ada = await makeCustomer(SHOP);
    const checkout = await makeCheckout(SHOP, { customerId: ada.id, email: ada.email, updatedAt: T });
    await runTriggers(SHOP, { now: at(59 * MINUTE) });
    expect(await enrollments(flow.id)).toHaveLength(0);
    const report = await runTriggers(SHOP, { now: at(61 * MINUTE) });
    expect(report.enrolled).toEqual({ [flow.id]: 1 });
    await runTriggers(SHOP, { now: at(62 * MINUTE) });
    await runTriggers(SHOP, { now: at(62 * MINUTE) });
    const [e, ...rest] = await enrollments(flow.id);
    expect(rest).toHaveLength(0);
    expect(e).toMatchObject({ shopId: SHOP, customerId: ada.id, triggerKey: `checkout:${checkout.token}`, status: "active", triggeredAt: T });
    expect(e!.messages.map((m) => [m.key, m.step, m.status, m.priority, m.flowType])).toEqual([
      [`${e!.id}:0`, 0, "scheduled", 100, "cart-recovery"],
      [`${e!.id}:1`, 1, "scheduled", 100, "cart-recovery"],
      [`${e!.id}:2`, 2, "scheduled", 100, "cart-recovery"],
    ]);
    // Step 1 (1 h) is timed from the checkout, but was found at 61 min: it goes at once, never before its delay.
    // Steps of a day or more move to an optimised hour within ±12 h of nominal.
    expect(e!.messages[0]!.scheduledFor).toEqual(at(61 * MINUTE));
    expect(Math.abs(e!.messages[1]!.scheduledFor.getTime() - at(24 * HOUR).getTime())).toBeLessThanOrEqual(12 * HOUR);
    expect(Math.abs(e!.messages[2]!.scheduledFor.getTime() - at(72 * HOUR).getTime())).toBeLessThanOrEqual(12 * HOUR);
  });

  it("two scans at once enroll each checkout once", async () => {
    const flow = await makeFlow(SHOP, "cart-recovery");
    for (let i = 0; i < 30; i++) await makeCheckout(SHOP, { email: `race${i}@example.com`, updatedAt: T });
    await Promise.all([runTriggers(SHOP, { now: at(2 * HOUR) }), runTriggers(SHOP, { now: at(2 * HOUR) }), runTriggers(SHOP, { now: at(2 * HOUR) })]);
    expect(await prisma.enrollment.count({ where: { campaignId: flow.id } })).toBe(30);
    expect(await prisma.message.count({ where: { campaignId: flow.id } })).toBe(90);
  });

  it("does not enroll a checkout followed by an order (by customer, email or token), a completed one, or one with no address", async () => {
    const flow = await makeFlow(SHOP, "cart-recovery");
    const a = await makeCustomer(SHOP);
    const b = await makeCustomer(SHOP);
    await makeCheckout(SHOP, { customerId: a.id, updatedAt: T });
    await makeOrder(SHOP, { customerId: a.id, at: at(20 * MINUTE) });
    await makeCheckout(SHOP, { email: "Guest@Example.com", updatedAt: T });
    await makeOrder(SHOP, { email: "guest@example.com", at: at(30 * MINUTE) });
    await makeCheckout(SHOP, { token: "tok-done", customerId: b.id, updatedAt: T, completedAt: at(5 * MINUTE) });
    await makeCheckout(SHOP, { updatedAt: T });
    const kept = await makeCheckout(SHOP, { email: "walkaway@example.com", updatedAt: T });
    await makeOrder(SHOP, { email: "walkaway@example.com", at: at(-DAY) }); // an order before the checkout does not count
    await runTriggers(SHOP, { now: at(2 * HOUR) });
    const rows = await enrollments(flow.id);
    expect(rows.map((r) => r.triggerKey)).toEqual([`checkout:${kept.token}`]);
    expect(rows[0]!.customerId).toBeNull();
    expect(rows[0]!.context).toMatchObject({ email: "walkaway@example.com", checkoutToken: kept.token });
  });

  it("never enrolls for a flow that is off or whose current version is not approved, nor from another shop's checkouts", async () => {
    const off = await makeFlow(SHOP, "cart-recovery", { enabled: false });
    const unapproved = await makeFlow(SHOP, "cart-recovery", { approve: false });
    const edited = await makeFlow(SHOP, "cart-recovery");
    await editPlan(SHOP, edited.id, { ...edited.plan, name: "Edited after approval" }); // needs approval again
    await makeCheckout(SHOP, { email: "x@example.com", updatedAt: T });
    const theirs = await makeFlow(OTHER, "cart-recovery");
    await makeCheckout(OTHER, { email: "y@example.com", updatedAt: T });
    const report = await runTriggers(SHOP, { now: at(2 * HOUR) });
    expect(report.notApproved.sort()).toEqual([unapproved.id, edited.id].sort());
    expect(await prisma.enrollment.count({ where: { campaignId: { in: [off.id, unapproved.id, edited.id] } } })).toBe(0);
    expect(await prisma.enrollment.count({ where: { campaignId: theirs.id } })).toBe(0);
  });

  it("looks back only 24 h before the flow was switched on", async () => {
    const flow = await makeFlow(SHOP, "cart-recovery", { enabledAt: at(2 * HOUR) });
    const recent = await makeCheckout(SHOP, { email: "recent@example.com", updatedAt: T });
    await makeCheckout(SHOP, { email: "old@example.com", updatedAt: at(-23 * HOUR - 2 * HOUR) });
    await runTriggers(SHOP, { now: at(3 * HOUR) });
    expect((await enrollments(flow.id)).map((e) => e.triggerKey)).toEqual([`checkout:${recent.token}`]);
  });

  it("an order through the real webhook cancels the cart recovery at once", async () => {
    const body = fixture<Record<string, unknown> & { customer: Record<string, unknown>; checkout_token: string; created_at: string }>("orders-create");
    const orderAt = new Date(body.created_at);
    const flow = await makeFlow(SHOP, "cart-recovery");
    await saveDeliverySettings(SHOP, { abandonedCheckoutMinutes: 30 });
    const ada = await prisma.customer.create({ data: { shopId: SHOP, shopifyId: String(body.customer.id), email: "ada.lovelace@example.com", emailConsentState: "SUBSCRIBED" } });
    await makeCheckout(SHOP, { token: "other-cart", customerId: ada.id, email: ada.email, updatedAt: new Date(orderAt.getTime() - 2 * HOUR) });
    await runTriggers(SHOP, { now: new Date(orderAt.getTime() - HOUR) });
    const [e] = await enrollments(flow.id);
    expect(e!.status).toBe("active");
    const res = await send({ topic: "orders/create", body });
    expect(res.status).toBe(200);
    const after = await prisma.enrollment.findUniqueOrThrow({ where: { id: e!.id }, include: { messages: true } });
    expect(after).toMatchObject({ status: "exited", exitReason: "purchase" });
    expect(after.messages.map((m) => [m.status, m.skipReason])).toEqual([["cancelled", "purchase"], ["cancelled", "purchase"], ["cancelled", "purchase"]]);
    // Idempotent, and an order before the trigger exits nothing.
    expect(await exitOnPurchase(SHOP, ada.id, orderAt)).toBe(0);
  });
});

describe("browse abandonment", () => {
  const view = (shopId: string, customerId: string, ms: number, type = "product_viewed", product = "p1") =>
    prisma.browseEvent.create({ data: { shopId, eventId: `${customerId}-${ms}-${type}-${product}`, browserId: `b-${customerId}`, customerId, type, occurredAt: at(ms), productShopifyId: product } });

  it("enrolls a shopper who viewed a product twice (or added to cart) and went quiet; once per week", async () => {
    const flow = await makeFlow(SHOP, "browse-abandonment");
    const [twice, once, cart, checkedOut] = await Promise.all([makeCustomer(SHOP), makeCustomer(SHOP), makeCustomer(SHOP), makeCustomer(SHOP)]);
    await view(SHOP, twice.id, 0);
    await view(SHOP, twice.id, 5 * MINUTE);
    await view(SHOP, once.id, 0);
    await view(SHOP, cart.id, 0, "product_added_to_cart", "p2");
    await view(SHOP, checkedOut.id, 0);
    await view(SHOP, checkedOut.id, MINUTE);
    await view(SHOP, checkedOut.id, 2 * MINUTE, "checkout_started", "");
    await runTriggers(SHOP, { now: at(30 * MINUTE) }); // still within the quiet time
    expect(await enrollments(flow.id)).toHaveLength(0);
    await runTriggers(SHOP, { now: at(2 * HOUR) });
    await runTriggers(SHOP, { now: at(2 * HOUR) });
    const rows = await enrollments(flow.id);
    expect(rows.map((r) => r.customerId).sort()).toEqual([twice.id, cart.id].sort());
    expect(rows.find((r) => r.customerId === twice.id)).toMatchObject({ triggeredAt: at(5 * MINUTE), context: { productIds: ["p1"] } });
    // Two days later another qualifying visit: not a second enrollment that week; nine days later, yes.
    await view(SHOP, twice.id, 2 * DAY);
    await view(SHOP, twice.id, 2 * DAY + MINUTE);
    await runTriggers(SHOP, { now: at(2 * DAY + 3 * HOUR) });
    expect(await prisma.enrollment.count({ where: { campaignId: flow.id, customerId: twice.id } })).toBe(1);
    await view(SHOP, twice.id, 9 * DAY);
    await view(SHOP, twice.id, 9 * DAY + MINUTE);
    await runTriggers(SHOP, { now: at(9 * DAY + 3 * HOUR) });
    expect(await prisma.enrollment.count({ where: { campaignId: flow.id, customerId: twice.id } })).toBe(2);
  });
});

describe("segment entered (win-back)", () => {
  it("counts entries of the last 30 days before switching on, but not the segment's first fill", async () => {
    const segment = await prisma.segment.create({ data: { shopId: SHOP, key: "at-risk", name: "At risk", kind: "builtin", definition: {}, createdAt: at(-200 * DAY) } });
    const enabledAt = at(0);
    const flow = await makeFlow(SHOP, "win-back", { enabledAt });
    const [fill, recent, old, later] = await Promise.all([makeCustomer(SHOP), makeCustomer(SHOP), makeCustomer(SHOP), makeCustomer(SHOP)]);
    const entered = (customerId: string, when: Date) => prisma.segmentTransition.create({ data: { shopId: SHOP, segmentId: segment.id, customerId, kind: "entered", at: when } });
    await entered(fill.id, new Date(segment.createdAt.getTime() + 2 * MINUTE));
    const r = await entered(recent.id, at(-10 * DAY));
    await entered(old.id, at(-40 * DAY));
    await prisma.segmentTransition.create({ data: { shopId: SHOP, segmentId: segment.id, customerId: recent.id, kind: "left", at: at(-5 * DAY) } });
    await runTriggers(SHOP, { now: at(HOUR) });
    expect((await enrollments(flow.id)).map((e) => e.triggerKey)).toEqual([`transition:${r.id}`]);
    await entered(later.id, at(2 * HOUR));
    await runTriggers(SHOP, { now: at(3 * HOUR) });
    await runTriggers(SHOP, { now: at(3 * HOUR) });
    expect((await enrollments(flow.id)).map((e) => e.customerId).sort()).toEqual([recent.id, later.id].sort());
  });

  it("first-fill entries do not count even for a segment created just now", async () => {
    const segment = await prisma.segment.create({ data: { shopId: SHOP, key: "at-risk", name: "At risk", kind: "builtin", definition: {}, createdAt: at(-HOUR) } });
    const flow = await makeFlow(SHOP, "win-back", { enabledAt: at(0) });
    const c = await makeCustomer(SHOP);
    await prisma.segmentTransition.create({ data: { shopId: SHOP, segmentId: segment.id, customerId: c.id, kind: "entered", at: at(-HOUR + 30_000) } });
    await runTriggers(SHOP, { now: at(HOUR) });
    expect(await enrollments(flow.id)).toHaveLength(0);
  });
});

describe("first order (post-purchase) and new subscriber (welcome)", () => {
  it("enrolls a customer's first order only, keyed by the order", async () => {
    const flow = await makeFlow(SHOP, "post-purchase");
    const newbie = await makeCustomer(SHOP);
    const regular = await makeCustomer(SHOP);
    const first = await makeOrder(SHOP, { customerId: newbie.id, at: T });
    await makeOrder(SHOP, { customerId: newbie.id, at: at(HOUR) });
    await makeOrder(SHOP, { customerId: regular.id, at: at(-300 * DAY) });
    await makeOrder(SHOP, { customerId: regular.id, at: T });
    await runTriggers(SHOP, { now: at(2 * HOUR) });
    await runTriggers(SHOP, { now: at(3 * HOUR) });
    expect((await enrollments(flow.id)).map((e) => [e.triggerKey, e.customerId])).toEqual([[`order:${first.id}`, newbie.id]]);
  });

  it("welcomes a new subscriber once, and not the subscribers of years ago", async () => {
    const flow = await makeFlow(SHOP, "welcome", { enabledAt: at(-DAY) });
    const fresh = await makeCustomer(SHOP, { consentAt: T });
    await makeCustomer(SHOP, { consentAt: at(-400 * DAY) });
    await makeCustomer(SHOP, { consent: "NOT_SUBSCRIBED", consentAt: T });
    await runTriggers(SHOP, { now: at(HOUR) });
    // They unsubscribe and subscribe again: still one welcome.
    await prisma.customer.update({ where: { id: fresh.id }, data: { emailConsentUpdatedAt: at(2 * HOUR) } });
    await runTriggers(SHOP, { now: at(3 * HOUR) });
    const rows = await enrollments(flow.id);
    expect(rows.map((e) => e.triggerKey)).toEqual([`subscribed:${fresh.id}`]);
    expect(rows[0]!.messages[0]!.scheduledFor).toEqual(at(HOUR)); // day 0: at once (found an hour later)
  });
});

describe("quiet hours at enrollment", () => {
  it("moves every message due in the recipient's night to its end, dropping none", async () => {
    await saveDeliverySettings(SHOP, { quietHours: { start: 21, end: 8 } });
    const flow = await makeFlow(SHOP, "cart-recovery");
    const ny = await makeCustomer(SHOP, { countryCode: "US", province: "New York" });
    // Last update 01:30 New York time: step 1 (+1 h) falls at 02:30, in the night.
    await makeCheckout(SHOP, { customerId: ny.id, email: ny.email, updatedAt: new Date("2026-06-02T05:30:00Z") });
    await runTriggers(SHOP, { now: new Date("2026-06-02T07:00:00Z") });
    const [e] = await enrollments(flow.id);
    expect(e!.messages).toHaveLength(3);
    expect(e!.messages[0]!.scheduledFor.toISOString()).toBe("2026-06-02T12:00:00.000Z"); // 08:00 New York
    for (const m of e!.messages) {
      const hour = Number(new Intl.DateTimeFormat("en-US", { timeZone: "America/New_York", hour: "numeric", hourCycle: "h23" }).format(m.scheduledFor));
      expect(hour >= 8 && hour < 21).toBe(true);
    }
  });
});
