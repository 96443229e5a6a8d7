// Attribution through the real order and refund webhook routes (signed as
// Shopify signs them) and the real SendGrid event path, on the real database:
// each rule, their precedence, the windows at their edges, machine opens,
// refunds, cancellations, edits, duplicate and out-of-order webhooks, late
// clicks, shop isolation, and re-running giving the same answer.
import { randomUUID } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { attributeOrder, reattributeShop } from "~/core/attribution/attribute.server";
import { parseEventBatch } from "~/core/delivery/events";
import { recordEvents } from "~/core/delivery/events.server";
import { refreshStats } from "~/core/reports/stats.server";
import { fixture, send } from "../webhooks/send";
import { TEST_SHOP } from "../../setup/test-config";

const SHOP = TEST_SHOP;
const OTHER = "attribution-other.myshopify.com";
const DAY = 86_400_000;
const T0 = Date.parse("2026-11-01T12:00:00Z");
const iso = (ms: number) => new Date(ms).toISOString();

let seq = 0;
const nextId = () => 7_000_000_000 + ++seq * 17;

interface Person {
  id: string;
  shopifyId: string;
  email: string;
}

let flows: { cart: string; winback: string; launch: string };
let ada: Person;
let bob: Person;

async function campaign(shopId: string, flowType: string, kind = "flow") {
  return (await prisma.campaign.create({ data: { shopId, kind, flowType, objective: "recover", name: `${flowType} flow`, status: "approved", plan: {} } })).id;
}

async function person(shopId: string, name: string): Promise<Person> {
  const shopifyId = String(nextId());
  const email = `${name}.${shopifyId}@example.com`;
  const c = await prisma.customer.create({ data: { shopId, shopifyId, email, firstName: name, emailConsentState: "SUBSCRIBED" } });
  return { id: c.id, shopifyId, email };
}

/** A message really sent at `sentAt` (as the sender leaves it). */
async function sent(shopId: string, campaignId: string, who: Person | null, sentAt: number, options: { step?: number; variant?: string; enrollmentId?: string; email?: string; flowType?: string } = {}) {
  const m = await prisma.message.create({
    data: {
      shopId,
      campaignId,
      enrollmentId: options.enrollmentId ?? null,
      customerId: who?.id ?? null,
      email: options.email ?? who?.email ?? null,
      flowType: options.flowType ?? (await prisma.campaign.findUniqueOrThrow({ where: { id: campaignId } })).flowType,
      step: options.step ?? 0,
      variant: options.variant ?? "A",
      key: `${randomUUID()}:${options.step ?? 0}`,
      status: "sent",
      scheduledFor: new Date(sentAt),
      queuedAt: new Date(sentAt),
      sentAt: new Date(sentAt),
    },
  });
  return m.id;
}

/** SendGrid events through the real recording path (what the signed webhook route calls). */
async function events(shopId: string, raw: Array<{ event: string; messageId: string; at: number; email?: string; machine?: boolean }>) {
  const parsed = parseEventBatch(
    raw.map((e) => ({
      sg_event_id: randomUUID(),
      event: e.event,
      timestamp: Math.floor(e.at / 1000),
      email: e.email ?? "someone@example.com",
      lw_msg: e.messageId,
      ...(e.event === "click" ? { url: "https://shop.example/products/mug" } : {}),
      ...(e.machine ? { sg_machine_open: true } : {}),
    })),
  );
  if (!("events" in parsed)) throw new Error("batch did not parse");
  return recordEvents(shopId, parsed.events);
}

interface OrderSpec {
  id?: number;
  customer?: Person | null;
  email?: string;
  at: number;
  updatedAt?: number;
  total?: string;
  codes?: string[];
  landing?: string | null;
  checkoutToken?: string | null;
  test?: boolean;
  cancelledAt?: number | null;
  shop?: string;
  topic?: string;
}

const base = fixture<Record<string, unknown>>("orders-create");

function orderBody(o: OrderSpec) {
  const total = o.total ?? "80.00";
  const money = (amount: string) => ({ shop_money: { amount, currency_code: "USD" }, presentment_money: { amount, currency_code: "USD" } });
  return {
    ...base,
    id: o.id ?? nextId(),
    name: `#${seq}`,
    created_at: iso(o.at),
    processed_at: iso(o.at),
    updated_at: iso(o.updatedAt ?? o.at),
    total_price: total,
    current_total_price: total,
    total_price_set: money(total),
    currency: "USD",
    presentment_currency: "USD",
    discount_codes: (o.codes ?? []).map((code) => ({ code, amount: "5.00", type: "percentage" })),
    landing_site: o.landing ?? null,
    checkout_token: o.checkoutToken ?? null,
    cart_token: null,
    test: o.test ?? false,
    cancelled_at: o.cancelledAt ? iso(o.cancelledAt) : null,
    cancel_reason: o.cancelledAt ? "customer" : null,
    email: o.customer?.email ?? o.email ?? null,
    contact_email: o.customer?.email ?? o.email ?? null,
    customer: o.customer ? { ...(base.customer as object), id: Number(o.customer.shopifyId), email: o.customer.email, admin_graphql_api_id: `gid://shopify/Customer/${o.customer.shopifyId}` } : null,
    line_items: (base.line_items as Array<Record<string, unknown>>).map((li) => ({ ...li, id: nextId() })),
    refunds: [],
  };
}

/** Posts an order webhook through the real route; returns the order's shopify id. */
async function order(o: OrderSpec): Promise<number> {
  const body = orderBody(o);
  const response = await send({ topic: o.topic ?? "orders/create", body, shop: o.shop ?? SHOP });
  expect(response.status).toBe(200);
  return body.id as number;
}

async function attributionOf(shopifyId: number, shopId = SHOP) {
  const o = await prisma.order.findUniqueOrThrow({ where: { shopId_shopifyId: { shopId, shopifyId: String(shopifyId) } }, select: { id: true } });
  return prisma.attribution.findUnique({ where: { orderId: o.id } });
}

async function refund(orderShopifyId: number, amount: string, id = nextId()) {
  const body = { ...fixture<Record<string, unknown>>("refunds-create"), id, order_id: orderShopifyId, transactions: [{ id: nextId(), order_id: orderShopifyId, kind: "refund", status: "success", currency: "USD", amount, created_at: iso(T0) }] };
  const response = await send({ topic: "refunds/create", body });
  expect(response.status).toBe(200);
  return id;
}

beforeEach(async () => {
  await prisma.job.deleteMany();
  await prisma.shop.deleteMany({ where: { id: { in: [SHOP, OTHER] } } });
  await prisma.shop.create({ data: { id: SHOP, status: "installed", currency: "USD", timezone: "America/New_York" } });
  await prisma.shop.create({ data: { id: OTHER, status: "installed", currency: "USD" } });
  flows = { cart: await campaign(SHOP, "cart-recovery"), winback: await campaign(SHOP, "win-back"), launch: await campaign(SHOP, "launch", "campaign") };
  ada = await person(SHOP, "ada");
  bob = await person(SHOP, "bob");
});

describe("each rule, in its order", () => {
  it("the discount code wins over a checkout, a click token and a later click", async () => {
    const coded = await sent(SHOP, flows.winback, ada, T0, { step: 1 });
    await prisma.offer.create({ data: { shopId: SHOP, campaignId: flows.winback, step: 1, customerId: ada.id, code: "LW-ABCDEFGHJK", kind: "percentage", value: 10, expiresAt: new Date(T0 + 14 * DAY), status: "created" } });
    const cart = await prisma.enrollment.create({ data: { shopId: SHOP, campaignId: flows.cart, customerId: ada.id, triggerKey: "checkout:tok-ada-1", triggeredAt: new Date(T0) } });
    const cartMsg = await sent(SHOP, flows.cart, ada, T0 + DAY, { enrollmentId: cart.id });
    const launch = await sent(SHOP, flows.launch, ada, T0 + 2 * DAY);
    await events(SHOP, [{ event: "click", messageId: launch, at: T0 + 2 * DAY + 60_000 }]);

    const o = await order({ customer: ada, at: T0 + 3 * DAY, codes: ["lw-abcdefghjk"], checkoutToken: "tok-ada-1", landing: `/products/mug?lw=${launch}` });
    const a = await attributionOf(o);
    expect(a).toMatchObject({ rule: "discount-code", messageId: coded, campaignId: flows.winback, flowType: "win-back", step: 1, variant: "A", revenue: 8000, currency: "USD", cancelled: false });
    expect(a!.touchedAt.getTime()).toBe(T0);

    // Without the code: the checkout the cart-recovery email was about.
    const o2 = await order({ customer: ada, at: T0 + 3 * DAY, checkoutToken: "tok-ada-1", landing: `/products/mug?lw=${launch}` });
    expect(await attributionOf(o2)).toMatchObject({ rule: "checkout-token", messageId: cartMsg });
    // Without the checkout: the link that started the visit.
    const o3 = await order({ customer: ada, at: T0 + 3 * DAY, landing: `/products/mug?utm_source=loopwise&lw=${coded}` });
    expect(await attributionOf(o3)).toMatchObject({ rule: "click-token", messageId: coded });
    // Nothing but the click: last click.
    const o4 = await order({ customer: ada, at: T0 + 3 * DAY });
    expect(await attributionOf(o4)).toMatchObject({ rule: "last-click", messageId: launch });
    expect((await attributionOf(o4))!.touchedAt.getTime()).toBe(T0 + 2 * DAY + 60_000);
  });

  it("a code, checkout or token of an email sent after the order earns nothing; a guest's checkout is recovered by its token", async () => {
    const later = await sent(SHOP, flows.winback, ada, T0 + 5 * DAY);
    await prisma.offer.create({ data: { shopId: SHOP, campaignId: flows.winback, step: 0, customerId: ada.id, code: "LW-LATERCODE1", kind: "percentage", value: 10, expiresAt: new Date(T0 + 14 * DAY), status: "created" } });
    const o = await order({ customer: ada, at: T0 + DAY, codes: ["LW-LATERCODE1"], landing: `/?lw=${later}` });
    expect(await attributionOf(o)).toBeNull();

    const guest = await prisma.enrollment.create({ data: { shopId: SHOP, campaignId: flows.cart, triggerKey: "checkout:tok-guest", triggeredAt: new Date(T0) } });
    const first = await sent(SHOP, flows.cart, null, T0 + 3_600_000, { enrollmentId: guest.id, email: "guest@example.com" });
    const second = await sent(SHOP, flows.cart, null, T0 + DAY, { enrollmentId: guest.id, email: "guest@example.com", step: 1 });
    const afterFirst = await order({ customer: null, email: "guest@example.com", at: T0 + 2 * 3_600_000, checkoutToken: "tok-guest" });
    expect(await attributionOf(afterFirst)).toMatchObject({ rule: "checkout-token", messageId: first, customerId: null });
    const afterBoth = await order({ customer: null, email: "guest@example.com", at: T0 + 2 * DAY, checkoutToken: "tok-guest" });
    expect(await attributionOf(afterBoth)).toMatchObject({ rule: "checkout-token", messageId: second, step: 1 });
  });

  it("the click window at its edges: exactly 5 days counts, a millisecond more does not; other windows follow the settings", async () => {
    const m = await sent(SHOP, flows.launch, ada, T0);
    await events(SHOP, [{ event: "click", messageId: m, at: T0 + 1000 }]);
    const edge = await order({ customer: ada, at: T0 + 1000 + 5 * DAY });
    expect(await attributionOf(edge)).toMatchObject({ rule: "last-click", messageId: m });
    const past = await order({ customer: ada, at: T0 + 1001 + 5 * DAY });
    expect(await attributionOf(past)).toBeNull();

    await prisma.shopSettings.create({ data: { shopId: SHOP, attribution: { windowDays: 7 } } });
    const counts = await reattributeShop(SHOP);
    expect(counts).toMatchObject({ attributed: 1, unchanged: 1 });
    expect(await attributionOf(past)).toMatchObject({ rule: "last-click" });
  });

  it("machine opens never attribute; human opens do only when the merchant turns them on, within their own window", async () => {
    const m = await sent(SHOP, flows.launch, ada, T0);
    await events(SHOP, [{ event: "open", messageId: m, at: T0 + 1000, machine: true }]);
    const o1 = await order({ customer: ada, at: T0 + 3_600_000 });
    expect(await attributionOf(o1)).toBeNull();

    await prisma.shopSettings.create({ data: { shopId: SHOP, attribution: { countOpens: true, openWindowDays: 1 } } });
    await reattributeShop(SHOP);
    expect(await attributionOf(o1)).toBeNull(); // still only a machine open

    await events(SHOP, [{ event: "open", messageId: m, at: T0 + 2000 }]); // a human open: arrives after the order and re-decides it
    expect(await attributionOf(o1)).toMatchObject({ rule: "last-open", messageId: m });
    const outside = await order({ customer: ada, at: T0 + 2001 + DAY });
    expect(await attributionOf(outside)).toBeNull();

    await prisma.shopSettings.update({ where: { shopId: SHOP }, data: { attribution: { countOpens: false } } });
    expect(await reattributeShop(SHOP)).toMatchObject({ removed: 1 });
    expect(await attributionOf(o1)).toBeNull();
  });

  it("an order that matches nothing, a test order and a stranger's token stay unattributed", async () => {
    const m = await sent(SHOP, flows.launch, ada, T0);
    await events(SHOP, [{ event: "click", messageId: m, at: T0 + 1000 }]);
    expect(await attributionOf(await order({ customer: bob, at: T0 + DAY }))).toBeNull();
    expect(await attributionOf(await order({ customer: ada, at: T0 + DAY, test: true }))).toBeNull();

    // Another shop's message id in this shop's order (and this shop's in theirs) credits nothing anywhere.
    const otherFlow = await campaign(OTHER, "launch", "campaign");
    const stranger = await person(OTHER, "cy");
    const theirs = await sent(OTHER, otherFlow, stranger, T0);
    expect(await attributionOf(await order({ customer: bob, at: T0 + DAY, landing: `/?lw=${theirs}` }))).toBeNull();
    const inOther = await order({ customer: null, email: "x@example.com", at: T0 + DAY, landing: `/?lw=${m}`, shop: OTHER });
    expect(await attributionOf(inOther, OTHER)).toBeNull();
    expect(await prisma.attribution.count({ where: { shopId: OTHER } })).toBe(0);
  });
});

describe("revenue follows the order", () => {
  it("refunds lower it once each; an edit updates it; a stale update and a redelivery change nothing; a cancellation zeroes it", async () => {
    const m = await sent(SHOP, flows.launch, ada, T0);
    const o = await order({ customer: ada, at: T0 + 3_600_000, total: "100.00", landing: `/?lw=${m}` });
    expect(await attributionOf(o)).toMatchObject({ revenue: 10000 });

    const r = await refund(o, "15.50");
    expect(await attributionOf(o)).toMatchObject({ revenue: 8450 });
    await refund(o, "15.50", r); // the same refund delivered again
    expect(await attributionOf(o)).toMatchObject({ revenue: 8450 });

    await order({ id: o, customer: ada, at: T0 + 3_600_000, updatedAt: T0 + 7_200_000, total: "120.00", landing: `/?lw=${m}`, topic: "orders/updated" });
    expect(await attributionOf(o)).toMatchObject({ revenue: 10450, rule: "click-token" });
    // An older version arriving late is stale: nothing moves.
    await order({ id: o, customer: ada, at: T0 + 3_600_000, updatedAt: T0 + 3_700_000, total: "50.00", landing: `/?lw=${m}`, topic: "orders/updated" });
    expect(await attributionOf(o)).toMatchObject({ revenue: 10450 });

    await order({ id: o, customer: ada, at: T0 + 3_600_000, updatedAt: T0 + 9_000_000, total: "120.00", landing: `/?lw=${m}`, cancelledAt: T0 + 9_000_000, topic: "orders/cancelled" });
    expect(await attributionOf(o)).toMatchObject({ revenue: 0, cancelled: true });
  });

  it("a refund that arrives before its order is counted when the order comes", async () => {
    const m = await sent(SHOP, flows.launch, ada, T0);
    const id = nextId();
    await refund(id, "30.00");
    await order({ id, customer: ada, at: T0 + 3_600_000, total: "100.00", landing: `/?lw=${m}` });
    expect(await attributionOf(id)).toMatchObject({ revenue: 7000 });
  });

  it("a click that arrives after the order re-decides it; the daily stats follow", async () => {
    const m = await sent(SHOP, flows.winback, ada, T0, { variant: "B" });
    const o = await order({ customer: ada, at: T0 + DAY, total: "42.00" });
    expect(await attributionOf(o)).toBeNull();
    await events(SHOP, [{ event: "click", messageId: m, at: T0 + DAY - 60_000 }]);
    expect(await attributionOf(o)).toMatchObject({ rule: "last-click", messageId: m, variant: "B", revenue: 4200 });

    await refreshStats(SHOP);
    const stats = await prisma.dailyStats.findMany({ where: { shopId: SHOP, campaignId: flows.winback } });
    // Sent 2026-11-01 07:00 New York; ordered 2026-11-02 07:00 New York.
    expect(stats.map((s) => ({ day: s.day, variant: s.variant, sent: s.sent, clicked: s.clicked, orders: s.orders, revenue: s.revenue })).sort((a, b) => a.day.localeCompare(b.day))).toEqual([
      { day: "2026-11-01", variant: "B", sent: 1, clicked: 1, orders: 0, revenue: 0 },
      { day: "2026-11-02", variant: "B", sent: 0, clicked: 0, orders: 1, revenue: 4200 },
    ]);
    expect(await prisma.dirtyStats.count({ where: { shopId: SHOP } })).toBe(0);
  });

  it("re-running attribution over the same orders gives the same result", async () => {
    const a1 = await sent(SHOP, flows.launch, ada, T0);
    const b1 = await sent(SHOP, flows.winback, bob, T0);
    await events(SHOP, [
      { event: "click", messageId: a1, at: T0 + 1000 },
      { event: "click", messageId: b1, at: T0 + 2000 },
    ]);
    for (let i = 0; i < 6; i++) await order({ customer: i % 2 ? ada : bob, at: T0 + (i + 1) * 3_600_000, landing: i === 0 ? `/?lw=${a1}` : null });
    const snapshot = async () =>
      (await prisma.attribution.findMany({ where: { shopId: SHOP }, orderBy: { orderId: "asc" } })).map(({ id: _i, createdAt: _c, updatedAt: _u, ...rest }) => rest);
    const before = await snapshot();
    expect(before).toHaveLength(6);
    expect(await reattributeShop(SHOP)).toMatchObject({ unchanged: 6, attributed: 0, changed: 0, removed: 0 });
    expect(await snapshot()).toEqual(before);
    // And from nothing: the same rows again.
    await prisma.attribution.deleteMany({ where: { shopId: SHOP } });
    for (const o of await prisma.order.findMany({ where: { shopId: SHOP } })) await attributeOrder(prisma, SHOP, o.id);
    expect(await snapshot()).toEqual(before);
  });
});
