// The delivery activity the admin shows, read with SQL aggregates (groupBy on
// the (campaignId, status) index), never by loading messages one by one; every
// query is scoped by shop, and test sends are left out of every count.
//
//   activityFor(shopId, campaignIds, { db, reasons? })       → { [campaignId]: ActivityCounts }
//   campaignProgress(shopId, campaignId, { db, now? })        → SendProgress (the live bar)
//   recentMessages(shopId, campaignId, { db, limit?, cursor? }) → a page of messages, newest first, addresses masked
//   messageSummary(shopId, messageId, { db })                 → one message's status and times, or null (not this shop's)
//   flowsActivity / campaignDelivery / messageView            → what the Flows, review and message pages load
import prisma, { type Database } from "../../db.server";
import type { Prisma } from "@prisma/client";
import {
  emptyCounts,
  foldCounts,
  isMessageStatus,
  reasonWords,
  sendProgress,
  DEFAULT_REASON_CONTEXT,
  STATUS_WORDS,
  type ActivityCounts,
  type ReasonContext,
  type SendProgress,
  type StepStatusRow,
  deliverabilityView,
  type DeliverabilityView,
  type MessagePage,
  type MessageRow,
  type CampaignDeliveryView,
} from "./activity";
export type { MessagePage, MessageRow };
import { maskEmail } from "./unsubscribe";
import { deliverabilityFor } from "./deliverability.server";
import { deliverySettings } from "./settings.server";
import { renderSentMessage } from "./sent-email.server";

type Db = Database | Prisma.TransactionClient;

export interface ActivityOptions {
  db?: Db;
  /** The shop's caps, for the reason words (deliverySettings); the defaults otherwise. */
  reasons?: ReasonContext;
}

export class ActivityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ActivityError";
  }
}

function requireShopId(shopId: string, what: string): void {
  if (!shopId) throw new ActivityError(`${what}: a shop is required`);
}

/** Counts per status and reason for each of the shop's campaigns or flows named (another shop's ids count nothing). */
export async function activityFor(shopId: string, campaignIds: readonly string[], options: ActivityOptions = {}): Promise<Record<string, ActivityCounts>> {
  requireShopId(shopId, "activityFor");
  const db = options.db ?? prisma;
  const out: Record<string, ActivityCounts> = {};
  for (const id of campaignIds) out[id] = emptyCounts();
  if (campaignIds.length === 0) return out;
  const groups = await db.message.groupBy({
    by: ["campaignId", "status", "skipReason"],
    where: { shopId, campaignId: { in: [...campaignIds] }, test: false },
    _count: { _all: true, deliveredAt: true, openedAt: true, clickedAt: true, bouncedAt: true },
  });
  const rowsByCampaign = new Map<string, Parameters<typeof foldCounts>[0][number][]>();
  for (const g of groups) {
    const rows = rowsByCampaign.get(g.campaignId) ?? [];
    rows.push({
      status: g.status,
      skipReason: g.skipReason,
      count: g._count._all,
      delivered: g._count.deliveredAt,
      opened: g._count.openedAt,
      clicked: g._count.clickedAt,
      bounced: g._count.bouncedAt,
    });
    rowsByCampaign.set(g.campaignId, rows);
  }
  for (const [id, rows] of rowsByCampaign) out[id] = foldCounts(rows, options.reasons ?? DEFAULT_REASON_CONTEXT);
  return out;
}

/** A campaign's send progress: per step, what is due by `now` and how much of it is handed over. */
export async function campaignProgress(shopId: string, campaignId: string, options: { db?: Db; now?: Date } = {}): Promise<SendProgress> {
  requireShopId(shopId, "campaignProgress");
  const db = options.db ?? prisma;
  const now = options.now ?? new Date();
  const where = { shopId, campaignId, test: false };
  const [all, dueScheduled] = await Promise.all([
    db.message.groupBy({ by: ["step", "status"], where, _count: { _all: true } }),
    db.message.groupBy({ by: ["step"], where: { ...where, status: "scheduled", scheduledFor: { lte: now } }, _count: { _all: true } }),
  ]);
  const due = new Map(dueScheduled.map((g) => [g.step, g._count._all]));
  const rows: StepStatusRow[] = [];
  for (const g of all) {
    if (g.status !== "scheduled") {
      rows.push({ step: g.step, status: g.status, due: true, count: g._count._all });
      continue;
    }
    const dueCount = due.get(g.step) ?? 0;
    if (dueCount > 0) rows.push({ step: g.step, status: "scheduled", due: true, count: dueCount });
    if (g._count._all > dueCount) rows.push({ step: g.step, status: "scheduled", due: false, count: g._count._all - dueCount });
  }
  return sendProgress(rows);
}

export const MAX_PAGE = 100;

const ROW_SELECT = {
  id: true,
  email: true,
  customerId: true,
  step: true,
  variant: true,
  status: true,
  skipReason: true,
  scheduledFor: true,
  sentAt: true,
  deliveredAt: true,
  openedAt: true,
  clickedAt: true,
  bouncedAt: true,
  spamReportedAt: true,
  unsubscribedAt: true,
  templateId: true,
} satisfies Prisma.MessageSelect;

type SelectedRow = Prisma.MessageGetPayload<{ select: typeof ROW_SELECT }>;

const SENT_STATUSES: ReadonlySet<string> = new Set(["sent", "unknown"]);
const iso = (d: Date | null) => (d ? d.toISOString() : null);

function toRow(m: SelectedRow, customerEmails: Map<string, string | null>, reasons: ReasonContext): MessageRow {
  const address = m.email ?? (m.customerId ? (customerEmails.get(m.customerId) ?? null) : null);
  return {
    id: m.id,
    recipient: address ? maskEmail(address) : m.customerId ? "(no address)" : "(guest)",
    step: m.step,
    variant: m.variant,
    status: m.status,
    statusWords: isMessageStatus(m.status) ? STATUS_WORDS[m.status] : m.status,
    reason: m.status === "skipped" || m.status === "cancelled" ? reasonWords(m.skipReason, reasons) : null,
    scheduledFor: m.scheduledFor.toISOString(),
    sentAt: iso(m.sentAt),
    deliveredAt: iso(m.deliveredAt),
    openedAt: iso(m.openedAt),
    clickedAt: iso(m.clickedAt),
    bouncedAt: iso(m.bouncedAt),
    spamReportedAt: iso(m.spamReportedAt),
    unsubscribedAt: iso(m.unsubscribedAt),
    viewable: SENT_STATUSES.has(m.status) && m.templateId !== null,
  };
}

async function emailsOf(db: Db, shopId: string, rows: readonly SelectedRow[]): Promise<Map<string, string | null>> {
  // Scheduled messages have no address yet (it is set when queued): show the customer's.
  const ids = [...new Set(rows.filter((r) => !r.email && r.customerId).map((r) => r.customerId!))];
  if (ids.length === 0) return new Map();
  const customers = await db.customer.findMany({ where: { shopId, id: { in: ids } }, select: { id: true, email: true } });
  return new Map(customers.map((c) => [c.id, c.email]));
}

/**
 * The newest messages of one flow or campaign (by when they are or were due),
 * `limit` at a time (at most 100). The cursor is the last message id of the
 * previous page; a cursor that is not this campaign's starts from the top.
 */
export async function recentMessages(
  shopId: string,
  campaignId: string,
  options: ActivityOptions & { limit?: number; cursor?: string | null } = {},
): Promise<MessagePage> {
  requireShopId(shopId, "recentMessages");
  const db = options.db ?? prisma;
  const limit = Math.max(1, Math.min(MAX_PAGE, Math.floor(options.limit ?? 20)));
  const where = { shopId, campaignId, test: false };
  let after: { scheduledFor: Date; id: string } | null = null;
  if (options.cursor) {
    after = await db.message.findFirst({ where: { ...where, id: options.cursor }, select: { scheduledFor: true, id: true } });
  }
  // Keyset on (scheduledFor, id) descending: stable while new messages arrive.
  const rows = await db.message.findMany({
    where: after
      ? { ...where, OR: [{ scheduledFor: { lt: after.scheduledFor } }, { scheduledFor: after.scheduledFor, id: { lt: after.id } }] }
      : where,
    orderBy: [{ scheduledFor: "desc" }, { id: "desc" }],
    take: limit + 1,
    select: ROW_SELECT,
  });
  const page = rows.slice(0, limit);
  const emails = await emailsOf(db, shopId, page);
  const reasons = options.reasons ?? DEFAULT_REASON_CONTEXT;
  return { messages: page.map((m) => toRow(m, emails, reasons)), next: rows.length > limit ? page[page.length - 1]!.id : null };
}

export interface MessageSummary extends MessageRow {
  campaignId: string;
  flowType: string;
  test: boolean;
  error: string | null;
}

/** One message of this shop (test sends included), for the message page; null when it is not this shop's. */
export async function messageSummary(shopId: string, messageId: string, options: ActivityOptions = {}): Promise<MessageSummary | null> {
  requireShopId(shopId, "messageSummary");
  if (!messageId) return null;
  const db = options.db ?? prisma;
  const m = await db.message.findFirst({
    where: { id: messageId, shopId },
    select: { ...ROW_SELECT, campaignId: true, flowType: true, test: true, error: true },
  });
  if (!m) return null;
  const emails = await emailsOf(db, shopId, [m]);
  return { ...toRow(m, emails, options.reasons ?? DEFAULT_REASON_CONTEXT), campaignId: m.campaignId, flowType: m.flowType, test: m.test, error: m.error };
}

// ---- What the pages load (the routes call these and nothing else) ----

/** Deliverability is judged over this window: recent enough to act on, long enough to count. */
export const DELIVERABILITY_DAYS = 30;

async function reasonContext(shopId: string, db: Db): Promise<ReasonContext> {
  const settings = await deliverySettings(shopId, { db });
  return { smartSendingHours: settings.smartSendingHours, weeklyMax: settings.weeklyMax };
}

export interface FlowsActivityView {
  /** Counts per flow id. */
  activity: Record<string, ActivityCounts>;
  /** The whole shop's deliverability over the last DELIVERABILITY_DAYS days. */
  deliverability: DeliverabilityView;
}

/** The Flows page: each flow's activity and the shop's deliverability. */
export async function flowsActivity(shopId: string, flowIds: readonly string[], options: { db?: Database; now?: Date } = {}): Promise<FlowsActivityView> {
  const db = options.db ?? prisma;
  const now = options.now ?? new Date();
  const since = new Date(now.getTime() - DELIVERABILITY_DAYS * 24 * 3600_000);
  const [reasons, deliverability] = await Promise.all([reasonContext(shopId, db), deliverabilityFor(shopId, { db, since })]);
  return { activity: await activityFor(shopId, flowIds, { db, reasons }), deliverability: deliverabilityView(deliverability, DELIVERABILITY_DAYS) };
}

/** A flow's or campaign's review page: its delivery section (another shop's id shows nothing). */
export async function campaignDelivery(
  shop: { id: string; email: string | null },
  campaignId: string,
  options: { db?: Database; now?: Date; cursor?: string | null } = {},
): Promise<CampaignDeliveryView> {
  const db = options.db ?? prisma;
  const now = options.now ?? new Date();
  const since = new Date(now.getTime() - DELIVERABILITY_DAYS * 24 * 3600_000);
  const reasons = await reasonContext(shop.id, db);
  const [activity, progress, recent, deliverability, campaign] = await Promise.all([
    activityFor(shop.id, [campaignId], { db, reasons }),
    campaignProgress(shop.id, campaignId, { db, now }),
    recentMessages(shop.id, campaignId, { db, reasons, cursor: options.cursor ?? null }),
    deliverabilityFor(shop.id, { db, since, campaignId }),
    db.campaign.findFirst({ where: { id: campaignId, shopId: shop.id }, select: { startsAt: true, launchedAt: true } }),
  ]);
  return {
    activity: activity[campaignId]!,
    progress,
    recent,
    deliverability: deliverabilityView(deliverability, DELIVERABILITY_DAYS),
    startsAt: campaign?.startsAt?.toISOString() ?? null,
    launchedAt: campaign?.launchedAt?.toISOString() ?? null,
    testAddress: shop.email,
  };
}

export interface MessageView {
  message: MessageSummary;
  campaign: { id: string; name: string; kind: string } | null;
  /** The email as its recipient received it (subject, HTML, text), or null when it was never sent. */
  email: { subject: string; html: string; text: string } | null;
}

/** The message page: one message of this shop and, when it went out, the email re-rendered exactly; null when not this shop's. */
export async function messageView(shopId: string, messageId: string, options: { db?: Database } = {}): Promise<MessageView | null> {
  const db = options.db ?? prisma;
  const reasons = await reasonContext(shopId, db);
  const message = await messageSummary(shopId, messageId, { db, reasons });
  if (!message) return null;
  const [campaign, sent] = await Promise.all([
    db.campaign.findFirst({ where: { id: message.campaignId, shopId }, select: { id: true, name: true, kind: true } }),
    renderSentMessage(shopId, messageId, { db }),
  ]);
  // The full address stays off the page: the recipient is shown masked, as everywhere else.
  return { message, campaign, email: sent ? { subject: sent.subject, html: sent.html, text: sent.text } : null };
}
