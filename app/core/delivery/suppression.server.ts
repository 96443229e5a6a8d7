// The per-shop suppression list and the one consent check the sender must call.
//
//   suppress(shopId, email, reason, source?)      → { created }     idempotent
//   isSuppressed(shopId, email)                    → boolean
//   suppressedAmong(shopId, emails)                → Set of the given emails that are suppressed (batched)
//   marketingEligibility(shopId, customerIds)      → Map id → Eligibility (batched: the sender's check)
//   canReceiveMarketing(shopId, customer)          → Eligibility for one customer
//
// Nothing can bypass it: Eligibility carries the address to send to, read in
// the same query as the consent and checked against the list, so a sender
// that takes its addresses from here cannot mail one it did not check. The
// state is always re-read from the database; a caller's copy of a customer is
// never trusted.
import prisma, { isUniqueViolation } from "../../db.server";
import { env } from "../../env.server";
import type { Db } from "../ingest/store.server";
import { marketingDecision, type SkipReason } from "./consent";
import { isSuppressionReason, looksLikeEmail, suppressionHash, type SuppressionReason } from "./suppression";

export type Eligibility = { ok: true; customerId: string; email: string } | { ok: false; customerId: string; reason: SkipReason };

export interface SuppressionOptions {
  db?: Db;
  /** The key's source; the app secret unless a test says otherwise. */
  secret?: string;
}

// SQLite (through Prisma's adapter) refuses more than 999 bound values in one query.
const CHUNK = 500;
const MAX_SOURCE = 200;

export class SuppressionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SuppressionError";
  }
}

function hashOf(shopId: string, email: string, options: SuppressionOptions): string {
  return suppressionHash(options.secret ?? env.SHOPIFY_API_SECRET, shopId, email);
}

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

/**
 * Adds an address to the shop's list. A second call for the same address
 * changes nothing (the first reason and time stay) and says created: false.
 * Inside a transaction a lost insert race is rethrown for the transaction to
 * retry (PostgreSQL aborts the transaction on it); outside one it is absorbed.
 */
export async function suppress(
  shopId: string,
  email: string,
  reason: SuppressionReason,
  source: string | null = null,
  options: SuppressionOptions = {},
): Promise<{ created: boolean }> {
  if (!shopId) throw new SuppressionError("suppress: a shop is required");
  if (!isSuppressionReason(reason)) throw new SuppressionError(`suppress: unknown reason "${String(reason)}"`);
  if (!looksLikeEmail(email)) throw new SuppressionError("suppress: not an email address");
  const db = options.db ?? prisma;
  const emailHash = hashOf(shopId, email, options);
  const key = { shopId_emailHash: { shopId, emailHash } };
  if (await db.suppression.findUnique({ where: key, select: { id: true } })) return { created: false };
  try {
    await db.suppression.create({ data: { shopId, emailHash, reason, source: source?.slice(0, MAX_SOURCE) ?? null } });
    return { created: true };
  } catch (error) {
    if (isUniqueViolation(error) && "$transaction" in db) return { created: false };
    throw error;
  }
}

export async function isSuppressed(shopId: string, email: string, options: SuppressionOptions = {}): Promise<boolean> {
  if (!looksLikeEmail(email)) return false;
  const db = options.db ?? prisma;
  const row = await db.suppression.findUnique({ where: { shopId_emailHash: { shopId, emailHash: hashOf(shopId, email, options) } }, select: { id: true } });
  return row !== null;
}

/** The given emails (as given) that are suppressed in this shop: one query per 500. */
export async function suppressedAmong(shopId: string, emails: readonly string[], options: SuppressionOptions = {}): Promise<Set<string>> {
  const db = options.db ?? prisma;
  const byHash = new Map<string, string[]>();
  for (const email of emails) {
    if (!looksLikeEmail(email)) continue;
    const hash = hashOf(shopId, email, options);
    byHash.set(hash, [...(byHash.get(hash) ?? []), email]);
  }
  const out = new Set<string>();
  for (const hashes of chunks([...byHash.keys()])) {
    const rows = await db.suppression.findMany({ where: { shopId, emailHash: { in: hashes } }, select: { emailHash: true } });
    for (const row of rows) for (const email of byHash.get(row.emailHash) ?? []) out.add(email);
  }
  return out;
}

/**
 * The sender's check, for a batch of customers of one shop: who may receive
 * marketing email now, at which address, and why not otherwise. Two queries
 * per 500 customers. A customer of another shop is "unknown-customer".
 */
export async function marketingEligibility(shopId: string, customerIds: readonly string[], options: SuppressionOptions = {}): Promise<Map<string, Eligibility>> {
  const db = options.db ?? prisma;
  const out = new Map<string, Eligibility>();
  for (const ids of chunks([...new Set(customerIds)])) {
    const rows = await db.customer.findMany({
      where: { shopId, id: { in: ids } },
      select: { id: true, email: true, emailConsentState: true, deletedAt: true, redactedAt: true },
    });
    const suppressed = await suppressedAmong(shopId, rows.flatMap((r) => (r.email ? [r.email] : [])), options);
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const id of ids) {
      const row = byId.get(id) ?? null;
      const decision = marketingDecision(row, row?.email ? suppressed.has(row.email) : false);
      out.set(id, decision.ok ? { ok: true, customerId: id, email: row!.email! } : { ok: false, customerId: id, reason: decision.reason });
    }
  }
  return out;
}

/**
 * One customer: consent SUBSCRIBED and not suppressed (see consent.ts; the
 * cart-recovery setting is the sender's to apply, never a way around the list).
 * Only the id of `customer` is used: its state is read again here.
 */
export async function canReceiveMarketing(shopId: string, customer: string | { id: string }, options: SuppressionOptions = {}): Promise<Eligibility> {
  const id = typeof customer === "string" ? customer : customer.id;
  return (await marketingEligibility(shopId, [id], options)).get(id)!;
}
