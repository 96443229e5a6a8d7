// Sending one batch (job `delivery.send`, payload { shopId, batchId }): the
// batch's queued messages go to SendGrid in ONE request, the variant compiled
// once, one personalization per message. See docs/decisions/011-delivery.md,
// step 3.
//
// Exactly once rests on the message rows, not on the queue: a message is
// claimed `queued` → `sending` by compare-and-set just before its request, and
// leaves `sending` only by what SendGrid answered: `sent` (202), back to
// `queued` (429 / 5xx: nothing was sent), `failed` (SendGrid refused it), or
// `unknown` (timeout, dropped connection: only events can tell, see
// reconcile.server.ts). A run that finds `sending` rows left by a dead run
// marks them `unknown`, never sends them again itself.
import { createHash } from "node:crypto";
import type { MailService } from "@sendgrid/mail";
import prisma, { type Database } from "../../db.server";
import type { JobHandler } from "../../jobs/queue.server";
import { markStats } from "../reports/stats.server";
import { RetryLaterError } from "../../jobs/retry";
import { logger as rootLogger, type Logger } from "../../logger.server";
import { ApprovalError, assertApproved } from "../approval/approval.server";
import type { AdminGraphqlClient } from "../backfill/admin-client.server";
import { buildRecipient, compileVariant, hasOfferBlock, latestOrders, needsLatestOrder, type CompiledVariant, type LatestOrder } from "../campaigns/recipients.server";
import { CampaignError } from "../campaigns/types";
import { ensureOffer, OfferError } from "../offers/offers.server";
import { checkRendered } from "../render/check";
import { RenderInputError } from "../render/types";
import { recipientValues } from "../render/values";
import { MAX_BATCH, type SendJobPayload } from "./job-types";
import { mailerFor, type SendgridConfig } from "./sendgrid.server";
import {
  classifySendError,
  MAX_SUBSTITUTION_BYTES,
  newTagNonce,
  recipientSubstitutions,
  renderSent,
  requestContent,
  sentValues,
  trackingLinkHook,
  xMessageId,
  type SendOutcome,
  type SendTemplate,
  type SentValues,
} from "./send-request";
import { packJson, storeTemplate } from "./sent-email.server";
import { suppressedAmong } from "./suppression.server";
import { looksLikeEmail } from "./suppression";
import { unsubscribeLink } from "./unsubscribe.server";

export interface SendOptions {
  db?: Database;
  now?: Date;
  config?: SendgridConfig;
  /** One request's client-side timeout (default 60 s): past it the outcome is unknown. */
  timeoutMs?: number;
  /** The shop's Admin API client, for offer codes; default: its stored offline session. */
  admin?: (shopId: string) => Promise<AdminGraphqlClient>;
  /** A 429 / 5xx is retried inside the run this many times (default 2) … */
  inlineRetries?: number;
  /** … when the wait is no longer than this (default 10 s); else the job is given back to the queue. */
  maxInlineWaitMs?: number;
  sleep?: (ms: number) => Promise<void>;
  logger?: Logger;
}

export interface SendResult {
  sent: number;
  failed: number;
  skipped: number;
  unknown: number;
  /** `sending` rows found from a dead run, marked unknown. */
  abandoned: number;
  requests: number;
}

const DEFAULT_INLINE_RETRIES = 2;
const DEFAULT_MAX_INLINE_WAIT_MS = 10_000;
/** When SendGrid gives no reset time. */
const FALLBACK_WAIT_MS = 1_000;

const MESSAGE_SELECT = { id: true, campaignId: true, step: true, variant: true, customerId: true, email: true, flowType: true } as const;
type Row = { id: string; campaignId: string; step: number; variant: string | null; customerId: string | null; email: string | null; flowType: string };

/** A message ready to go: its address, subject, merged values and headers. */
export interface PreparedMessage {
  id: string;
  to: string;
  values: SentValues;
  headers: Record<string, string>;
}

async function defaultAdmin(shopId: string): Promise<AdminGraphqlClient> {
  const { unauthenticated } = await import("../../shopify.server");
  const { admin } = await unauthenticated.admin(shopId);
  return admin;
}

/** Sends the batch's queued messages. Throws RetryLaterError (with SendGrid's reset time) when SendGrid asked to come back later. */
export async function sendBatch(shopId: string, batchId: string, options: SendOptions = {}): Promise<SendResult> {
  const db = options.db ?? prisma;
  const log = (options.logger ?? rootLogger).child({ shop: shopId, batch: batchId });
  const result: SendResult = { sent: 0, failed: 0, skipped: 0, unknown: 0, abandoned: 0, requests: 0 };

  // A run that died mid-request: SendGrid may have them. Only events can say (reconcile).
  const abandoned = await db.message.updateMany({ where: { shopId, batchId, status: "sending" }, data: { status: "unknown", error: "the sending run stopped before SendGrid answered" } });
  result.abandoned = abandoned.count;
  if (abandoned.count > 0) log.warn("send: messages left sending by a dead run marked unknown", { count: abandoned.count });

  const rows: Row[] = await db.message.findMany({ where: { shopId, batchId, status: "queued", test: false }, select: MESSAGE_SELECT, orderBy: { id: "asc" } });
  if (rows.length === 0) return result;
  // The dispatcher puts one (campaign, step, variant) in a batch; a mixed batch is still sent right, group by group.
  const groups = new Map<string, Row[]>();
  for (const row of rows) {
    const key = `${row.campaignId}\0${row.step}\0${row.variant ?? "A"}`;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  for (const group of groups.values()) await sendGroup(db, shopId, group, options, result, log);
  return result;
}

async function sendGroup(db: Database, shopId: string, rows: Row[], options: SendOptions, result: SendResult, log: Logger): Promise<void> {
  const first = rows[0]!;
  const now = options.now ?? new Date();
  try {
    await assertApproved(shopId, first.campaignId, { db });
  } catch (error) {
    if (!(error instanceof ApprovalError)) throw error;
    const reason = error.code === "not-approved" ? "not-approved" : "campaign-not-found";
    result.skipped += await byChunks(rows.map((r) => r.id), (ids) => db.message.updateMany({ where: { id: { in: ids }, status: "queued" }, data: { status: "skipped", skipReason: reason } }));
    return;
  }
  let variant: CompiledVariant;
  try {
    variant = await compileVariant(db, shopId, first.campaignId, first.step, first.variant ?? "A");
  } catch (error) {
    if (!(error instanceof CampaignError)) throw error;
    const reason = [error.message, ...(error.problems ?? [])].join(" ").slice(0, 1000);
    result.failed += await fail(db, rows.map((r) => r.id), reason);
    return;
  }
  const templateId = await storeTemplate(db, shopId, variant.compiled);
  const mailer = await mailerFor(shopId, { db, config: options.config, timeoutMs: options.timeoutMs });

  const prepared: PreparedMessage[] = [];
  let admin: AdminGraphqlClient | null = null;
  const customers = await customerNames(db, shopId, rows);
  // Decided at dispatch, checked again here: a retry may come minutes later, and an
  // unsubscribe, bounce or consent change in between must win (nothing bypasses it).
  const held = await heldBack(db, shopId, rows, customers);
  for (const [reason, ids] of held) {
    const done = await db.message.updateMany({ where: { id: { in: ids }, status: "queued" }, data: { status: "skipped", skipReason: reason } });
    result.skipped += done.count;
  }
  const heldIds = new Set([...held.values()].flat());
  const orders = needsLatestOrder(variant.plan, variant.step) ? await latestOrders(db, shopId, [...customers.keys()]) : null;
  for (const row of rows) {
    if (heldIds.has(row.id)) continue;
    const outcome = await prepare(db, shopId, variant, row, customers, orders, now, async () => (admin ??= await (options.admin ?? defaultAdmin)(shopId)));
    if (typeof outcome === "string") result.failed += await fail(db, [row.id], outcome);
    else prepared.push(outcome);
  }

  if (!variant.ctx.settings.senderEmail) {
    result.failed += await fail(db, prepared.map((p) => p.id), "the shop has no sender email address (Settings)");
    return;
  }
  const shop = await db.shop.findUnique({ where: { id: shopId }, select: { email: true } });
  const envelope = envelopeFor(variant, shop?.email ?? null, templateId);

  await sendPrepared(db, mailer.mail, envelope, variant.compiled, prepared, options, result, log, { shopId, campaignId: first.campaignId });
}

/**
 * Sends prepared messages: those whose substitutions fit SendGrid's limit in
 * requests of up to 1,000 personalizations; one over it alone, merged in full.
 */
export async function sendPrepared(
  db: Database,
  mail: MailService,
  envelope: Envelope,
  template: SendTemplate,
  prepared: PreparedMessage[],
  options: SendOptions,
  result: SendResult,
  log: Logger,
  /** The daily stats these sends count in (none for a test send). */
  stats: StatsKey | null = null,
): Promise<void> {
  const nonce = newTagNonce();
  const shared: Array<PreparedMessage & { substitutions: Record<string, string> }> = [];
  const alone: PreparedMessage[] = [];
  for (const p of prepared) {
    const { substitutions, bytes } = recipientSubstitutions(template, p.values, nonce);
    if (bytes <= MAX_SUBSTITUTION_BYTES) shared.push({ ...p, substitutions });
    else alone.push(p);
  }
  const plan: Array<{ messages: PreparedMessage[]; body: (won: Set<string>) => MailBody }> = [];
  for (let i = 0; i < shared.length; i += MAX_BATCH) {
    const chunk = shared.slice(i, i + MAX_BATCH);
    plan.push({ messages: chunk, body: (won) => sharedBody(envelope, template, nonce, chunk.filter((m) => won.has(m.id))) });
  }
  for (const p of alone) plan.push({ messages: [p], body: () => aloneBody(envelope, template, p) });
  for (const request of plan) await deliver(db, mail, request.messages, request.body, envelope.templateId, options, result, log, stats);
}

/** Which daily stats a send counts in. */
export interface StatsKey {
  shopId: string;
  campaignId: string;
}

export interface Envelope {
  from: { email: string; name: string };
  replyTo: { email: string; name: string } | null;
  categories: string[];
  templateId: string;
}

type MailBody = Record<string, unknown>;

/** From the shop's sender (Settings, else the shop's email); replies go to the shop's own address. */
export function envelopeFor(variant: CompiledVariant, shopEmail: string | null, templateId: string): Envelope {
  const from = { email: variant.ctx.settings.senderEmail ?? "", name: variant.ctx.settings.senderName };
  return { from, replyTo: shopEmail ? { email: shopEmail, name: from.name } : null, categories: [variant.plan.flowType, "loopwise"], templateId };
}

function common(envelope: Envelope): MailBody {
  return { from: envelope.from, ...(envelope.replyTo ? { replyTo: envelope.replyTo } : {}), categories: envelope.categories, substitutionWrappers: ["", ""] };
}

function personalization(m: PreparedMessage) {
  return { to: [{ email: m.to }], subject: m.values.subject, customArgs: { lw_msg: m.id }, headers: m.headers };
}

function sharedBody(envelope: Envelope, template: SendTemplate, nonce: string, messages: Array<PreparedMessage & { substitutions: Record<string, string> }>): MailBody {
  return {
    ...common(envelope),
    content: requestContent(template, nonce),
    personalizations: messages.map((m) => ({ ...personalization(m), substitutions: m.substitutions })),
  };
}

function aloneBody(envelope: Envelope, template: SendTemplate, m: PreparedMessage): MailBody {
  const email = renderSent(template, m.values);
  return {
    ...common(envelope),
    content: [
      { type: "text/plain", value: email.text },
      { type: "text/html", value: email.html },
    ],
    personalizations: [personalization(m)],
  };
}

async function customerNames(db: Database, shopId: string, rows: Row[]): Promise<Map<string, { firstName: string | null; emailConsentState: string }>> {
  const ids = [...new Set(rows.map((r) => r.customerId).filter((id): id is string => id !== null))];
  const found: Array<{ id: string; firstName: string | null; emailConsentState: string }> = [];
  for (let i = 0; i < ids.length; i += IDS_PER_QUERY) {
    const where = { shopId, id: { in: ids.slice(i, i + IDS_PER_QUERY) }, deletedAt: null, redactedAt: null };
    found.push(...(await db.customer.findMany({ where, select: { id: true, firstName: true, emailConsentState: true } })));
  }
  return new Map(found.map((c) => [c.id, { firstName: c.firstName, emailConsentState: c.emailConsentState }]));
}

/** Consent states that withdraw what dispatch allowed (a guest cart under "checkout-email" was never subscribed, so NOT_SUBSCRIBED is not among them). */
const WITHDRAWN = new Set(["UNSUBSCRIBED", "REDACTED", "INVALID"]);

/** Messages that must not go after all, by reason: the address is suppressed, or the customer's consent was withdrawn since dispatch. */
async function heldBack(db: Database, shopId: string, rows: Row[], customers: Map<string, { emailConsentState: string }>): Promise<Map<string, string[]>> {
  const suppressed = await suppressedAmong(shopId, rows.flatMap((r) => (r.email ? [r.email] : [])), { db });
  const out = new Map<string, string[]>();
  const add = (reason: string, id: string) => out.set(reason, [...(out.get(reason) ?? []), id]);
  for (const row of rows) {
    if (row.email && suppressed.has(row.email)) add("suppressed", row.id);
    else if (row.customerId && WITHDRAWN.has(customers.get(row.customerId)?.emailConsentState ?? "")) add("not-subscribed", row.id);
  }
  return out;
}

/** Stable per message: which of the draft's subject lines (A/B arm) this recipient gets. */
export function subjectIndexFor(messageId: string, subjects: number): number {
  return createHash("sha256").update(messageId).digest().readUInt32BE(0) % Math.max(1, subjects);
}

/** The message merged and checked, or why it cannot go (in words). */
async function prepare(
  db: Database,
  shopId: string,
  variant: CompiledVariant,
  row: Row,
  customers: Map<string, { firstName: string | null }>,
  orders: Map<string, LatestOrder> | null,
  now: Date,
  admin: () => Promise<AdminGraphqlClient>,
): Promise<PreparedMessage | string> {
  if (!row.email) return "no email address";
  // One malformed address would make SendGrid refuse the whole request: it fails alone, here.
  if (!looksLikeEmail(row.email)) return "the email address is not valid";
  const customer = row.customerId ? customers.get(row.customerId) : undefined;
  if (!row.customerId || !customer) return "no such customer (deleted or erased)";
  const { plan, step, ctx, compiled } = variant;
  let offer: { code: string; expiresAt: Date | null } | null = null;
  if (step.incentive && plan.offer && hasOfferBlock(compiled)) {
    try {
      const made = await ensureOffer(shopId, { campaignId: row.campaignId, step: row.step, customerId: row.customerId }, plan.offer, { admin: await admin(), db, now, policy: ctx.settings.incentivePolicy });
      offer = { code: made.code, expiresAt: made.expiresAt };
    } catch (error) {
      if (error instanceof OfferError) return `offer: ${error.message}`;
      throw error; // Shopify unreachable: the batch is retried, nothing was sent
    }
  }
  const unsubscribe = unsubscribeLink(shopId, row.customerId, row.id);
  try {
    const recipient = await buildRecipient(db, ctx, plan, step, variant.sources, { customerId: row.customerId, firstName: customer.firstName, offer, unsubscribeUrl: unsubscribe.url, latestOrder: orders ? (orders.get(row.customerId) ?? null) : undefined }, now);
    const hosts = [ctx.domain, shopId];
    const slotValues = recipientValues(compiled.model, recipient, trackingLinkHook(plan.flowType, row.id, hosts));
    const subject = compiled.subjects[subjectIndexFor(row.id, compiled.subjects.length)]!;
    const values = sentValues(subject, slotValues);
    const email = renderSent(compiled, values);
    const problems = checkRendered(email.html, email.text, { shopName: ctx.name, postalAddress: ctx.brand.postalAddress, unsubscribeUrl: unsubscribe.url });
    if (problems.length > 0) return problems.join("; ").slice(0, 1000);
    return { id: row.id, to: row.email, values, headers: unsubscribe.headers };
  } catch (error) {
    if (error instanceof RenderInputError) return error.problems.join("; ").slice(0, 1000);
    throw error;
  }
}

// SQLite (through Prisma's adapter) refuses more than 999 bound values in one query.
const IDS_PER_QUERY = 500;

async function byChunks(ids: string[], run: (chunk: string[]) => Promise<{ count: number }>): Promise<number> {
  let count = 0;
  for (let i = 0; i < ids.length; i += IDS_PER_QUERY) count += (await run(ids.slice(i, i + IDS_PER_QUERY))).count;
  return count;
}

async function fail(db: Database, ids: string[], reason: string): Promise<number> {
  if (ids.length === 0) return 0;
  return byChunks(ids, (chunk) => db.message.updateMany({ where: { id: { in: chunk }, status: "queued" }, data: { status: "failed", error: reason.slice(0, 1000) } }));
}

/**
 * One request, with its compare-and-set before and the outcome after. A 429 or
 * 5xx puts the messages back to `queued` and is tried again here while the
 * wait is short; past that, RetryLaterError gives the job back to the queue.
 */
async function deliver(
  db: Database,
  mail: MailService,
  messages: PreparedMessage[],
  body: (won: Set<string>) => MailBody,
  templateId: string,
  options: SendOptions,
  result: SendResult,
  log: Logger,
  stats: StatsKey | null,
): Promise<void> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let retriesLeft = options.inlineRetries ?? DEFAULT_INLINE_RETRIES;
  for (;;) {
    const won = await claim(db, messages, templateId);
    if (won.size === 0) return;
    const ids = [...won];
    result.requests++;
    let outcome: SendOutcome;
    try {
      const [response] = await mail.send(body(won) as never);
      outcome = { kind: "accepted", xMessageId: xMessageId(response.headers as Record<string, unknown>) };
    } catch (error) {
      outcome = classifySendError(error, Date.now());
    }
    const settle = (data: Parameters<Database["message"]["updateMany"]>[0]["data"]) =>
      byChunks(ids, (chunk) => db.message.updateMany({ where: { id: { in: chunk }, status: "sending" }, data }));
    switch (outcome.kind) {
      case "accepted": {
        const sentAt = options.now ?? new Date();
        // Marked before and after (no transaction here): a crash in between leaves a mark, never a stale day.
        const touch = stats ? () => markStats(db, stats.shopId, [{ campaignId: stats.campaignId, at: sentAt }]) : async () => {};
        await touch();
        // An event may have come first (SendGrid posts `processed` at once) and marked some sent already: they get the request's id too.
        result.sent += await byChunks(ids, (chunk) =>
          db.message.updateMany({
            where: { id: { in: chunk }, OR: [{ status: "sending" }, { status: "sent", sgMessageId: null }] },
            data: { status: "sent", sentAt, sgMessageId: outcome.xMessageId, error: null },
          }),
        );
        await touch();
        return;
      }
      case "refused": {
        result.failed += await settle({ status: "failed", error: `SendGrid refused the request (${outcome.status}): ${outcome.reason}`.slice(0, 1000) });
        log.warn("send: SendGrid refused the request", { status: outcome.status, messages: ids.length, reason: outcome.reason.slice(0, 300) });
        return;
      }
      case "unknown": {
        result.unknown += await settle({ status: "unknown", error: outcome.reason });
        log.warn("send: outcome unknown, left to reconcile", { messages: ids.length, reason: outcome.reason });
        return;
      }
      case "retry": {
        await settle({ status: "queued", error: outcome.reason.slice(0, 1000) });
        const wait = outcome.retryAfterMs ?? FALLBACK_WAIT_MS;
        if (retriesLeft > 0 && wait <= (options.maxInlineWaitMs ?? DEFAULT_MAX_INLINE_WAIT_MS)) {
          retriesLeft--;
          await sleep(wait);
          continue;
        }
        throw new RetryLaterError(`SendGrid asked to retry later (${outcome.status ?? "no answer"}): ${outcome.reason}`, outcome.retryAfterMs ?? 0);
      }
    }
  }
}

/** queued → sending (attempts + 1), with what the message is made of, one compare-and-set per message. Returns the ids won. */
async function claim(db: Database, messages: PreparedMessage[], templateId: string): Promise<Set<string>> {
  const won = new Set<string>();
  // Packed before the transaction: SQLite holds its one writer for as short a time as possible.
  const packed = messages.map((m) => ({ id: m.id, values: packJson(m.values) }));
  await db.$transaction(
    async (tx) => {
      for (const m of packed) {
        const r = await tx.message.updateMany({
          where: { id: m.id, status: "queued" },
          data: { status: "sending", attempts: { increment: 1 }, templateId, values: m.values, error: null },
        });
        if (r.count === 1) won.add(m.id);
      }
    },
    { timeout: 120_000, maxWait: 60_000 },
  );
  return won;
}

/** The `delivery.send` job. */
export function sendJobHandler(options: SendOptions = {}): JobHandler {
  return async (payload) => {
    const { shopId, batchId } = parsePayload(payload);
    await sendBatch(shopId, batchId, options);
  };
}

function parsePayload(payload: unknown): SendJobPayload {
  const p = (typeof payload === "object" && payload !== null ? payload : {}) as Partial<SendJobPayload>;
  if (typeof p.shopId !== "string" || !p.shopId || typeof p.batchId !== "string" || !p.batchId) throw new Error("delivery.send: the payload needs shopId and batchId");
  return { shopId: p.shopId, batchId: p.batchId };
}
