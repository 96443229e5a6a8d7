// Dispatch: due `scheduled` messages of a shop, decided one by one at send
// time, highest priority first (docs/decisions/011-delivery.md, step 2).
//
// For each message, in this order:
//   1. its enrollment still active (else cancelled with the enrollment's exit reason);
//   2. the flow still on (else the enrollment exits "flow-disabled", its
//      messages cancelled) and its current version approved (else skipped
//      "not-approved": approving again lets the later steps go);
//   3. the plan's exit conditions: a purchase since the trigger (exits
//      "purchase"), a newer enrollment in a flow of higher priority (exits
//      "higher-priority-flow"), having left the audience segment ("left-segment");
//   4. consent and suppression through marketingEligibility, the one check
//      (a guest checkout's email only for cart recovery when the shop allows
//      "checkout-email", and never a suppressed address);
//   5. frequency caps (caps.ts): smart-sending window, weekly maximum;
//   6. a draft for its step (the A/B variant by a stable hash of its key).
// Survivors become `queued` with email, variant and batchId, grouped by
// (campaign, step, variant) in batches of at most 1,000, one send job each.
// Every change is a compare-and-set on the message's status, so two
// dispatchers never queue one message twice: the loser's update counts 0.
import prisma, { sqlDialectOf, type Database } from "../../db.server";
import type { JobQueue } from "../../jobs/queue.server";
import { ApprovalError, assertApproved } from "../approval/approval.server";
import { PlanSchema, type Plan } from "../flows/plan";
import { byClaimOrder, capDecision, WEEK_MS, type RecentEmail } from "./caps";
import { chunks, newId } from "./enrollment.server";
import { DELIVERY_SEND_JOB, MAX_BATCH, type SendJobPayload } from "./job-types";
import { seedOf } from "./send-time";
import { recoverStrandedBatches } from "./stranded.server";
import type { DeliverySettings } from "./settings";
import { deliverySettings } from "./settings.server";
import { marketingEligibility, suppressedAmong } from "./suppression.server";

const PAGE = 1000;
/** A dispatch run stops after this long; the next tick goes on. */
const TIME_BUDGET_MS = 45_000;
const ACTIVE_STATUSES = ["sent", "sending", "unknown", "queued"];

export interface DispatchOptions {
  db?: Database;
  queue: Pick<JobQueue, "enqueue">;
  now?: Date;
  /** Stop after this many messages decided (default: until none is due or the time budget is spent). */
  limit?: number;
}

export interface DispatchReport {
  queued: number;
  batches: number;
  skipped: Record<string, number>;
  cancelled: Record<string, number>;
}

interface CampaignState {
  id: string;
  kind: string;
  flowType: string;
  enabled: boolean;
  approved: boolean;
  plan: Plan | null;
  segmentId: string | null;
  /** Variants per step, sorted. */
  variants: Map<number, string[]>;
}

type Due = { id: string; key: string; campaignId: string; enrollmentId: string | null; customerId: string | null; flowType: string; step: number; priority: number; scheduledFor: Date };

type Decision = { kind: "queue"; email: string; variant: string } | { kind: "skip"; reason: string } | { kind: "cancel"; reason: string } | { kind: "exit"; reason: string };

const lower = (s: string) => s.trim().toLowerCase();

/** The A/B variant of a message: a stable hash of its key over the step's variants. */
export function pickVariant(key: string, variants: readonly string[]): string | null {
  if (variants.length === 0) return null;
  return variants[seedOf(key) % variants.length]!;
}

export async function dispatchDue(shopId: string, options: DispatchOptions): Promise<DispatchReport> {
  const db = options.db ?? prisma;
  const now = options.now ?? new Date();
  const report: DispatchReport = { queued: 0, batches: 0, skipped: {}, cancelled: {} };
  const started = Date.now();
  const settings = await deliverySettings(shopId, { db });
  const campaigns = new Map<string, CampaignState>();
  // Emails each person already has (or was just given in this run), by "c:<customerId>" or "e:<email>".
  const recent = new Map<string, RecentEmail[]>();
  const seen = new Set<string>();
  let decided = 0;

  // Batches whose send job was lost or gave up get a new one (stranded.server.ts).
  await recoverStrandedBatches(db, shopId, options.queue, now);

  for (;;) {
    if (options.limit !== undefined && decided >= options.limit) break;
    if (Date.now() - started > TIME_BUDGET_MS) break;
    const page = (await db.message.findMany({
      where: { shopId, status: "scheduled", scheduledFor: { lte: now }, test: false },
      orderBy: [{ priority: "desc" }, { scheduledFor: "asc" }, { id: "asc" }],
      take: PAGE,
      select: { id: true, key: true, campaignId: true, enrollmentId: true, customerId: true, flowType: true, step: true, priority: true, scheduledFor: true },
    })) as Due[];
    const fresh = page.filter((m) => !seen.has(m.id));
    if (fresh.length === 0) break;
    for (const m of fresh) seen.add(m.id);
    fresh.sort(byClaimOrder);
    const outcome = await decidePage(db, shopId, fresh, { now, settings, campaigns, recent });
    await apply(db, shopId, outcome, options.queue, now, report);
    decided += fresh.length;
  }
  return report;
}

interface PageContext {
  now: Date;
  settings: DeliverySettings;
  campaigns: Map<string, CampaignState>;
  recent: Map<string, RecentEmail[]>;
}

async function campaignState(db: Database, shopId: string, id: string, cache: Map<string, CampaignState>): Promise<CampaignState | null> {
  if (cache.has(id)) return cache.get(id)!;
  const row = await db.campaign.findFirst({ where: { id, shopId }, select: { id: true, kind: true, flowType: true, enabled: true, plan: true, segmentId: true } });
  if (!row) return null;
  let approved = true;
  try {
    await assertApproved(shopId, id, { db });
  } catch (error) {
    if (!(error instanceof ApprovalError)) throw error;
    approved = false;
  }
  const parsed = PlanSchema.safeParse(row.plan);
  const drafts = await db.emailDraft.findMany({ where: { shopId, campaignId: id }, select: { step: true, variant: true } });
  const variants = new Map<number, string[]>();
  for (const d of drafts) variants.set(d.step, [...(variants.get(d.step) ?? []), d.variant].sort());
  let segmentId = row.segmentId;
  if (parsed.success && parsed.data.trigger.kind === "segment-entered") {
    segmentId = (await db.segment.findFirst({ where: { shopId, key: parsed.data.trigger.segmentKey }, select: { id: true } }))?.id ?? segmentId;
  }
  const state: CampaignState = { id, kind: row.kind, flowType: row.flowType, enabled: row.enabled, approved, plan: parsed.success ? parsed.data : null, segmentId, variants };
  cache.set(id, state);
  return state;
}

interface PageOutcome {
  decisions: Map<string, Decision>;
  due: Due[];
  /** Enrollments to exit, with their reason. */
  exits: Map<string, string>;
}

async function decidePage(db: Database, shopId: string, due: Due[], ctx: PageContext): Promise<PageOutcome> {
  const decisions = new Map<string, Decision>();
  const exits = new Map<string, string>();
  for (const id of new Set(due.map((m) => m.campaignId))) await campaignState(db, shopId, id, ctx.campaigns);

  const enrollmentIds = [...new Set(due.flatMap((m) => (m.enrollmentId ? [m.enrollmentId] : [])))];
  const enrollments = new Map<string, { id: string; status: string; exitReason: string | null; triggeredAt: Date; customerId: string | null; context: unknown; campaignId: string }>();
  for (const ids of chunks(enrollmentIds)) {
    for (const e of await db.enrollment.findMany({ where: { shopId, id: { in: ids } }, select: { id: true, status: true, exitReason: true, triggeredAt: true, customerId: true, context: true, campaignId: true } })) enrollments.set(e.id, e);
  }
  const customerIds = [...new Set(due.flatMap((m) => (m.customerId ? [m.customerId] : [])))];
  const eligibility = await marketingEligibility(shopId, customerIds, { db });

  // Guests (cart recovery to a checkout email) and, under "checkout-email", customers not (yet) subscribed.
  const contextOf = (m: Due) => {
    const c = m.enrollmentId ? enrollments.get(m.enrollmentId)?.context : null;
    return c && typeof c === "object" && !Array.isArray(c) ? (c as Record<string, unknown>) : {};
  };
  const guestEmail = (m: Due) => {
    const e = contextOf(m).email;
    return typeof e === "string" && e.includes("@") ? e : null;
  };
  const checkoutEmailAllowed = ctx.settings.cartRecoveryAudience === "checkout-email";
  const consentStates = new Map<string, { email: string | null; state: string }>();
  if (checkoutEmailAllowed) {
    const notSubscribed = customerIds.filter((id) => {
      const e = eligibility.get(id);
      return e && !e.ok && e.reason === "not-subscribed";
    });
    for (const ids of chunks(notSubscribed)) {
      for (const c of await db.customer.findMany({ where: { shopId, id: { in: ids } }, select: { id: true, email: true, emailConsentState: true } })) consentStates.set(c.id, { email: c.email, state: c.emailConsentState });
    }
  }
  const guestAddresses = [
    ...due.flatMap((m) => (m.customerId ? [] : guestEmail(m) ? [guestEmail(m)!] : [])),
    ...[...consentStates.values()].flatMap((c) => (c.email ? [c.email] : [])),
  ];
  const suppressed = guestAddresses.length ? await suppressedAmong(shopId, guestAddresses, { db }) : new Set<string>();

  // Exit conditions: purchases since the trigger, higher-priority enrollments, segment membership.
  const purchases = await purchasesSince(db, shopId, due, enrollments, guestEmail, eligibility);
  const higher = await higherPriorityEnrollments(db, shopId, due, enrollments, ctx.campaigns);
  const members = await segmentMembers(db, shopId, due, ctx.campaigns);

  // Caps: what each person already has this week.
  const personOf = (m: Due, email: string | null) => (m.customerId ? `c:${m.customerId}` : email ? `e:${lower(email)}` : null);
  await loadRecent(db, shopId, due, guestEmail, ctx);

  for (const m of due) {
    const campaign = ctx.campaigns.get(m.campaignId);
    const enrollment = m.enrollmentId ? enrollments.get(m.enrollmentId) : undefined;
    const decide = (d: Decision) => decisions.set(m.id, d);
    if (!campaign || !campaign.plan) {
      decide({ kind: "skip", reason: "invalid-plan" });
      continue;
    }
    if (enrollment && enrollment.status !== "active") {
      decide({ kind: "cancel", reason: enrollment.exitReason ?? "exited" });
      continue;
    }
    if (enrollment && exits.has(enrollment.id)) {
      decide({ kind: "cancel", reason: exits.get(enrollment.id)! });
      continue;
    }
    const exitWith = (reason: string) => {
      if (enrollment) exits.set(enrollment.id, reason);
      decide(enrollment ? { kind: "exit", reason } : { kind: "cancel", reason });
    };
    if (campaign.kind === "flow" && !campaign.enabled) {
      exitWith("flow-disabled");
      continue;
    }
    if (!campaign.approved) {
      decide({ kind: "skip", reason: "not-approved" });
      continue;
    }
    const exitsOn = new Set(campaign.plan.exitConditions);
    if (enrollment && exitsOn.has("purchase") && purchases(enrollment)) {
      exitWith("purchase");
      continue;
    }
    if (enrollment && exitsOn.has("higher-priority-flow") && higher(enrollment, campaign.plan.priority)) {
      exitWith("higher-priority-flow");
      continue;
    }
    if (enrollment && exitsOn.has("left-segment") && campaign.segmentId && m.customerId && !members.has(`${campaign.segmentId}:${m.customerId}`)) {
      exitWith("left-segment");
      continue;
    }
    // Consent and suppression.
    let email: string | null = null;
    const cartRecovery = campaign.plan.trigger.kind === "checkout-abandoned";
    if (m.customerId) {
      const e = eligibility.get(m.customerId);
      if (e?.ok) email = e.email;
      else if (e && e.reason === "not-subscribed" && cartRecovery && checkoutEmailAllowed) {
        // The shop allows cart recovery to checkout emails: a customer who never
        // opted in may get it, one who unsubscribed may not, a suppressed address never.
        const c = consentStates.get(m.customerId);
        if (c?.email && c.state !== "UNSUBSCRIBED" && !suppressed.has(c.email)) email = c.email;
        else {
          decide({ kind: "skip", reason: c?.email && suppressed.has(c.email) ? "suppressed" : "not-subscribed" });
          continue;
        }
      } else {
        decide({ kind: "skip", reason: e?.ok === false ? e.reason : "unknown-customer" });
        continue;
      }
    } else {
      const address = guestEmail(m);
      if (!address) {
        decide({ kind: "skip", reason: "no-email" });
        continue;
      }
      if (suppressed.has(address)) {
        decide({ kind: "skip", reason: "suppressed" });
        continue;
      }
      if (!cartRecovery || !checkoutEmailAllowed) {
        decide({ kind: "skip", reason: "not-subscribed" });
        continue;
      }
      email = address;
    }
    // Frequency caps.
    const person = personOf(m, email)!;
    const had = ctx.recent.get(person) ?? [];
    const cap = capDecision(ctx.now, had, ctx.settings);
    if (!cap.ok) {
      decide({ kind: "skip", reason: cap.reason });
      continue;
    }
    const variant = pickVariant(m.key, campaign.variants.get(m.step) ?? []);
    if (!variant) {
      decide({ kind: "skip", reason: "no-draft" });
      continue;
    }
    decide({ kind: "queue", email, variant });
    ctx.recent.set(person, [...had, { at: ctx.now }]);
  }
  return { decisions, due, exits };
}

/** A predicate: did this enrollment's person buy after its trigger? */
async function purchasesSince(
  db: Database,
  shopId: string,
  due: Due[],
  enrollments: Map<string, { triggeredAt: Date; customerId: string | null; context: unknown; id: string }>,
  guestEmail: (m: Due) => string | null,
  eligibility: Map<string, { ok: boolean; email?: string }>,
) {
  const list = [...new Set(due.flatMap((m) => (m.enrollmentId && enrollments.has(m.enrollmentId) ? [m.enrollmentId] : [])))].map((id) => enrollments.get(id)!);
  if (list.length === 0) return () => false;
  const since = new Date(Math.min(...list.map((e) => e.triggeredAt.getTime())));
  const customerIds = [...new Set(list.flatMap((e) => (e.customerId ? [e.customerId] : [])))];
  const emails = new Set<string>();
  const tokens = new Set<string>();
  const emailOf = new Map<string, string>();
  for (const m of due) {
    const e = m.enrollmentId ? enrollments.get(m.enrollmentId) : undefined;
    if (!e) continue;
    const address = m.customerId ? ((eligibility.get(m.customerId) as { email?: string } | undefined)?.email ?? null) : guestEmail(m);
    if (address) {
      emails.add(address);
      emails.add(lower(address));
      emailOf.set(e.id, lower(address));
    }
    const ctx = e.context as Record<string, unknown> | null;
    if (ctx && typeof ctx.checkoutToken === "string") tokens.add(ctx.checkoutToken);
  }
  const orders: Array<{ customerId: string | null; email: string | null; checkoutToken: string | null; shopifyCreatedAt: Date }> = [];
  for (const ids of chunks(customerIds)) orders.push(...(await db.order.findMany({ where: { shopId, customerId: { in: ids }, shopifyCreatedAt: { gt: since } }, select: { customerId: true, email: true, checkoutToken: true, shopifyCreatedAt: true } })));
  for (const list2 of chunks([...emails])) orders.push(...(await db.order.findMany({ where: { shopId, email: { in: list2 }, shopifyCreatedAt: { gt: since } }, select: { customerId: true, email: true, checkoutToken: true, shopifyCreatedAt: true } })));
  for (const list3 of chunks([...tokens])) orders.push(...(await db.order.findMany({ where: { shopId, checkoutToken: { in: list3 }, shopifyCreatedAt: { gt: since } }, select: { customerId: true, email: true, checkoutToken: true, shopifyCreatedAt: true } })));
  return (e: { id: string; triggeredAt: Date; customerId: string | null; context: unknown }) => {
    const token = (e.context as Record<string, unknown> | null)?.checkoutToken;
    const email = emailOf.get(e.id);
    return orders.some(
      (o) => o.shopifyCreatedAt > e.triggeredAt && ((e.customerId && o.customerId === e.customerId) || (email && o.email && lower(o.email) === email) || (typeof token === "string" && o.checkoutToken === token)),
    );
  };
}

/** A predicate: has this enrollment's customer entered a flow of higher priority since its trigger (still running)? */
async function higherPriorityEnrollments(db: Database, shopId: string, due: Due[], enrollments: Map<string, { customerId: string | null; campaignId: string }>, cache: Map<string, CampaignState>) {
  const customerIds = [...new Set(due.flatMap((m) => (m.customerId ? [m.customerId] : [])))];
  const others: Array<{ id: string; customerId: string | null; campaignId: string; triggeredAt: Date }> = [];
  for (const ids of chunks(customerIds)) others.push(...(await db.enrollment.findMany({ where: { shopId, customerId: { in: ids }, status: "active" }, select: { id: true, customerId: true, campaignId: true, triggeredAt: true } })));
  for (const id of new Set(others.map((o) => o.campaignId))) await campaignState(db, shopId, id, cache);
  const running = (c: CampaignState | undefined) => !!c && !!c.plan && (c.kind !== "flow" || c.enabled);
  return (e: { id: string; customerId: string | null; campaignId: string; triggeredAt: Date }, priority: number) =>
    !!e.customerId &&
    others.some((o) => o.customerId === e.customerId && o.id !== e.id && o.campaignId !== e.campaignId && o.triggeredAt >= e.triggeredAt && running(cache.get(o.campaignId)) && cache.get(o.campaignId)!.plan!.priority > priority);
}

async function segmentMembers(db: Database, shopId: string, due: Due[], cache: Map<string, CampaignState>): Promise<Set<string>> {
  const bySegment = new Map<string, Set<string>>();
  for (const m of due) {
    const c = cache.get(m.campaignId);
    if (!c?.segmentId || !m.customerId || !c.plan?.exitConditions.includes("left-segment")) continue;
    bySegment.set(c.segmentId, (bySegment.get(c.segmentId) ?? new Set()).add(m.customerId));
  }
  const out = new Set<string>();
  for (const [segmentId, ids] of bySegment) {
    for (const page of chunks([...ids])) {
      for (const r of await db.segmentMembership.findMany({ where: { shopId, segmentId, customerId: { in: page } }, select: { customerId: true } })) out.add(`${segmentId}:${r.customerId}`);
    }
  }
  return out;
}

/** Marketing emails each person of the page already has in the last 7 days (sent, sending, unknown or queued). */
async function loadRecent(db: Database, shopId: string, due: Due[], guestEmail: (m: Due) => string | null, ctx: PageContext): Promise<void> {
  const since = new Date(ctx.now.getTime() - WEEK_MS);
  const customerIds = [...new Set(due.flatMap((m) => (m.customerId && !ctx.recent.has(`c:${m.customerId}`) ? [m.customerId] : [])))];
  const emails = [...new Set(due.flatMap((m) => (m.customerId ? [] : guestEmail(m) && !ctx.recent.has(`e:${lower(guestEmail(m)!)}`) ? [guestEmail(m)!] : [])))];
  for (const id of customerIds) ctx.recent.set(`c:${id}`, []);
  for (const e of emails) ctx.recent.set(`e:${lower(e)}`, []);
  const when = (r: { sentAt: Date | null; queuedAt: Date | null; scheduledFor: Date }) => r.sentAt ?? r.queuedAt ?? r.scheduledFor;
  const window = { OR: [{ sentAt: { gte: since } }, { queuedAt: { gte: since } }] };
  for (const ids of chunks(customerIds)) {
    const rows = await db.message.findMany({ where: { shopId, test: false, status: { in: ACTIVE_STATUSES }, customerId: { in: ids }, ...window }, select: { customerId: true, sentAt: true, queuedAt: true, scheduledFor: true } });
    for (const r of rows) ctx.recent.get(`c:${r.customerId}`)!.push({ at: when(r) });
  }
  for (const list of chunks(emails)) {
    const rows = await db.message.findMany({ where: { shopId, test: false, status: { in: ACTIVE_STATUSES }, email: { in: list }, ...window }, select: { email: true, sentAt: true, queuedAt: true, scheduledFor: true } });
    for (const r of rows) ctx.recent.get(`e:${lower(r.email!)}`)?.push({ at: when(r) });
  }
}

const bump = (counts: Record<string, number>, reason: string, n: number) => {
  if (n > 0) counts[reason] = (counts[reason] ?? 0) + n;
};

async function apply(db: Database, shopId: string, outcome: PageOutcome, queue: Pick<JobQueue, "enqueue">, now: Date, report: DispatchReport): Promise<void> {
  // Exits first: the enrollment and all its remaining messages, this one included.
  const byExit = new Map<string, string[]>();
  for (const [enrollmentId, reason] of outcome.exits) byExit.set(reason, [...(byExit.get(reason) ?? []), enrollmentId]);
  for (const [reason, ids] of byExit) {
    for (const page of chunks(ids)) {
      await db.enrollment.updateMany({ where: { shopId, id: { in: page }, status: "active" }, data: { status: "exited", exitReason: reason } });
      const r = await db.message.updateMany({ where: { shopId, enrollmentId: { in: page }, status: "scheduled" }, data: { status: "cancelled", skipReason: reason } });
      bump(report.cancelled, reason, r.count);
    }
  }
  // Skips and cancels, grouped by reason.
  const groups = new Map<string, string[]>();
  for (const [id, d] of outcome.decisions) {
    if (d.kind === "skip" || d.kind === "cancel") {
      const k = `${d.kind === "skip" ? "skipped" : "cancelled"}|${d.reason}`;
      groups.set(k, [...(groups.get(k) ?? []), id]);
    }
  }
  for (const [k, ids] of groups) {
    const [status, reason] = k.split("|") as ["skipped" | "cancelled", string];
    for (const page of chunks(ids)) {
      const r = await db.message.updateMany({ where: { shopId, id: { in: page }, status: "scheduled" }, data: { status, skipReason: reason } });
      bump(status === "skipped" ? report.skipped : report.cancelled, reason, r.count);
    }
  }
  // Survivors: batches per (campaign, step, variant).
  const batches = new Map<string, Array<{ id: string; email: string; variant: string }>>();
  for (const m of outcome.due) {
    const d = outcome.decisions.get(m.id);
    if (d?.kind !== "queue") continue;
    const k = `${m.campaignId}|${m.step}|${d.variant}`;
    batches.set(k, [...(batches.get(k) ?? []), { id: m.id, email: d.email, variant: d.variant }]);
  }
  for (const members of batches.values()) {
    for (let i = 0; i < members.length; i += MAX_BATCH) {
      const batch = members.slice(i, i + MAX_BATCH);
      const batchId = newId("b");
      const won = await queueBatch(db, shopId, batch, batchId, now);
      if (won === 0) continue;
      await queue.enqueue(DELIVERY_SEND_JOB, { shopId, batchId } satisfies SendJobPayload, { shopId, idempotencyKey: `send:${batchId}` });
      report.queued += won;
      report.batches++;
    }
  }
  // Enrollments whose last message is decided are complete.
  const touched = [...new Set(outcome.due.flatMap((m) => (m.enrollmentId && !outcome.exits.has(m.enrollmentId) ? [m.enrollmentId] : [])))];
  for (const page of chunks(touched)) {
    const pending = new Set(
      (await db.message.findMany({ where: { shopId, enrollmentId: { in: page }, status: "scheduled" }, select: { enrollmentId: true }, distinct: ["enrollmentId"] })).map((m) => m.enrollmentId),
    );
    const done = page.filter((id) => !pending.has(id));
    if (done.length) await db.enrollment.updateMany({ where: { shopId, id: { in: done }, status: "active" }, data: { status: "completed" } });
  }
}

/** Rows per bulk email UPDATE: 2 parameters each, under Prisma's SQLite limit of 999. */
const EMAIL_ROWS = 400;

/**
 * One batch, in one transaction: the compare-and-set (scheduled → queued with
 * this batchId and variant) is one statement, so of two dispatchers racing for a
 * message exactly one wins it; then the won rows get their addresses, in bulk
 * (UPDATE … FROM (VALUES …), SQLite ≥ 3.33 and PostgreSQL; one UPDATE per row
 * on any other client). Returns how many messages this dispatcher queued.
 */
async function queueBatch(db: Database, shopId: string, batch: Array<{ id: string; email: string; variant: string }>, batchId: string, now: Date): Promise<number> {
  const provider = sqlDialectOf(db);
  return db.$transaction(async (tx) => {
    let won = 0;
    for (const ids of chunks(batch.map((m) => m.id))) {
      won += (await tx.message.updateMany({ where: { shopId, id: { in: ids }, status: "scheduled" }, data: { status: "queued", variant: batch[0]!.variant, batchId, queuedAt: now } })).count;
    }
    if (won === 0) return 0;
    if (provider !== "sqlite" && provider !== "postgresql") {
      for (const m of batch) await tx.message.updateMany({ where: { id: m.id, batchId }, data: { email: m.email } });
      return won;
    }
    for (let i = 0; i < batch.length; i += EMAIL_ROWS) {
      const rows = batch.slice(i, i + EMAIL_ROWS);
      const params: string[] = [];
      const p = (value: string) => {
        params.push(value);
        return provider === "postgresql" ? `CAST($${params.length} AS TEXT)` : "?";
      };
      const values = rows.map((m) => `(${p(m.id)}, ${p(m.email)})`).join(", ");
      const target = provider === "postgresql" ? `"Message" AS t` : `"Message"`;
      const self = provider === "postgresql" ? "t" : `"Message"`;
      await tx.$executeRawUnsafe(`UPDATE ${target} SET "email" = v.column2 FROM (VALUES ${values}) AS v WHERE ${self}."id" = v.column1 AND ${self}."batchId" = ${p(batchId)}`, ...params);
    }
    return won;
  });
}

