// A shop with emails sent over two weeks, their SendGrid events (delivered,
// human and machine opens, clicks) through recordEvents, and orders through
// the real signed orders webhook, so attribution runs as in production; and a
// second shop with its own campaign, email and attributed order.
import { Session } from "@shopify/shopify-api";
import prisma from "~/db.server";
import { markStats } from "~/core/reports/stats.server";
import { recordEvents } from "~/core/delivery/events.server";
import type { EngagementEvent } from "~/core/delivery/events";
import { saveAttributionSettings } from "~/core/attribution/settings.server";
import { mintSessionToken } from "~/core/shopify/session-token";
import { REQUIRED_SCOPES } from "~/env.server";
import { TEST_API_KEY, TEST_API_SECRET, TEST_APP_URL, TEST_SHOP } from "../../setup/test-config";
import { fixture, send } from "../webhooks/send";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

export const A = { id: TEST_SHOP, timezone: "America/New_York", currency: "USD" };
export const B = { id: "reports-other.myshopify.com", timezone: "UTC", currency: "USD" };
/** 2026-06-15, noon in New York: the 7-day period is 06-09..06-15, the previous one 06-02..06-08. */
export const NOW = new Date("2026-06-15T16:00:00Z");
export const HOSTILE_CAMPAIGN = '=HYPERLINK("http://evil.example") Summer, "sale"';
export const HOSTILE_NAME = '<img src=x onerror="alert(1)">';

export const ids = { cart: "", sale: "", other: "", messages: {} as Record<string, string> };

const at = (iso: string) => new Date(iso);

function orderBody(n: number, over: Json): Json {
  const base = fixture<Json>("orders-create");
  return {
    ...base,
    id: 7000 + n,
    admin_graphql_api_id: `gid://shopify/Order/${7000 + n}`,
    name: `#R${n}`,
    order_number: n,
    checkout_token: `ck-${n}`,
    cart_token: `ct-${n}`,
    discount_codes: [],
    landing_site: "/",
    line_items: base.line_items.map((li: Json, i: number) => ({ ...li, id: Number(`${7000 + n}0${i}`) })),
    ...over,
  };
}

function customerOf(n: number, email: string): Json {
  const base = fixture<Json>("orders-create").customer;
  return { ...base, id: 9000 + n, email, first_name: n === 3 ? HOSTILE_NAME : `Buyer${n}`, admin_graphql_api_id: `gid://shopify/Customer/${9000 + n}` };
}

let eventN = 0;
function event(messageId: string, type: EngagementEvent["type"], iso: string, machineOpen = false): EngagementEvent {
  return { sgEventId: `ev-${++eventN}`, type, occurredAt: at(iso), messageId, sendRequestId: null, email: null, machineOpen, bounceType: null, url: type === "click" ? "https://shop.example/" : null, reason: null };
}

async function sendOrder(n: number, createdAt: string, over: Json, shop = A.id): Promise<void> {
  const res = await send({ topic: "orders/create", shop, body: orderBody(n, { created_at: createdAt, processed_at: createdAt, updated_at: createdAt, ...over }) });
  if (res.status !== 200) throw new Error(`orders/create ${n}: ${res.status}`);
}

export async function buildShops(): Promise<void> {
  await prisma.webhookReceipt.deleteMany();
  await prisma.shop.deleteMany();
  for (const s of [A, B]) await prisma.shop.create({ data: { id: s.id, timezone: s.timezone, currency: s.currency, status: "installed" } });
  // Opens count (human ones only), within 2 days; clicks within the default 5.
  await saveAttributionSettings(A.id, { countOpens: true, openWindowDays: 2 });

  const cart = await prisma.campaign.create({ data: { shopId: A.id, kind: "flow", flowType: "cart-recovery", objective: "cart-recovery", name: "Cart recovery", plan: {} } });
  const sale = await prisma.campaign.create({ data: { shopId: A.id, kind: "campaign", flowType: "sales-campaign", objective: "sales", name: HOSTILE_CAMPAIGN, plan: {} } });
  const other = await prisma.campaign.create({ data: { shopId: B.id, kind: "flow", flowType: "cart-recovery", objective: "cart-recovery", name: "Their cart flow", plan: {} } });
  Object.assign(ids, { cart: cart.id, sale: sale.id, other: other.id });

  for (let n = 1; n <= 6; n++) {
    await prisma.customer.create({ data: { id: `rc-${n}`, shopId: A.id, shopifyId: String(9000 + n), email: `buyer${n}@example.com`, firstName: n === 3 ? HOSTILE_NAME : `Buyer${n}` } });
  }
  await prisma.customer.create({ data: { id: "rc-b1", shopId: B.id, shopifyId: "9001", email: "theirs@example.com" } });

  // name: [shop, campaign, customer, step, variant, sentAt]
  const sends: Array<[string, string, string, string, number, string, string]> = [
    ["m1", A.id, sale.id, "rc-1", 0, "A", "2026-06-10T14:00:00Z"],
    ["m2", A.id, cart.id, "rc-2", 0, "A", "2026-06-11T12:00:00Z"],
    ["m3", A.id, cart.id, "rc-3", 1, "B", "2026-06-12T10:00:00Z"],
    ["m4", A.id, cart.id, "rc-4", 0, "B", "2026-06-12T10:00:00Z"],
    ["m5", A.id, sale.id, "rc-5", 0, "B", "2026-06-13T09:00:00Z"],
    ["m6", A.id, cart.id, "rc-6", 0, "A", "2026-06-03T09:00:00Z"],
    ["m7", A.id, cart.id, "rc-1", 0, "A", "2026-06-14T09:00:00Z"],
    ["m8", A.id, cart.id, "rc-2", 0, "A", "2026-06-09T03:00:00Z"], // 06-08 23:00 in New York: the previous period
    ["mb1", B.id, other.id, "rc-b1", 0, "A", "2026-06-12T10:00:00Z"],
  ];
  for (const [name, shopId, campaignId, customerId, step, variant, sentAt] of sends) {
    const flowType = campaignId === sale.id ? "sales-campaign" : "cart-recovery";
    const m = await prisma.message.create({
      data: { shopId, campaignId, customerId, flowType, step, variant, key: `report-${name}`, status: "sent", scheduledFor: at(sentAt), sentAt: at(sentAt), email: `${customerId}@example.com` },
    });
    ids.messages[name] = m.id;
    // What the send path does when it stamps sentAt.
    await markStats(prisma, shopId, [{ campaignId, at: at(sentAt) }]);
  }
  // A test send is never counted.
  await prisma.message.create({ data: { shopId: A.id, campaignId: cart.id, flowType: "cart-recovery", step: 0, variant: "A", key: "report-test", status: "sent", test: true, scheduledFor: NOW, sentAt: at("2026-06-12T10:00:00Z") } });
  await prisma.offer.create({ data: { shopId: A.id, campaignId: sale.id, step: 0, customerId: "rc-1", code: "SUMMER-ONE", kind: "percentage", value: 10, expiresAt: at("2026-07-01T00:00:00Z"), status: "created" } });

  const m = ids.messages;
  await recordEvents(A.id, [
    event(m.m1!, "delivered", "2026-06-10T14:01:00Z"),
    event(m.m1!, "open", "2026-06-10T15:00:00Z"),
    event(m.m1!, "click", "2026-06-10T15:01:00Z"),
    event(m.m2!, "delivered", "2026-06-11T12:01:00Z"),
    event(m.m2!, "click", "2026-06-11T13:00:00Z"),
    event(m.m3!, "delivered", "2026-06-12T10:01:00Z"),
    event(m.m3!, "open", "2026-06-12T10:59:00Z"),
    event(m.m3!, "click", "2026-06-12T11:00:00Z"),
    event(m.m4!, "delivered", "2026-06-12T10:01:00Z"),
    event(m.m4!, "open", "2026-06-12T10:02:00Z", true), // a machine open: never an open, never attributes
    event(m.m5!, "delivered", "2026-06-13T09:01:00Z"),
    event(m.m5!, "open", "2026-06-13T10:00:00Z"),
    event(m.m6!, "delivered", "2026-06-03T09:01:00Z"),
    event(m.m6!, "click", "2026-06-03T10:00:00Z"),
    event(m.m8!, "delivered", "2026-06-09T03:01:00Z"),
    event(m.m8!, "open", "2026-06-09T03:05:00Z", true),
  ]);
  await recordEvents(B.id, [event(m.mb1!, "delivered", "2026-06-12T10:01:00Z"), event(m.mb1!, "click", "2026-06-12T11:00:00Z")]);

  const money = (amount: string) => ({ total_price: amount, current_total_price: amount, total_price_set: { shop_money: { amount, currency_code: "USD" }, presentment_money: { amount, currency_code: "USD" } } });
  // 1: the sale's discount code (then partly refunded); 2: the cart email's click token; 3: last click (22:30 local on 06-12);
  // 4: only a machine open (unattributed); 5: last human open; 6: a stranger (unattributed);
  // 7: last click, in the previous period; 8: last click, then cancelled.
  await sendOrder(1, "2026-06-10T20:00:00Z", { ...money("120.00"), customer: customerOf(1, "buyer1@example.com"), email: "buyer1@example.com", discount_codes: [{ code: "summer-one", amount: "12.00", type: "percentage" }] });
  await sendOrder(2, "2026-06-11T18:00:00Z", { ...money("45.50"), customer: customerOf(2, "buyer2@example.com"), email: "buyer2@example.com", landing_site: `/products/x?utm_source=loopwise&lw=${m.m2}` });
  await sendOrder(3, "2026-06-13T02:30:00Z", { ...money("80.25"), customer: customerOf(3, "buyer3@example.com"), email: "buyer3@example.com" });
  await sendOrder(4, "2026-06-12T15:00:00Z", { ...money("60.00"), customer: customerOf(4, "buyer4@example.com"), email: "buyer4@example.com" });
  await sendOrder(5, "2026-06-14T08:00:00Z", { ...money("33.10"), customer: customerOf(5, "buyer5@example.com"), email: "buyer5@example.com" });
  await sendOrder(6, "2026-06-14T09:00:00Z", { ...money("999.00"), customer: null, email: "stranger@example.com" });
  await sendOrder(7, "2026-06-05T12:00:00Z", { ...money("70.00"), customer: customerOf(6, "buyer6@example.com"), email: "buyer6@example.com" });
  await sendOrder(8, "2026-06-14T12:00:00Z", { ...money("55.00"), customer: customerOf(3, "buyer3@example.com"), email: "buyer3@example.com" });
  const cancelled = orderBody(8, { ...money("55.00"), customer: customerOf(3, "buyer3@example.com"), email: "buyer3@example.com", created_at: "2026-06-14T12:00:00Z", updated_at: "2026-06-14T13:00:00Z", cancelled_at: "2026-06-14T13:00:00Z", cancel_reason: "customer" });
  if ((await send({ topic: "orders/cancelled", body: cancelled })).status !== 200) throw new Error("orders/cancelled");
  const refund = { ...fixture<Json>("refunds-create"), id: 555001, order_id: 7001, created_at: "2026-06-12T12:00:00Z", processed_at: "2026-06-12T12:00:00Z" };
  if ((await send({ topic: "refunds/create", body: refund })).status !== 200) throw new Error("refunds/create");
  // Shop B: a last-click order of its own (same Shopify customer id as A's buyer 1).
  await sendOrder(1, "2026-06-13T12:00:00Z", { ...money("500.00"), customer: customerOf(1, "theirs@example.com"), email: "theirs@example.com" }, B.id);
}

/** An admin request as App Bridge makes it (a session token), for a shop whose offline session is stored. */
export async function adminRequest(path: string, shop = A.id): Promise<Request> {
  const { sessionStorage } = await import("~/shopify.server");
  const session = new Session({ id: `offline_${shop}`, shop, state: "", isOnline: false, scope: REQUIRED_SCOPES.join(","), accessToken: "shpat_reports_test" });
  await sessionStorage.storeSession(session);
  const token = mintSessionToken({ shop, apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET });
  return new Request(TEST_APP_URL + path, {
    headers: { authorization: `Bearer ${token}`, "user-agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0 Safari/537.36" },
  });
}
