// Triggers → enrollments: a per-shop scan, run by the delivery tick every minute.
//
// Each enabled and approved flow looks at what happened in its scan window and
// enrolls whoever qualifies, keyed (campaignId, triggerKey) so a second scan
// of the same facts enrolls no one twice. Scanning the stored facts (not only
// reacting in webhook handlers) means a crashed handler loses no trigger.
//
// Windows, not stored cursors: each trigger looks back a fixed span from now
// (SCAN_WINDOW_MS, so a worker outage of up to three days loses nothing), but
// never further than its lookback before the flow's `enabledAt`, so switching
// on an old flow does not mail years of history. The unique key does the
// de-duplication; existing keys are filtered out in one query per 400.
//
// Trigger by trigger (triggeredAt is what the plan's delays count from):
// - checkout-abandoned: a checkout not completed, last updated at least
//   `abandonedCheckoutMinutes` ago, with no order by its customer, its email or
//   its token since that update. triggeredAt = the checkout's last update.
//   Lookback 24 h before enabledAt.
// - product-viewed (browse abandonment): an identified shopper who viewed one
//   product `minViews` times within `windowHours`, or added to cart, then went
//   quiet for `quietMinutes`, with no checkout or order since. triggeredAt = their
//   last browse event; at most one per customer per 7 days.
// - segment-entered (win-back): "entered" transitions into the plan's segment.
//   Lookback 30 days before enabledAt: a merchant who switches win-back on
//   expects the customers who became at-risk lately to get it. The transitions
//   written by a segment's first fill (within FIRST_FILL_MS of Segment.createdAt)
//   do not count: they record when Loopwise first looked, not when the customer
//   became at-risk, and counting them would mail the whole standing segment as
//   news. Reaching the standing segment is a campaign's job.
// - order-placed (post-purchase): a customer's first order (not a test, not
//   cancelled). Lookback 3 days.
// - subscribed (welcome): email consent became SUBSCRIBED (emailConsentUpdatedAt);
//   once per customer ever. Lookback 2 days.
// - scheduled (launches and campaigns): at startsAt, every subscribed member of
//   the audience segment (every subscriber when none), paged; then launchedAt.
import prisma, { type Database } from "../../db.server";
import type { JobQueue } from "../../jobs/queue.server";
import { logger } from "../../logger.server";
import { ApprovalError, assertApproved } from "../approval/approval.server";
import { PlanSchema, type Plan } from "../flows/plan";
import { chunks, enroll, loadTimingContext, type EnrollableCampaign, type EnrollmentCandidate, type TimingContext } from "./enrollment.server";
import type { DeliverySettings } from "./settings";
import { deliverySettings } from "./settings.server";

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
export const SCAN_WINDOW_MS = 3 * DAY_MS;
export const LOOKBACK_MS = {
  "checkout-abandoned": DAY_MS,
  "product-viewed": DAY_MS,
  "segment-entered": 30 * DAY_MS,
  "order-placed": 3 * DAY_MS,
  subscribed: 2 * DAY_MS,
} as const;
export const FIRST_FILL_MS = HOUR_MS;
export const BROWSE_ONCE_PER_MS = 7 * DAY_MS;
const PAGE = 400;
const LAUNCH_PAGE = 500;

export interface TriggerOptions {
  db?: Database;
  now?: Date;
}

export interface TriggerReport {
  enrolled: Record<string, number>;
  notApproved: string[];
  launched: string[];
}

interface LiveCampaign extends EnrollableCampaign {
  kind: string;
  enabledAt: Date | null;
  startsAt: Date | null;
  segmentId: string | null;
}

function parsePlan(id: string, plan: unknown): Plan | null {
  const parsed = PlanSchema.safeParse(plan);
  if (!parsed.success) logger.warn("delivery: stored plan unreadable, flow skipped", { campaignId: id });
  return parsed.success ? parsed.data : null;
}

/**
 * The earliest trigger time a scan looks at. For the first SCAN_WINDOW_MS after
 * the flow was switched on: its lookback before enabledAt (the recent past it
 * should still act on). After that: the scan window only, since everything
 * older was seen by earlier scans.
 */
export function windowStart(now: Date, enabledAt: Date | null, lookbackMs: number): Date {
  const on = (enabledAt ?? now).getTime();
  if (now.getTime() - on < SCAN_WINDOW_MS) return new Date(on - lookbackMs);
  return new Date(now.getTime() - SCAN_WINDOW_MS);
}

/** Runs every trigger of the shop once; idempotent. */
export async function runTriggers(shopId: string, options: TriggerOptions = {}): Promise<TriggerReport> {
  const db = options.db ?? prisma;
  const now = options.now ?? new Date();
  const report: TriggerReport = { enrolled: {}, notApproved: [], launched: [] };
  const rows = await db.campaign.findMany({
    where: { shopId, OR: [{ kind: "flow", enabled: true }, { startsAt: { lte: now }, launchedAt: null }] },
    select: { id: true, shopId: true, kind: true, flowType: true, plan: true, enabled: true, enabledAt: true, startsAt: true, segmentId: true },
  });
  if (rows.length === 0) return report;
  const settings = await deliverySettings(shopId, { db });
  let timing: TimingContext | null = null;
  const timingOf = async () => (timing ??= await loadTimingContext(db, shopId, now));

  for (const row of rows) {
    const plan = parsePlan(row.id, row.plan);
    if (!plan) continue;
    const scheduled = plan.trigger.kind === "scheduled";
    // A flow runs while enabled; a scheduled plan (launch, campaign) once, at startsAt (a flow of that kind must also be on).
    if (scheduled ? !(row.startsAt && row.startsAt <= now) || (row.kind === "flow" && !row.enabled) : row.kind !== "flow" || !row.enabled) continue;
    try {
      await assertApproved(shopId, row.id, { db });
    } catch (error) {
      if (error instanceof ApprovalError) {
        report.notApproved.push(row.id);
        continue;
      }
      throw error;
    }
    const campaign: LiveCampaign = { ...row, plan };
    const ctx = { db, now, settings, timing: timingOf };
    const n = await scanTrigger(campaign, ctx);
    if (n > 0) report.enrolled[row.id] = n;
    if (scheduled) {
      const done = await db.campaign.updateMany({ where: { id: row.id, shopId, launchedAt: null }, data: { launchedAt: now } });
      if (done.count === 1) report.launched.push(row.id);
    }
  }
  return report;
}

interface ScanContext {
  db: Database;
  now: Date;
  settings: DeliverySettings;
  timing: () => Promise<TimingContext>;
}

async function scanTrigger(campaign: LiveCampaign, ctx: ScanContext): Promise<number> {
  const trigger = campaign.plan.trigger;
  switch (trigger.kind) {
    case "checkout-abandoned":
      return enrollAll(campaign, ctx, await abandonedCheckouts(campaign, ctx));
    case "product-viewed":
      return enrollAll(campaign, ctx, await abandonedBrowsing(campaign, ctx));
    case "segment-entered":
      return enrollAll(campaign, ctx, await segmentEntries(campaign, trigger.segmentKey, ctx));
    case "order-placed":
      return enrollAll(campaign, ctx, await firstOrders(campaign, ctx));
    case "subscribed":
      return enrollAll(campaign, ctx, await newSubscribers(campaign, ctx));
    case "scheduled":
      return launch(campaign, ctx);
    default: {
      const never: never = trigger;
      throw new Error(`unknown trigger ${JSON.stringify(never)}`);
    }
  }
}

async function enrollAll(campaign: LiveCampaign, ctx: ScanContext, candidates: EnrollmentCandidate[]): Promise<number> {
  if (candidates.length === 0) return 0;
  return enroll(ctx.db, campaign, candidates, { now: ctx.now, settings: ctx.settings, timing: await ctx.timing() });
}

const lower = (s: string | null | undefined) => (s ? s.trim().toLowerCase() : null);

/** Orders (any customer, email or checkout token of the given ones) created at or after `since`. */
async function ordersSince(db: Database, shopId: string, since: Date, who: { customerIds: string[]; emails: string[]; tokens: string[] }) {
  const or: object[] = [];
  if (who.customerIds.length) or.push({ customerId: { in: who.customerIds } });
  if (who.emails.length) or.push({ email: { in: who.emails } });
  if (who.tokens.length) or.push({ checkoutToken: { in: who.tokens } });
  if (or.length === 0) return [];
  return db.order.findMany({ where: { shopId, shopifyCreatedAt: { gte: since }, OR: or }, select: { customerId: true, email: true, checkoutToken: true, shopifyCreatedAt: true } });
}

async function abandonedCheckouts(campaign: LiveCampaign, ctx: ScanContext): Promise<EnrollmentCandidate[]> {
  const { db, now } = ctx;
  const from = windowStart(now, campaign.enabledAt, LOOKBACK_MS["checkout-abandoned"]);
  const to = new Date(now.getTime() - ctx.settings.abandonedCheckoutMinutes * MINUTE_MS);
  if (to <= from) return [];
  const out: EnrollmentCandidate[] = [];
  for (let cursor: { at: Date; id: string } | null = null; ; ) {
    const page: Array<{ id: string; token: string; email: string | null; customerId: string | null; shopifyUpdatedAt: Date; lineItems: unknown }> = await db.checkout.findMany({
      where: {
        shopId: campaign.shopId,
        completedAt: null,
        redactedAt: null,
        shopifyUpdatedAt: { gte: from, lte: to },
        ...(cursor ? { OR: [{ shopifyUpdatedAt: { gt: cursor.at } }, { shopifyUpdatedAt: cursor.at, id: { gt: cursor.id } }] } : {}),
      },
      orderBy: [{ shopifyUpdatedAt: "asc" }, { id: "asc" }],
      take: PAGE,
      select: { id: true, token: true, email: true, customerId: true, shopifyUpdatedAt: true, lineItems: true },
    });
    if (page.length === 0) break;
    cursor = { at: page.at(-1)!.shopifyUpdatedAt, id: page.at(-1)!.id };
    const reachable = page.filter((c) => c.customerId || c.email);
    const emails = [...new Set(reachable.flatMap((c) => (c.email ? [c.email, lower(c.email)!] : [])))];
    const orders = await ordersSince(db, campaign.shopId, reachable[0]?.shopifyUpdatedAt ?? from, {
      customerIds: [...new Set(reachable.flatMap((c) => (c.customerId ? [c.customerId] : [])))],
      emails,
      tokens: reachable.map((c) => c.token),
    });
    for (const c of reachable) {
      const bought = orders.some(
        (o) => o.shopifyCreatedAt >= c.shopifyUpdatedAt && ((c.customerId && o.customerId === c.customerId) || (c.email && lower(o.email) === lower(c.email)) || o.checkoutToken === c.token),
      );
      if (bought) continue;
      const productIds = Array.isArray(c.lineItems) ? [...new Set(c.lineItems.flatMap((l) => (l && typeof l === "object" && "productShopifyId" in l && l.productShopifyId ? [String(l.productShopifyId)] : [])))] : [];
      out.push({
        customerId: c.customerId,
        triggerKey: `checkout:${c.token}`,
        triggeredAt: c.shopifyUpdatedAt,
        context: { checkoutToken: c.token, ...(c.customerId ? {} : { email: c.email }), productIds },
      });
    }
    if (page.length < PAGE) break;
  }
  return out;
}

const BROWSE_TYPES = ["product_viewed", "product_added_to_cart"];
const CHECKOUT_TYPES = ["checkout_started", "checkout_completed"];

async function abandonedBrowsing(campaign: LiveCampaign, ctx: ScanContext): Promise<EnrollmentCandidate[]> {
  const { db, now } = ctx;
  const shopId = campaign.shopId;
  const { minViews, windowHours, quietMinutes } = ctx.settings.browse;
  const quietFrom = new Date(now.getTime() - quietMinutes * MINUTE_MS);
  const from = windowStart(now, campaign.enabledAt, LOOKBACK_MS["product-viewed"] + windowHours * HOUR_MS);
  const events = await db.browseEvent.findMany({
    where: { shopId, occurredAt: { gte: from }, type: { in: [...BROWSE_TYPES, ...CHECKOUT_TYPES] } },
    select: { browserId: true, customerId: true, type: true, occurredAt: true, productShopifyId: true },
  });
  // Anonymous events belong to the customer their browser was later linked to.
  const unlinked = [...new Set(events.filter((e) => !e.customerId).map((e) => e.browserId))];
  const linked = new Map<string, string>();
  for (const ids of chunks(unlinked)) {
    for (const b of await db.browserIdentity.findMany({ where: { shopId, browserId: { in: ids }, customerId: { not: null } }, select: { browserId: true, customerId: true } })) linked.set(b.browserId, b.customerId!);
  }
  const byCustomer = new Map<string, typeof events>();
  for (const e of events) {
    const customerId = e.customerId ?? linked.get(e.browserId);
    if (!customerId) continue;
    const list = byCustomer.get(customerId) ?? [];
    list.push(e);
    byCustomer.set(customerId, list);
  }
  const found: Array<{ customerId: string; last: Date; first: Date; productIds: string[] }> = [];
  for (const [customerId, list] of byCustomer) {
    list.sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
    const last = list.at(-1)!.occurredAt;
    if (last > quietFrom) continue; // still browsing: a later tick decides
    const windowFrom = last.getTime() - windowHours * HOUR_MS;
    const recent = list.filter((e) => e.occurredAt.getTime() >= windowFrom);
    const views = new Map<string, number>();
    let first: Date | null = null;
    let qualifies = false;
    for (const e of recent) {
      if (!BROWSE_TYPES.includes(e.type) || !e.productShopifyId) continue;
      const n = (views.get(e.productShopifyId) ?? 0) + 1;
      views.set(e.productShopifyId, n);
      if (e.type === "product_added_to_cart" || n >= minViews) {
        qualifies = true;
        first ??= e.occurredAt;
      }
    }
    if (!qualifies || !first) continue;
    // A checkout started or completed after the interest: not browse abandonment (cart recovery's, or a sale).
    if (list.some((e) => CHECKOUT_TYPES.includes(e.type) && e.occurredAt >= first!)) continue;
    const productIds = [...views.entries()].sort((a, b) => b[1] - a[1]).map(([id]) => id).slice(0, 4);
    found.push({ customerId, last, first, productIds });
  }
  if (found.length === 0) return [];
  const out: EnrollmentCandidate[] = [];
  for (const page of chunks(found)) {
    const ids = page.map((f) => f.customerId);
    const earliest = new Date(Math.min(...page.map((f) => f.first.getTime())));
    const [checkouts, orders, recentEnrollments] = await Promise.all([
      db.checkout.findMany({ where: { shopId, customerId: { in: ids }, shopifyUpdatedAt: { gte: earliest } }, select: { customerId: true, shopifyUpdatedAt: true } }),
      ordersSince(db, shopId, earliest, { customerIds: ids, emails: [], tokens: [] }),
      db.enrollment.findMany({ where: { campaignId: campaign.id, customerId: { in: ids }, triggeredAt: { gt: new Date(now.getTime() - BROWSE_ONCE_PER_MS - windowHours * HOUR_MS) } }, select: { customerId: true, triggeredAt: true, triggerKey: true } }),
    ]);
    for (const f of page) {
      if (checkouts.some((c) => c.customerId === f.customerId && c.shopifyUpdatedAt >= f.first)) continue;
      if (orders.some((o) => o.customerId === f.customerId && o.shopifyCreatedAt >= f.first)) continue;
      const triggerKey = `browse:${f.customerId}:${f.last.toISOString().slice(0, 10)}`;
      // At most one per customer per week (the same visit's own key is left to the unique key).
      if (recentEnrollments.some((e) => e.customerId === f.customerId && e.triggerKey !== triggerKey && Math.abs(f.last.getTime() - e.triggeredAt.getTime()) < BROWSE_ONCE_PER_MS)) continue;
      out.push({ customerId: f.customerId, triggerKey, triggeredAt: f.last, context: { productIds: f.productIds } });
    }
  }
  return out;
}

async function segmentEntries(campaign: LiveCampaign, segmentKey: string, ctx: ScanContext): Promise<EnrollmentCandidate[]> {
  const { db, now } = ctx;
  const segment = await db.segment.findFirst({ where: { shopId: campaign.shopId, key: segmentKey }, select: { id: true, createdAt: true } });
  if (!segment) return [];
  const from = windowStart(now, campaign.enabledAt, LOOKBACK_MS["segment-entered"]);
  const firstFillEnd = new Date(segment.createdAt.getTime() + FIRST_FILL_MS);
  const since = from > firstFillEnd ? from : firstFillEnd;
  const out: EnrollmentCandidate[] = [];
  for (let cursor: { at: Date; id: string } | null = null; ; ) {
    const page: Array<{ id: string; customerId: string; at: Date }> = await db.segmentTransition.findMany({
      where: {
        shopId: campaign.shopId,
        segmentId: segment.id,
        kind: "entered",
        at: { gt: since, lte: now },
        ...(cursor ? { OR: [{ at: { gt: cursor.at } }, { at: cursor.at, id: { gt: cursor.id } }] } : {}),
      },
      orderBy: [{ at: "asc" }, { id: "asc" }],
      take: PAGE,
      select: { id: true, customerId: true, at: true },
    });
    if (page.length === 0) break;
    cursor = { at: page.at(-1)!.at, id: page.at(-1)!.id };
    for (const t of page) out.push({ customerId: t.customerId, triggerKey: `transition:${t.id}`, triggeredAt: t.at, context: null });
    if (page.length < PAGE) break;
  }
  return out;
}

async function firstOrders(campaign: LiveCampaign, ctx: ScanContext): Promise<EnrollmentCandidate[]> {
  const { db, now } = ctx;
  const shopId = campaign.shopId;
  const from = windowStart(now, campaign.enabledAt, LOOKBACK_MS["order-placed"]);
  const out: EnrollmentCandidate[] = [];
  for (let cursor: { at: Date; id: string } | null = null; ; ) {
    const page: Array<{ id: string; customerId: string | null; shopifyCreatedAt: Date }> = await db.order.findMany({
      where: {
        shopId,
        customerId: { not: null },
        test: false,
        cancelledAt: null,
        shopifyCreatedAt: { gte: from, lte: now },
        ...(cursor ? { OR: [{ shopifyCreatedAt: { gt: cursor.at } }, { shopifyCreatedAt: cursor.at, id: { gt: cursor.id } }] } : {}),
      },
      orderBy: [{ shopifyCreatedAt: "asc" }, { id: "asc" }],
      take: PAGE,
      select: { id: true, customerId: true, shopifyCreatedAt: true },
    });
    if (page.length === 0) break;
    cursor = { at: page.at(-1)!.shopifyCreatedAt, id: page.at(-1)!.id };
    const ids = [...new Set(page.map((o) => o.customerId!))];
    const earlier = await db.order.findMany({
      where: { shopId, customerId: { in: ids }, shopifyCreatedAt: { lte: page.at(-1)!.shopifyCreatedAt } },
      select: { id: true, customerId: true, shopifyCreatedAt: true },
    });
    for (const o of page) {
      const first = !earlier.some((e) => e.customerId === o.customerId && e.id !== o.id && (e.shopifyCreatedAt < o.shopifyCreatedAt || (e.shopifyCreatedAt.getTime() === o.shopifyCreatedAt.getTime() && e.id < o.id)));
      if (first) out.push({ customerId: o.customerId, triggerKey: `order:${o.id}`, triggeredAt: o.shopifyCreatedAt, context: null });
    }
    if (page.length < PAGE) break;
  }
  return out;
}

async function newSubscribers(campaign: LiveCampaign, ctx: ScanContext): Promise<EnrollmentCandidate[]> {
  const { db, now } = ctx;
  const from = windowStart(now, campaign.enabledAt, LOOKBACK_MS.subscribed);
  const out: EnrollmentCandidate[] = [];
  for (let cursor = ""; ; ) {
    const page = await db.customer.findMany({
      where: { shopId: campaign.shopId, emailConsentState: "SUBSCRIBED", deletedAt: null, redactedAt: null, emailConsentUpdatedAt: { gte: from, lte: now }, id: { gt: cursor } },
      orderBy: { id: "asc" },
      take: PAGE,
      select: { id: true, emailConsentUpdatedAt: true },
    });
    if (page.length === 0) break;
    cursor = page.at(-1)!.id;
    for (const c of page) out.push({ customerId: c.id, triggerKey: `subscribed:${c.id}`, triggeredAt: c.emailConsentUpdatedAt!, context: null });
    if (page.length < PAGE) break;
  }
  return out;
}

/** A launch or campaign: every subscribed member of its audience, a page at a time (never all in memory). */
async function launch(campaign: LiveCampaign, ctx: ScanContext): Promise<number> {
  const { db } = ctx;
  const shopId = campaign.shopId;
  const startsAt = campaign.startsAt!;
  let segmentId = campaign.segmentId;
  if (!segmentId && campaign.plan.segmentKey) {
    segmentId = (await db.segment.findFirst({ where: { shopId, key: campaign.plan.segmentKey }, select: { id: true } }))?.id ?? null;
    // The plan names an audience the shop does not have: enrolling everyone instead would be wrong.
    if (!segmentId) {
      logger.warn("delivery: launch audience missing, nobody enrolled", { shop: shopId, campaignId: campaign.id });
      return 0;
    }
  }
  let created = 0;
  const timing = await ctx.timing();
  for (let cursor = ""; ; ) {
    let ids: string[];
    if (segmentId) {
      const page = await db.segmentMembership.findMany({
        where: { shopId, segmentId, customerId: { gt: cursor }, customer: { emailConsentState: "SUBSCRIBED", deletedAt: null, email: { not: null } } },
        orderBy: { customerId: "asc" },
        take: LAUNCH_PAGE,
        select: { customerId: true },
      });
      ids = page.map((m) => m.customerId);
    } else {
      const page = await db.customer.findMany({
        where: { shopId, id: { gt: cursor }, emailConsentState: "SUBSCRIBED", deletedAt: null, email: { not: null } },
        orderBy: { id: "asc" },
        take: LAUNCH_PAGE,
        select: { id: true },
      });
      ids = page.map((c) => c.id);
    }
    if (ids.length === 0) break;
    cursor = ids.at(-1)!;
    created += await enroll(db, campaign, ids.map((customerId) => ({ customerId, triggerKey: `launch:${customerId}`, triggeredAt: startsAt, context: null })), { now: ctx.now, settings: ctx.settings, timing });
    if (ids.length < LAUNCH_PAGE) break;
  }
  return created;
}

export class LaunchError extends Error {
  constructor(
    readonly code: "not-found" | "not-scheduled-kind" | "not-approved" | "already-launched" | "invalid-date",
    message: string,
  ) {
    super(message);
    this.name = "LaunchError";
  }
}

/**
 * The campaign page's "send at": sets when a launch or campaign goes (its
 * audience is enrolled by the first tick at or after `startsAt`). Refuses a
 * campaign that is not approved, already launched, or not of a scheduled kind,
 * and a time more than 5 minutes in the past. Queues the shop's delivery tick.
 */
export async function scheduleLaunch(
  shopId: string,
  campaignId: string,
  startsAt: Date,
  options: { db?: Database; now?: Date; queue?: Pick<JobQueue, "enqueue"> | null } = {},
): Promise<{ startsAt: Date }> {
  const db = options.db ?? prisma;
  const now = options.now ?? new Date();
  if (!(startsAt instanceof Date) || Number.isNaN(startsAt.getTime())) throw new LaunchError("invalid-date", "The start time is not a valid date.");
  if (startsAt.getTime() < now.getTime() - 5 * MINUTE_MS) throw new LaunchError("invalid-date", "The start time is in the past: pick a time from now on.");
  const row = await db.campaign.findFirst({ where: { id: campaignId, shopId }, select: { id: true, plan: true, launchedAt: true } });
  if (!row) throw new LaunchError("not-found", "This campaign does not exist in this shop.");
  const plan = PlanSchema.safeParse(row.plan);
  if (!plan.success || plan.data.trigger.kind !== "scheduled") throw new LaunchError("not-scheduled-kind", "Only launches and campaigns are scheduled; flows are switched on.");
  if (row.launchedAt) throw new LaunchError("already-launched", "This campaign has already gone out.");
  try {
    await assertApproved(shopId, campaignId, { db });
  } catch (error) {
    if (error instanceof ApprovalError) throw new LaunchError("not-approved", `Approve the campaign before scheduling it: ${error.message}`);
    throw error;
  }
  const done = await db.campaign.updateMany({ where: { id: campaignId, shopId, launchedAt: null }, data: { startsAt } });
  if (done.count !== 1) throw new LaunchError("already-launched", "This campaign has already gone out.");
  const queue = options.queue === undefined ? (await import("../../jobs/index.server")).queue : options.queue;
  if (queue) {
    const { scheduleTick } = await import("./tick.server");
    await scheduleTick(queue, shopId, startsAt > now ? startsAt : now);
  }
  return { startsAt };
}
