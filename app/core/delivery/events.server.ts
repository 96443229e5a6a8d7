// The SendGrid event webhook (docs/decisions/011-delivery.md, steps 4 and 5):
//
//   handleEventWebhook(request, token)       the route's whole job → Response
//   recordEvents(shopId, events, options)    store a parsed batch and apply what is new
//
// The request, in order: POST only (405); the token names a shop (404, nothing
// read or stored otherwise); a body over 2 MB is refused (413) without being
// held; the signature is checked over the raw bytes with the shop's key or the
// app's (401: missing, forged, wrong key, stale or future timestamp); the body
// must be a JSON array (400); events we cannot key, date or type are skipped
// and counted, the rest stored; 200 with the counts.
//
// Storing: one transaction per batch. It reads which sg_event_ids are already
// stored, inserts the others, and applies the effects of exactly those, so an
// event delivered twice (a redelivery, or two deliveries racing) counts once:
// the loser of a race hits the unique sg_event_id, its transaction is rolled
// back whole and retried, and the retry sees the winner's rows. Effects are
// the grouped, forward-only moves of planEngagement (events.ts), so the writes
// are set-based (a few dozen statements for a thousand events) and order-free.
// Unsubscribes and spam reports go through unsubscribe(), as our own link does
// (suppression + local consent + write-back job), inside the same transaction.
import { randomUUID } from "node:crypto";
import prisma, { isUniqueViolation, providerOf, sqliteDateTime, type Database } from "../../db.server";
import { env } from "../../env.server";
import { readLimited } from "../http/read-limited";
import { logger as rootLogger, requestLogger, type Logger } from "../../logger.server";
import type { Db, Tx } from "../ingest/store.server";
import {
  countSkipped,
  matchMessage,
  parseEventBatch,
  planEngagement,
  type EngagementEvent,
  type EngagementPlan,
  type MatchedEvent,
  type MessageRef,
  type SkipReason,
  type SuppressionAction,
} from "./events";
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyEventSignature } from "./events-signature";
import { suppress } from "./suppression.server";
import { looksLikeEmail } from "./suppression";
import { unsubscribe, UnsubscribeError } from "./unsubscribe.server";
import { isWellFormedToken } from "./webhook-token.server";
import { reattributeAfterEngagement } from "../attribution/attribute.server";
import { markStats } from "../reports/stats.server";

/** SendGrid batches are at most a few MB; ours are far below that. */
export const MAX_EVENT_BODY_BYTES = 2 * 1024 * 1024;

// SQLite (through Prisma's adapter) refuses more than 999 bound values in one query.
const IDS_PER_QUERY = 500;
const ROWS_PER_INSERT = 90; // EmailEvent has 10 columns
const ATTEMPTS = 5;

export interface EventBatchResult {
  /** Events in the body. */
  received: number;
  /** Stored now for the first time (their effects applied). */
  stored: number;
  /** Already stored (a redelivery): nothing done. */
  duplicates: number;
  /** Stored but naming no message of this shop: kept, no effect. */
  unmatched: number;
  /** Not stored: no sg_event_id, unknown type, bad timestamp, not an object, repeated in the batch. */
  skipped: number;
  skippedReasons: Partial<Record<SkipReason, number>>;
}

export interface RecordOptions {
  db?: Database;
  /** The suppression hash's key source (tests); the app secret by default. */
  secret?: string;
  logger?: Logger;
}

export interface EventWebhookOptions extends RecordOptions {
  now?: () => Date;
  /** The app-wide key used when the shop has none; env.SENDGRID_WEBHOOK_PUBLIC_KEY by default. */
  appPublicKey?: string | null;
  maxBytes?: number;
}

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", "cache-control": "no-store" } });
const plain = (status: number, text: string) => new Response(text, { status, headers: { "content-type": "text/plain; charset=utf-8" } });

export async function handleEventWebhook(request: Request, token: string, options: EventWebhookOptions = {}): Promise<Response> {
  const started = performance.now();
  if (request.method !== "POST") return new Response(null, { status: 405, headers: { allow: "POST" } });
  const db = options.db ?? prisma;
  if (!isWellFormedToken(token)) return plain(404, "Not Found");
  const settings = await db.shopSettings.findUnique({ where: { webhookToken: token }, select: { shopId: true, sendgridWebhookKey: true } });
  if (!settings) return plain(404, "Not Found");
  const shopId = settings.shopId;
  const log = (options.logger ?? requestLogger(request, shopId)).child({ shop: shopId, webhook: "sendgrid" });
  const publicKey = settings.sendgridWebhookKey || (options.appPublicKey === undefined ? env.SENDGRID_WEBHOOK_PUBLIC_KEY : options.appPublicKey);
  const checked = await verifiedBatch(request, publicKey, settings.sendgridWebhookKey ? "shop" : "app", log, options);
  if (checked instanceof Response) return checked;

  let result: EventBatchResult;
  try {
    result = await recordEvents(shopId, checked.events, { ...options, db, logger: log });
  } catch (error) {
    // SendGrid retries a non-2xx delivery: nothing of this batch was kept, so the retry starts clean.
    log.error("sendgrid events failed", { error: error instanceof Error ? error.message.slice(0, 300) : String(error) });
    return plain(500, "Internal Server Error");
  }
  result.received = checked.received;
  result.skipped = countSkipped(checked.skipped);
  result.skippedReasons = checked.skipped;
  log.info("sendgrid events", { ...result, skippedReasons: undefined, ms: Math.round((performance.now() - started) * 10) / 10 });
  return json(200, result);
}

/**
 * /webhooks/sendgrid: the app-wide SendGrid account's one event webhook (every
 * shop that sends with the app's key). Verified with SENDGRID_WEBHOOK_PUBLIC_KEY
 * only; each event goes to the shop of the message it names (`lw_msg`), and an
 * event naming no message of ours is dropped. 404 when no app-wide key is set.
 */
export async function handleAppEventWebhook(request: Request, options: EventWebhookOptions = {}): Promise<Response> {
  const started = performance.now();
  if (request.method !== "POST") return new Response(null, { status: 405, headers: { allow: "POST" } });
  const db = options.db ?? prisma;
  const publicKey = options.appPublicKey === undefined ? env.SENDGRID_WEBHOOK_PUBLIC_KEY : options.appPublicKey;
  if (!publicKey) return plain(404, "Not Found");
  const log = (options.logger ?? requestLogger(request)).child({ webhook: "sendgrid" });
  const checked = await verifiedBatch(request, publicKey, "app", log, options);
  if (checked instanceof Response) return checked;

  const ids = [...new Set(checked.events.flatMap((e) => (e.messageId ? [e.messageId] : [])))];
  const owner = new Map<string, string>();
  for (const part of chunk(ids, 500)) {
    for (const m of await db.message.findMany({ where: { id: { in: part } }, select: { id: true, shopId: true } })) owner.set(m.id, m.shopId);
  }
  const byShop = new Map<string, EngagementEvent[]>();
  let unmatched = 0;
  for (const event of checked.events) {
    const shopId = event.messageId ? owner.get(event.messageId) : undefined;
    if (!shopId) unmatched++;
    else byShop.set(shopId, [...(byShop.get(shopId) ?? []), event]);
  }
  const result: EventBatchResult = { received: checked.received, stored: 0, duplicates: 0, unmatched, skipped: countSkipped(checked.skipped), skippedReasons: checked.skipped };
  try {
    for (const [shopId, events] of byShop) {
      const r = await recordEvents(shopId, events, { ...options, db, logger: log.child({ shop: shopId }) });
      result.stored += r.stored;
      result.duplicates += r.duplicates;
      result.unmatched += r.unmatched;
    }
  } catch (error) {
    // Shops recorded before the failure keep their events; SendGrid's retry finds them duplicates.
    log.error("sendgrid events failed", { error: error instanceof Error ? error.message.slice(0, 300) : String(error) });
    return plain(500, "Internal Server Error");
  }
  log.info("sendgrid events (app account)", { ...result, skippedReasons: undefined, shops: byShop.size, ms: Math.round((performance.now() - started) * 10) / 10 });
  return json(200, result);
}

/** Size cap, signature over the raw body, JSON, batch shape: the parsed events, or the refusal to answer with. */
async function verifiedBatch(
  request: Request,
  publicKey: string | undefined | null,
  keySource: "shop" | "app",
  log: Logger,
  options: EventWebhookOptions,
): Promise<Response | { events: EngagementEvent[]; skipped: Partial<Record<SkipReason, number>>; received: number }> {
  const body = await readLimited(request, options.maxBytes ?? MAX_EVENT_BODY_BYTES);
  if (body === null) return plain(413, "Payload Too Large");
  if (!publicKey) {
    log.error("sendgrid events refused: no verification key (the shop's or SENDGRID_WEBHOOK_PUBLIC_KEY)");
    return plain(401, "Unauthorized");
  }
  const check = verifyEventSignature({
    publicKey,
    signature: request.headers.get(SIGNATURE_HEADER),
    timestamp: request.headers.get(TIMESTAMP_HEADER),
    body,
    now: options.now?.() ?? new Date(),
  });
  if (!check.ok) {
    const level = check.reason === "bad-key" ? "error" : "warn";
    log[level]("sendgrid events refused", { reason: check.reason, keySource });
    return plain(401, "Unauthorized");
  }
  let payload: unknown;
  try {
    payload = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body));
  } catch {
    log.warn("sendgrid events refused: body is not JSON", { bytes: body.byteLength });
    return plain(400, "Bad Request: the body is not JSON");
  }
  const batch = parseEventBatch(payload);
  if (!batch.ok) {
    log.warn("sendgrid events refused", { error: batch.error });
    return plain(400, `Bad Request: ${batch.error}`);
  }
  return { events: batch.events, skipped: batch.skipped, received: Array.isArray(payload) ? payload.length : 0 };
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const MESSAGE_REF = { id: true, customerId: true, email: true, test: true, sgMessageId: true, status: true, campaignId: true, sentAt: true } as const;

/** The messages of this shop the events name (by lw_msg, else by send request). Read-only. */
async function findMessages(db: Db, shopId: string, events: readonly EngagementEvent[]) {
  const ids = [...new Set(events.flatMap((e) => (e.messageId ? [e.messageId] : [])))];
  const requests = [...new Set(events.flatMap((e) => (!e.messageId && e.sendRequestId ? [e.sendRequestId] : [])))];
  const byId = new Map<string, MessageRef>();
  const byRequest = new Map<string, MessageRef[]>();
  for (const part of chunk(ids, IDS_PER_QUERY)) {
    for (const m of await db.message.findMany({ where: { shopId, id: { in: part } }, select: MESSAGE_REF })) byId.set(m.id, m);
  }
  for (const part of chunk(requests, IDS_PER_QUERY)) {
    for (const m of await db.message.findMany({ where: { shopId, sgMessageId: { in: part } }, select: MESSAGE_REF })) {
      byRequest.set(m.sgMessageId!, [...(byRequest.get(m.sgMessageId!) ?? []), m]);
    }
  }
  return { byId, byRequest };
}

/** A write conflict or deadlock (PostgreSQL; P2034, or a raw query's 40P01/40001): the transaction is retried. */
function isWriteConflict(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const code = (error as { code?: unknown }).code;
  return code === "P2034" || (code === "P2010" && /40P01|40001|deadlock/i.test(String((error as { message?: unknown }).message)));
}

const EVENT_COLUMNS = ["id", "shopId", "messageId", "sgEventId", "type", "machineOpen", "occurredAt", "url", "reason", "receivedAt"] as const;

/**
 * Inserts the events not stored yet and returns their sg_event_ids: one
 * INSERT … ON CONFLICT DO NOTHING RETURNING per 90 rows (both databases), so
 * "new" is decided by the unique index itself. On PostgreSQL a concurrent
 * insert of the same id waits for the other transaction and then skips the
 * row; on SQLite transactions take turns. Raw SQL because Prisma's createMany
 * can neither skip duplicates on SQLite nor say which rows it inserted, and
 * costs about 1 ms a row here.
 */
async function insertNew(tx: Tx, provider: Provider, shopId: string, events: readonly EngagementEvent[], matched: ReadonlyMap<string, MessageRef | null>): Promise<Set<string>> {
  const inserted = new Set<string>();
  const now = new Date();
  const date = (d: Date) => (provider === "postgresql" ? d.toISOString() : sqliteDateTime(d));
  for (const part of chunk(events, ROWS_PER_INSERT)) {
    const params: Array<string | number | boolean | null> = [];
    const p = (value: string | number | boolean | null, cast?: string) => {
      params.push(value);
      const slot = provider === "postgresql" ? `$${params.length}` : "?";
      return cast && provider === "postgresql" ? `CAST(${slot} AS ${cast})` : slot;
    };
    const rows = part.map((e) => {
      const reason = e.type === "bounce" && e.bounceType ? `${e.bounceType}: ${e.reason ?? ""}`.slice(0, 500) : e.reason;
      const cells = [
        p(randomUUID()),
        p(shopId),
        p(matched.get(e.sgEventId)?.id ?? null),
        p(e.sgEventId),
        p(e.type),
        provider === "postgresql" ? p(e.machineOpen, "BOOLEAN") : p(e.machineOpen ? 1 : 0),
        p(date(e.occurredAt), "TIMESTAMP(3)"),
        p(e.url),
        p(reason),
        p(date(now), "TIMESTAMP(3)"),
      ];
      return `(${cells.join(", ")})`;
    });
    const columns = EVENT_COLUMNS.map((c) => `"${c}"`).join(", ");
    const sql = `INSERT INTO "EmailEvent" (${columns}) VALUES ${rows.join(", ")} ON CONFLICT ("sgEventId") DO NOTHING RETURNING "sgEventId"`;
    const returned = await tx.$queryRawUnsafe<Array<{ sgEventId: string }>>(sql, ...params);
    for (const row of returned) inserted.add(row.sgEventId);
  }
  return inserted;
}

/**
 * Stores a parsed batch for one shop and applies what is new in it. Safe to
 * call again with the same events, and concurrently: each sg_event_id has its
 * effects applied once.
 */
export async function recordEvents(shopId: string, events: readonly EngagementEvent[], options: RecordOptions = {}): Promise<EventBatchResult> {
  const db = options.db ?? prisma;
  const log = options.logger ?? rootLogger.child({ shop: shopId });
  const result: EventBatchResult = { received: events.length, stored: 0, duplicates: 0, unmatched: 0, skipped: 0, skippedReasons: {} };
  if (events.length === 0) return result;

  const { byId, byRequest } = await findMessages(db, shopId, events);
  const matched = new Map<string, MessageRef | null>(events.map((e) => [e.sgEventId, matchMessage(e, byId, byRequest)]));
  const provider = providerOf(db);
  // Sorted: concurrent batches insert shared keys in one order (no lock-order deadlock on PostgreSQL).
  const sorted = [...events].sort((a, b) => (a.sgEventId < b.sgEventId ? -1 : a.sgEventId > b.sgEventId ? 1 : 0));

  for (let attempt = 1; ; attempt++) {
    try {
      const outcome = await db.$transaction(
        async (tx) => {
          const inserted = await insertNew(tx, provider, shopId, sorted, matched);
          const fresh = sorted.filter((e) => inserted.has(e.sgEventId));
          const applicable: MatchedEvent[] = fresh.flatMap((event) => {
            const message = matched.get(event.sgEventId);
            return message ? [{ event, message }] : [];
          });
          await applyPlan(tx, provider, shopId, planEngagement(applicable), options);
          await afterEngagement(tx, shopId, applicable);
          return { stored: fresh.length, duplicates: sorted.length - fresh.length, unmatched: fresh.length - applicable.length };
        },
        { maxWait: 10_000, timeout: 60_000 },
      );
      return { ...result, ...outcome };
    } catch (error) {
      if (attempt < ATTEMPTS && (isUniqueViolation(error) || isWriteConflict(error))) {
        log.info("sendgrid events: a concurrent delivery overlapped, retrying", { attempt });
        continue;
      }
      throw error;
    }
  }
}

type Provider = "sqlite" | "postgresql";
type ColumnRule = "earliest" | "latest" | "increment";

/** Rows per bulk UPDATE: up to 9 values each, under SQLite's 999 bound values. */
const ROWS_PER_UPDATE = 90;

/**
 * One UPDATE … FROM (VALUES …) per 90 rows, on both databases (SQLite ≥ 3.33):
 * each row carries its own values, and each column moves only forward, in SQL,
 * against what is stored at that moment: "earliest" keeps the smaller time,
 * "latest" the larger, "increment" adds. A value of null (or 0) leaves the
 * column as it is. DateTimes compare correctly as text on SQLite: Prisma
 * stores every one in the same ISO form.
 */
async function bulkUpdate(
  tx: Tx,
  provider: Provider,
  table: "Message" | "CustomerProfile",
  key: "id" | "customerId",
  shopId: string,
  columns: ReadonlyArray<{ name: string; rule: ColumnRule }>,
  rows: ReadonlyMap<string, Record<string, Date | number>>,
): Promise<void> {
  if (rows.size === 0) return;
  const t = provider === "postgresql" ? "t" : `"${table}"`;
  const set = columns.map(({ name, rule }, i) => {
    const v = `v.column${i + 2}`;
    const col = `${t}."${name}"`;
    if (rule === "increment") return `"${name}" = ${col} + ${v}`;
    const better = rule === "earliest" ? `${col} > ${v}` : `${col} < ${v}`;
    return `"${name}" = CASE WHEN ${v} IS NOT NULL AND (${col} IS NULL OR ${better}) THEN ${v} ELSE ${col} END`;
  });
  const date = (d: Date) => (provider === "postgresql" ? d.toISOString() : sqliteDateTime(d));
  for (const part of chunk([...rows.entries()], ROWS_PER_UPDATE)) {
    const params: Array<string | number | null> = [];
    const p = (value: string | number | null, cast: string | null) => {
      params.push(value);
      return provider === "postgresql" ? (cast ? `CAST($${params.length} AS ${cast})` : `$${params.length}`) : "?";
    };
    // SQLite's "?" are bound in the order they appear: SET's, then VALUES', then WHERE's.
    const touched = table === "Message" ? [`"updatedAt" = ${p(date(new Date()), "TIMESTAMP(3)")}`] : [];
    const values = part.map(([id, row]) => {
      const cells = [p(id, null)];
      for (const { name, rule } of columns) {
        const value = row[name];
        cells.push(rule === "increment" ? p(typeof value === "number" ? value : 0, "INTEGER") : p(value instanceof Date ? date(value) : null, "TIMESTAMP(3)"));
      }
      return `(${cells.join(", ")})`;
    });
    const target = provider === "postgresql" ? `"${table}" AS t` : `"${table}"`;
    const sql = `UPDATE ${target} SET ${[...set, ...touched].join(", ")} FROM (VALUES ${values.join(", ")}) AS v WHERE ${t}."${key}" = v.column1 AND ${t}."shopId" = ${p(shopId, null)}`;
    await tx.$executeRawUnsafe(sql, ...params);
  }
}

const MESSAGE_COLUMNS: ReadonlyArray<{ name: string; rule: ColumnRule }> = [
  ...(["deliveredAt", "openedAt", "machineOpenedAt", "clickedAt", "bouncedAt", "droppedAt", "spamReportedAt", "unsubscribedAt"] as const).map((name) => ({ name, rule: "earliest" as const })),
  { name: "opens", rule: "increment" },
  { name: "clicks", rule: "increment" },
];
const PROFILE_COLUMNS: ReadonlyArray<{ name: string; rule: ColumnRule }> = [
  { name: "emailsDelivered", rule: "increment" },
  { name: "emailOpens", rule: "increment" },
  { name: "emailClicks", rule: "increment" },
  { name: "lastEmailOpenAt", rule: "latest" },
  { name: "lastEmailClickAt", rule: "latest" },
];

/** The plan's grouped moves back into one row of values per message or customer. */
function rowsOf(moves: ReadonlyArray<{ field: string; ids: string[] } & ({ at: Date } | { by: number })>): Map<string, Record<string, Date | number>> {
  const rows = new Map<string, Record<string, Date | number>>();
  for (const move of moves) {
    const value = "at" in move ? move.at : move.by;
    for (const id of move.ids) rows.set(id, { ...rows.get(id), [move.field]: value });
  }
  return rows;
}

async function applyPlan(tx: Tx, provider: Provider, shopId: string, plan: EngagementPlan, options: RecordOptions): Promise<void> {
  // unknown → sent (compare-and-set): the first statement records when, where no send time is known.
  for (const move of plan.markSent) {
    for (const ids of chunk(move.ids, IDS_PER_QUERY)) {
      await tx.message.updateMany({ where: { shopId, id: { in: ids }, status: "unknown", sentAt: null }, data: { status: "sent", sentAt: move.at } });
      await tx.message.updateMany({ where: { shopId, id: { in: ids }, status: "unknown" }, data: { status: "sent" } });
    }
  }
  await bulkUpdate(tx, provider, "Message", "id", shopId, MESSAGE_COLUMNS, rowsOf([...plan.messageEarliest, ...plan.messageCounters]));
  await bulkUpdate(tx, provider, "CustomerProfile", "customerId", shopId, PROFILE_COLUMNS, rowsOf([...plan.profileCounters, ...plan.profileLatest]));
  for (const action of plan.suppressions) await applySuppression(tx, shopId, action, options);
}

/**
 * What new events change beyond the message: the daily stats of the day each
 * message was sent, and the credit for orders a click or human open came too
 * late to explain when they were placed.
 */
async function afterEngagement(tx: Tx, shopId: string, applicable: readonly MatchedEvent[]): Promise<void> {
  const live = applicable.filter(({ message }) => !message.test && message.campaignId);
  await markStats(
    tx,
    shopId,
    live.map(({ event, message }) => ({ campaignId: message.campaignId!, at: message.sentAt ?? event.occurredAt })),
  );
  const engaged = live.filter(({ event, message }) => message.customerId && (event.type === "click" || (event.type === "open" && !event.machineOpen)));
  await reattributeAfterEngagement(tx, shopId, engaged.map(({ event, message }) => ({ customerId: message.customerId!, at: event.occurredAt, kind: event.type === "click" ? ("click" as const) : ("open" as const) })));
}

/**
 * A hard bounce suppresses the address. An unsubscribe or spam report does what
 * our own unsubscribe link does (suppression, local consent, write-back to
 * Shopify); for a message with no customer (a guest checkout) the address is
 * suppressed alone, there being no Shopify consent to write.
 */
async function applySuppression(tx: Tx, shopId: string, action: SuppressionAction, options: RecordOptions): Promise<void> {
  const source = `sendgrid:message:${action.messageId}`;
  const db = tx as unknown as Database; // unsubscribe() joins a caller's transaction (inTransaction runs fn(tx) directly)
  if (action.cause !== "hard-bounce" && action.customerId) {
    try {
      await unsubscribe(shopId, action.customerId, { reason: action.cause, source, db, now: action.at, secret: options.secret });
    } catch (error) {
      if (!(error instanceof UnsubscribeError)) throw error; // the customer is gone: the address below still counts
    }
  }
  // The address the message went to, even when the customer's has changed since
  // (idempotent: usually the row unsubscribe() just wrote).
  if (action.email && looksLikeEmail(action.email)) {
    await suppress(shopId, action.email, action.cause, source, { db: tx, secret: options.secret });
  }
}
