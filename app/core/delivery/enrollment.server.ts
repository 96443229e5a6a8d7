// Enrollments and their messages, written in batches. One Enrollment per
// (campaign, triggerKey) (unique: a replayed or concurrent trigger is a no-op)
// with one Message per plan step, `scheduled` at trigger + delay, moved to the
// recipient's best hour for steps of a day or more (send-time.ts) and out of
// their quiet hours.
import { randomBytes } from "node:crypto";
import type { Prisma } from "@prisma/client";
import { isUniqueViolation, sqlDialectOf, sqliteDateTime, type Database } from "../../db.server";
import { delayHours, type Plan } from "../flows/plan";
import { chooseLocalHour, emptyHistogram, OPTIMISE_FROM_HOURS, plannedSendTime } from "./send-time";
import type { DeliverySettings } from "./settings";
import { customerTimeZone, localHour } from "./timezone";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** SQLite (through Prisma's adapter) refuses more than 999 bound values in a query. */
export const CHUNK = 400;

/** A cuid-like id: time-ordered prefix, 64 random bits. */
export function newId(prefix = "c"): string {
  return `${prefix}${Date.now().toString(36)}${randomBytes(8).toString("hex")}`;
}

export function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export interface EnrollmentCandidate {
  customerId: string | null;
  triggerKey: string;
  triggeredAt: Date;
  /** What the emails personalise from: { checkoutToken?, email? (a guest's), productIds? }. */
  context?: Record<string, unknown> | null;
}

export interface EnrollableCampaign {
  id: string;
  shopId: string;
  flowType: string;
  plan: Plan;
}

/**
 * Send-time evidence for one shop, loaded once per run: the shop's and each
 * lifecycle segment's hour histograms (orders and human clicks, at each
 * customer's local hour), and the shop's zone.
 */
export interface TimingContext {
  shopTimeZone: string | null;
  shop: number[];
  segments: Map<string, number[]>;
}

const EVIDENCE_DAYS = 365;
const EVIDENCE_ROWS = 5000;

type Address = { countryCode: string | null; province: string | null };

/** The shop-level evidence (bounded: the latest 5,000 orders and clicks of the last year). */
export async function loadTimingContext(db: Database, shopId: string, now: Date): Promise<TimingContext> {
  const since = new Date(now.getTime() - EVIDENCE_DAYS * DAY_MS);
  const shop = await db.shop.findUnique({ where: { id: shopId }, select: { timezone: true } });
  const shopZone = shop?.timezone ?? null;
  const orders = await db.order.findMany({
    where: { shopId, shopifyCreatedAt: { gte: since }, customerId: { not: null } },
    orderBy: { shopifyCreatedAt: "desc" },
    take: EVIDENCE_ROWS,
    select: { shopifyCreatedAt: true, customer: { select: { countryCode: true, province: true, profile: { select: { lifecycleStage: true } } } } },
  });
  const hist = emptyHistogram();
  const segments = new Map<string, number[]>();
  const add = (at: Date, c: (Address & { profile: { lifecycleStage: string | null } | null }) | null) => {
    const h = localHour(at, customerTimeZone(c, shopZone));
    hist[h]! += 1;
    const stage = c?.profile?.lifecycleStage;
    if (stage) {
      const s = segments.get(stage) ?? emptyHistogram();
      s[h]! += 1;
      segments.set(stage, s);
    }
  };
  for (const o of orders) add(o.shopifyCreatedAt, o.customer);
  for (const click of await humanClicks(db, shopId, null, since)) add(click.at, click.customer);
  return { shopTimeZone: shopZone, shop: hist, segments };
}

/** Human clicks (EmailEvent click; machine opens are never clicks, and opens never count) with their customer. */
async function humanClicks(db: Database, shopId: string, customerIds: string[] | null, since: Date) {
  const messages = await db.message.findMany({
    where: { shopId, clickedAt: { gte: since }, customerId: customerIds ? { in: customerIds } : { not: null } },
    orderBy: { clickedAt: "desc" },
    take: EVIDENCE_ROWS,
    select: { id: true, customerId: true },
  });
  if (messages.length === 0) return [];
  const customerOf = new Map(messages.map((m) => [m.id, m.customerId!]));
  const customers = new Map<string, Address & { profile: { lifecycleStage: string | null } | null }>();
  for (const ids of chunks([...new Set(customerOf.values())])) {
    for (const c of await db.customer.findMany({ where: { shopId, id: { in: ids } }, select: { id: true, countryCode: true, province: true, profile: { select: { lifecycleStage: true } } } })) customers.set(c.id, c);
  }
  const out: Array<{ customerId: string; at: Date; customer: (Address & { profile: { lifecycleStage: string | null } | null }) | null }> = [];
  for (const ids of chunks(messages.map((m) => m.id))) {
    const events = await db.emailEvent.findMany({ where: { shopId, messageId: { in: ids }, type: "click", machineOpen: false }, select: { messageId: true, occurredAt: true } });
    for (const e of events) {
      const customerId = customerOf.get(e.messageId!)!;
      out.push({ customerId, at: e.occurredAt, customer: customers.get(customerId) ?? null });
    }
  }
  return out;
}

/** Per customer of a batch: zone, lifecycle segment and own hour histogram. */
async function customerTiming(db: Database, shopId: string, customerIds: string[], timing: TimingContext, now: Date) {
  const out = new Map<string, { zone: string; segment: string | null; personal: number[] }>();
  if (customerIds.length === 0) return out;
  const rows = await db.customer.findMany({ where: { shopId, id: { in: customerIds } }, select: { id: true, countryCode: true, province: true, profile: { select: { lifecycleStage: true } } } });
  for (const c of rows) out.set(c.id, { zone: customerTimeZone(c, timing.shopTimeZone), segment: c.profile?.lifecycleStage ?? null, personal: emptyHistogram() });
  const since = new Date(now.getTime() - EVIDENCE_DAYS * DAY_MS);
  const orders = await db.order.findMany({ where: { shopId, customerId: { in: customerIds }, shopifyCreatedAt: { gte: since } }, select: { customerId: true, shopifyCreatedAt: true } });
  for (const o of orders) {
    const t = out.get(o.customerId!);
    if (t) t.personal[localHour(o.shopifyCreatedAt, t.zone)]! += 1;
  }
  for (const click of await humanClicks(db, shopId, customerIds, since)) {
    const t = out.get(click.customerId);
    if (t) t.personal[localHour(click.at, t.zone)]! += 1;
  }
  return out;
}

export interface EnrollOptions {
  now: Date;
  settings: DeliverySettings;
  timing: TimingContext;
}

/**
 * Enrolls the candidates not yet enrolled in this campaign; returns how many
 * were new. Existing keys are skipped; a batch that loses a race to another
 * process falls back to one enrollment at a time, each a no-op if taken.
 */
export async function enroll(db: Database, campaign: EnrollableCampaign, candidates: readonly EnrollmentCandidate[], options: EnrollOptions): Promise<number> {
  let created = 0;
  const unique = [...new Map(candidates.map((c) => [c.triggerKey, c])).values()];
  for (const page of chunks(unique)) {
    const taken = new Set(
      (await db.enrollment.findMany({ where: { campaignId: campaign.id, triggerKey: { in: page.map((c) => c.triggerKey) } }, select: { triggerKey: true } })).map((e) => e.triggerKey),
    );
    const fresh = page.filter((c) => !taken.has(c.triggerKey));
    if (fresh.length === 0) continue;
    const rows = await buildRows(db, campaign, fresh, options);
    try {
      await db.$transaction(async (tx) => {
        await insertEnrollments(tx, sqlDialectOf(db), rows.map((r) => r.enrollment));
        await insertMessages(tx, sqlDialectOf(db), rows.flatMap((r) => r.messages));
      });
      created += rows.length;
    } catch {
      // Lost a race with another scan (a key taken meanwhile), or a client without
      // the bulk path's dialect: one enrollment at a time, each a no-op if taken;
      // any other error is thrown from there.
      for (const row of rows) {
        try {
          await db.$transaction(async (tx) => {
            await tx.enrollment.create({ data: row.enrollment, select: { id: true } });
            await tx.message.createMany({ data: row.messages });
          });
          created++;
        } catch (inner) {
          if (!isUniqueViolation(inner)) throw inner;
        }
      }
    }
  }
  return created;
}

async function buildRows(db: Database, campaign: EnrollableCampaign, fresh: EnrollmentCandidate[], options: EnrollOptions) {
  const { plan } = campaign;
  const optimise = plan.steps.some((s) => delayHours(s.delay) >= OPTIMISE_FROM_HOURS);
  const customerIds = [...new Set(fresh.flatMap((c) => (c.customerId ? [c.customerId] : [])))];
  const timing = await customerTiming(db, campaign.shopId, customerIds, options.timing, options.now);
  // A guest's zone: the shop's (a checkout has no address we keep).
  const guestZone = customerTimeZone(null, options.timing.shopTimeZone);
  return fresh.map((c) => {
    const enrollmentId = newId("e");
    const t = c.customerId ? timing.get(c.customerId) : undefined;
    const zone = t?.zone ?? guestZone;
    const messages: Prisma.MessageCreateManyInput[] = plan.steps.map((step, index) => {
      const hours = delayHours(step.delay);
      const nominal = new Date(c.triggeredAt.getTime() + hours * HOUR_MS);
      const key = `${enrollmentId}:${index}`;
      let hour: number | null = null;
      if (optimise && hours >= OPTIMISE_FROM_HOURS) {
        const evidence = {
          personal: t?.personal ?? emptyHistogram(),
          segment: t?.segment ? (options.timing.segments.get(t.segment) ?? null) : null,
          shop: options.timing.shop,
        };
        hour = chooseLocalHour(evidence, { quiet: options.settings.quietHours, exploration: options.settings.explorationShare, seed: key }).hour;
      }
      return {
        id: newId("m"),
        shopId: campaign.shopId,
        campaignId: campaign.id,
        enrollmentId,
        customerId: c.customerId,
        flowType: campaign.flowType,
        step: index,
        priority: plan.priority,
        key,
        status: "scheduled",
        scheduledFor: plannedSendTime(nominal, zone, hour, options.settings.quietHours, options.now),
      };
    });
    const enrollment: Prisma.EnrollmentCreateManyInput = {
      id: enrollmentId,
      shopId: campaign.shopId,
      campaignId: campaign.id,
      customerId: c.customerId,
      triggerKey: c.triggerKey,
      triggeredAt: c.triggeredAt,
      status: "active",
      ...(c.context ? { context: c.context as Prisma.InputJsonValue } : {}),
    };
    return { enrollment, messages };
  });
}

type Tx = Parameters<Parameters<Database["$transaction"]>[0]>[0];
type Provider = "sqlite" | "postgresql" | null;
type Cell = { v: string | number | null; t: "text" | "int" | "ts" | "json" };



/**
 * A multi-row INSERT on both databases. Prisma's createMany took about 2.5 ms
 * a message on this loaded 2-core machine (a 5,000-member launch: 15,000
 * messages in 30 s); one statement per ~60 rows is several times faster.
 */
async function bulkInsert(tx: Tx, provider: "sqlite" | "postgresql", table: string, columns: string[], rows: Cell[][]): Promise<void> {
  const perStatement = Math.max(1, Math.floor(900 / columns.length));
  for (let i = 0; i < rows.length; i += perStatement) {
    const params: Array<string | number | null> = [];
    const cell = (c: Cell) => {
      const value = c.v;
      params.push(value);
      if (provider === "sqlite") return "?";
      const type = c.t === "int" ? "INTEGER" : c.t === "ts" ? "TIMESTAMP(3)" : c.t === "json" ? "JSONB" : "TEXT";
      return `CAST($${params.length} AS ${type})`;
    };
    const values = rows.slice(i, i + perStatement).map((r) => `(${r.map(cell).join(", ")})`).join(", ");
    await tx.$executeRawUnsafe(`INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES ${values}`, ...params);
  }
}

const ts = (provider: "sqlite" | "postgresql", d: Date): Cell => ({ v: provider === "sqlite" ? sqliteDateTime(d) : d.toISOString(), t: "ts" });
const text = (v: string | null | undefined): Cell => ({ v: v ?? null, t: "text" });

async function insertEnrollments(tx: Tx, provider: Provider, rows: Prisma.EnrollmentCreateManyInput[]): Promise<void> {
  if (provider === null) {
    await tx.enrollment.createMany({ data: rows });
    return;
  }
  const now = new Date();
  const columns = ["id", "shopId", "campaignId", "customerId", "triggerKey", "triggeredAt", "status", "context", "createdAt", "updatedAt"];
  await bulkInsert(tx, provider, "Enrollment", columns, rows.map((r) => [
    text(r.id), text(r.shopId), text(r.campaignId), text(r.customerId), text(r.triggerKey), ts(provider, new Date(r.triggeredAt)), text(r.status ?? "active"),
    { v: r.context === undefined || r.context === null ? null : JSON.stringify(r.context), t: "json" }, ts(provider, now), ts(provider, now),
  ]));
}

async function insertMessages(tx: Tx, provider: Provider, rows: Prisma.MessageCreateManyInput[]): Promise<void> {
  if (provider === null) {
    await tx.message.createMany({ data: rows });
    return;
  }
  const now = new Date();
  const columns = ["id", "shopId", "campaignId", "enrollmentId", "customerId", "flowType", "step", "priority", "key", "status", "scheduledFor", "createdAt", "updatedAt"];
  await bulkInsert(tx, provider, "Message", columns, rows.map((r) => [
    text(r.id), text(r.shopId), text(r.campaignId), text(r.enrollmentId), text(r.customerId), text(r.flowType), { v: r.step, t: "int" }, { v: r.priority ?? 0, t: "int" },
    text(r.key), text(r.status ?? "scheduled"), ts(provider, new Date(r.scheduledFor)), ts(provider, now), ts(provider, now),
  ]));
}

