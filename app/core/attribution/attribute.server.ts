// Attribution against the database (the rules are in rules.ts):
//
//   attributeOrder(db, shopId, orderId)     (re)decide one order's credit; runs in the order webhook's transaction
//   reattributeAfterEngagement(db, shopId, touches)  a click or open that arrived after the order it explains
//   reattributeShop(shopId)                 every order again (after a settings change, or to check)
//
// Each rule is looked up only when the rules before it found nothing, with
// indexed reads: an order costs a handful of queries however many messages
// the shop has stored. The result is written only when it changed, and the
// days it moves revenue between are marked for the daily stats.
import prisma, { type Database } from "../../db.server";
import type { Db } from "../ingest/store.server";
import { markStats, type StatsTouch } from "../reports/stats.server";
import {
  ATTRIBUTION_RULES,
  chooseAttribution,
  clickTokenOf,
  discountCodesOf,
  netRevenue,
  readAttributionSettings,
  type AttributionRule,
  type AttributionSettings,
  type Candidate,
  type Choice,
} from "./rules";

const DAY_MS = 86_400_000;
const IDS_PER_QUERY = 500;
const CART_RECOVERY = "cart-recovery";

export type AttributionOutcome = "attributed" | "changed" | "unchanged" | "removed" | "none";

export interface AttributionResult {
  outcome: AttributionOutcome;
  rule: AttributionRule | null;
  messageId: string | null;
}

export async function attributionSettings(db: Db, shopId: string): Promise<AttributionSettings> {
  const row = await db.shopSettings.findUnique({ where: { shopId }, select: { attribution: true } });
  return readAttributionSettings(row?.attribution ?? null);
}

const ORDER_FIELDS = {
  id: true,
  shopifyCreatedAt: true,
  totalPrice: true,
  refundedAmount: true,
  cancelledAt: true,
  currency: true,
  test: true,
  customerId: true,
  email: true,
  discountCodes: true,
  checkoutToken: true,
  landingSite: true,
} as const;

type OrderFacts = {
  id: string;
  shopifyCreatedAt: Date;
  customerId: string | null;
  email: string | null;
  discountCodes: unknown;
  checkoutToken: string | null;
  landingSite: string | null;
};

const SENT = { status: "sent", test: false } as const;

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The candidates of one rule for one order (sent before the order; windows applied here). */
async function candidatesFor(db: Db, shopId: string, order: OrderFacts, rule: AttributionRule, settings: AttributionSettings): Promise<Candidate[]> {
  const at = order.shopifyCreatedAt;
  const sentBefore = { lte: at };
  switch (rule) {
    case "discount-code": {
      const codes = discountCodesOf(order.discountCodes);
      if (codes.length === 0) return [];
      const offers = await db.offer.findMany({ where: { shopId, code: { in: codes } }, select: { campaignId: true, step: true, customerId: true } });
      const out: Candidate[] = [];
      for (const o of offers) {
        const messages = await db.message.findMany({
          where: { shopId, campaignId: o.campaignId, step: o.step, customerId: o.customerId, sentAt: sentBefore, ...SENT },
          select: { id: true, sentAt: true },
        });
        for (const m of messages) out.push({ messageId: m.id, touchedAt: m.sentAt! });
      }
      return out;
    }
    case "checkout-token": {
      if (!order.checkoutToken) return [];
      const flows = await db.campaign.findMany({ where: { shopId, flowType: CART_RECOVERY }, select: { id: true } });
      if (flows.length === 0) return [];
      const enrollments = await db.enrollment.findMany({
        where: { shopId, campaignId: { in: flows.map((f) => f.id) }, triggerKey: `checkout:${order.checkoutToken}` },
        select: { id: true },
      });
      if (enrollments.length === 0) return [];
      const messages = await db.message.findMany({
        where: { shopId, enrollmentId: { in: enrollments.map((e) => e.id) }, sentAt: sentBefore, ...SENT },
        select: { id: true, sentAt: true },
      });
      return messages.map((m) => ({ messageId: m.id, touchedAt: m.sentAt! }));
    }
    case "click-token": {
      const token = clickTokenOf(order.landingSite);
      if (!token) return [];
      const m = await db.message.findFirst({ where: { id: token, shopId, sentAt: sentBefore, ...SENT }, select: { id: true, sentAt: true } });
      return m ? [{ messageId: m.id, touchedAt: m.sentAt! }] : [];
    }
    case "last-click":
    case "last-open": {
      if (rule === "last-open" && !settings.countOpens) return [];
      const windowMs = (rule === "last-click" ? settings.windowDays : settings.openWindowDays) * DAY_MS;
      const who = order.customerId ? { customerId: order.customerId } : order.email ? { customerId: null, email: order.email } : null;
      if (!who) return [];
      const messages = await db.message.findMany({ where: { shopId, ...who, sentAt: sentBefore, ...SENT }, select: { id: true } });
      const out: Candidate[] = [];
      const occurredAt = { gte: new Date(at.getTime() - windowMs), lte: at };
      for (const ids of chunk(messages.map((m) => m.id), IDS_PER_QUERY)) {
        const events = await db.emailEvent.findMany({
          where: { shopId, messageId: { in: ids }, ...(rule === "last-click" ? { type: "click" } : { type: "open", machineOpen: false }), occurredAt },
          select: { messageId: true, occurredAt: true },
          orderBy: { occurredAt: "desc" },
          take: 1,
        });
        for (const e of events) out.push({ messageId: e.messageId!, touchedAt: e.occurredAt });
      }
      return out;
    }
  }
}

/** The rule that credits the order, or null. Looks up each rule only if the ones before it found nothing. */
export async function findAttribution(db: Db, shopId: string, order: OrderFacts, settings: AttributionSettings): Promise<Choice | null> {
  for (const rule of ATTRIBUTION_RULES) {
    const choice = chooseAttribution(order.shopifyCreatedAt, { [rule]: await candidatesFor(db, shopId, order, rule, settings) });
    if (choice) return choice;
  }
  return null;
}

/**
 * Decides (again) which email earned an order and stores it: idempotent, so
 * every order webhook, refund or late click may call it. A test order, or one
 * no rule explains, has no attribution (a stored one is removed).
 */
export async function attributeOrder(
  db: Db,
  shopId: string,
  orderId: string,
  options: { settings?: AttributionSettings } = {},
): Promise<AttributionResult> {
  const order = await db.order.findFirst({ where: { id: orderId, shopId }, select: ORDER_FIELDS });
  const existing = await db.attribution.findUnique({ where: { orderId } });
  const none: AttributionResult = { outcome: "none", rule: null, messageId: null };
  if (!order) return none;
  const settings = options.settings ?? (await attributionSettings(db, shopId));
  const choice = order.test ? null : await findAttribution(db, shopId, order, settings);

  const touches: StatsTouch[] = [];
  if (existing) touches.push({ campaignId: existing.campaignId, at: existing.orderCreatedAt });
  if (!choice) {
    if (!existing) return none;
    await db.attribution.deleteMany({ where: { orderId, shopId } });
    await markStats(db, shopId, touches);
    return { outcome: "removed", rule: null, messageId: null };
  }

  const message = await db.message.findFirst({ where: { id: choice.messageId, shopId }, select: { campaignId: true, step: true, variant: true, customerId: true, flowType: true } });
  if (!message) return none; // unreachable: the candidate was read in this transaction
  const data = {
    messageId: choice.messageId,
    campaignId: message.campaignId,
    flowType: message.flowType,
    step: message.step,
    variant: message.variant ?? "",
    customerId: order.customerId ?? message.customerId,
    rule: choice.rule,
    touchedAt: choice.touchedAt,
    orderCreatedAt: order.shopifyCreatedAt,
    revenue: netRevenue(order),
    currency: order.currency,
    cancelled: order.cancelledAt !== null,
  };
  const result: AttributionResult = { outcome: existing ? "changed" : "attributed", rule: choice.rule, messageId: choice.messageId };
  if (existing && sameAttribution(existing, data)) return { ...result, outcome: "unchanged" };
  await db.attribution.upsert({ where: { orderId }, create: { shopId, orderId, ...data }, update: data });
  touches.push({ campaignId: data.campaignId, at: data.orderCreatedAt });
  await markStats(db, shopId, touches);
  return result;
}

function sameAttribution(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  return Object.entries(b).every(([k, v]) => (v instanceof Date ? a[k] instanceof Date && (a[k] as Date).getTime() === v.getTime() : a[k] === v));
}

/**
 * Clicks and opens can arrive after the order they explain (SendGrid posts
 * events in batches): the orders their customers placed within the window
 * after them are decided again. Runs in the event batch's transaction.
 */
export async function reattributeAfterEngagement(db: Db, shopId: string, engaged: ReadonlyArray<{ customerId: string; at: Date; kind: "click" | "open" }>): Promise<number> {
  if (engaged.length === 0) return 0;
  const settings = await attributionSettings(db, shopId);
  // An open can change no credit while opens do not count.
  const touches = settings.countOpens ? engaged : engaged.filter((t) => t.kind === "click");
  if (touches.length === 0) return 0;
  const windowMs = Math.max(settings.windowDays, settings.countOpens ? settings.openWindowDays : 0) * DAY_MS;
  // Per customer, the span of their new clicks and opens; an order in [first, last + window] may change.
  const spans = new Map<string, { first: number; last: number }>();
  for (const t of touches) {
    const s = spans.get(t.customerId);
    const ms = t.at.getTime();
    spans.set(t.customerId, s ? { first: Math.min(s.first, ms), last: Math.max(s.last, ms) } : { first: ms, last: ms });
  }
  let changed = 0;
  for (const ids of chunk([...spans.keys()], IDS_PER_QUERY)) {
    const from = Math.min(...ids.map((id) => spans.get(id)!.first));
    const to = Math.max(...ids.map((id) => spans.get(id)!.last)) + windowMs;
    const orders = await db.order.findMany({
      where: { shopId, customerId: { in: ids }, shopifyCreatedAt: { gte: new Date(from), lte: new Date(to) } },
      select: { id: true, customerId: true, shopifyCreatedAt: true },
      orderBy: { id: "asc" },
    });
    for (const o of orders) {
      const span = spans.get(o.customerId!)!;
      const t = o.shopifyCreatedAt.getTime();
      if (t < span.first || t > span.last + windowMs) continue;
      const r = await attributeOrder(db, shopId, o.id, { settings });
      if (r.outcome === "attributed" || r.outcome === "changed" || r.outcome === "removed") changed++;
    }
  }
  return changed;
}

/** Every order of the shop decided again, in pages (a settings change applies to the past). Returns the outcomes. */
export async function reattributeShop(shopId: string, options: { db?: Database } = {}): Promise<Record<AttributionOutcome, number>> {
  const db = options.db ?? prisma;
  const counts: Record<AttributionOutcome, number> = { attributed: 0, changed: 0, unchanged: 0, removed: 0, none: 0 };
  const settings = await attributionSettings(db, shopId);
  let cursor: string | undefined;
  for (;;) {
    const page = await db.order.findMany({ where: { shopId, ...(cursor ? { id: { gt: cursor } } : {}) }, select: { id: true }, orderBy: { id: "asc" }, take: 500 });
    for (const o of page) counts[(await db.$transaction((tx) => attributeOrder(tx, shopId, o.id, { settings }), { maxWait: 10_000, timeout: 60_000 })).outcome]++;
    if (page.length < 500) break;
    cursor = page[page.length - 1]!.id;
  }
  return counts;
}
