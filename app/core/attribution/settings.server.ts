// The shop's attribution settings against the database (ShopSettings.attribution):
// read with defaults, saved only when the whole edit validates. A change of
// rule applies to the past too: every order is attributed again and the daily
// stats rebuilt (recreditPastOrders). From the Settings page that is a job
// (ATTRIBUTION_RECREDIT_JOB): at a large store it reads every order and a
// year of messages, minutes of work no request should hold. Its Job row is
// written in the settings' own transaction (the outbox: BullMQ workers relay
// it), so a saved rule always has its re-credit coming. Called with
// `recredit: "now"` (tests, scripts) it runs before the save returns.
import { z } from "zod";
import prisma, { type Database } from "../../db.server";
import type { Prisma } from "@prisma/client";
import type { JobHandler } from "../../jobs/queue.server";
import { rebuildStats } from "../reports/stats.server";
import { attributionSettings, reattributeShop, type AttributionOutcome } from "./attribute.server";
import { parseAttributionSettings, type AttributionSettings } from "./rules";

export class AttributionSettingsError extends Error {
  constructor(readonly errors: Record<string, string>) {
    super(`The attribution settings were not saved: ${Object.entries(errors).map(([k, v]) => `${k}: ${v}`).join("; ")}`);
    this.name = "AttributionSettingsError";
  }
}

export async function readAttributionSettingsOf(shopId: string, options: { db?: Database } = {}): Promise<AttributionSettings> {
  return attributionSettings(options.db ?? prisma, shopId);
}

export const ATTRIBUTION_RECREDIT_JOB = "attribution.recredit";

export interface SavedAttributionSettings {
  settings: AttributionSettings;
  /** Whether the stored rule changed (and the past is attributed again). */
  changed: boolean;
  /** Outcomes of attributing every order again when that ran before the save returned; null when not changed or queued. */
  reattributed: Record<AttributionOutcome, number> | null;
}

const same = (a: AttributionSettings, b: AttributionSettings) => a.windowDays === b.windowDays && a.countOpens === b.countOpens && a.openWindowDays === b.openWindowDays;

/**
 * Saves a merchant's edit (a partial object: fields not given keep their value).
 * Bad input throws AttributionSettingsError with one message per field and
 * stores nothing. When the rule changed, every order of the shop is attributed
 * again under it and the daily stats are rebuilt: before this returns with
 * `recredit: "now"` (the default), in a job written with the settings with
 * `recredit: "queued"` (one pending job per shop: it reads the rule when it runs).
 */
export async function saveAttributionSettings(shopId: string, input: unknown, options: { db?: Database; recredit?: "now" | "queued" } = {}): Promise<SavedAttributionSettings> {
  const db = options.db ?? prisma;
  const current = await attributionSettings(db, shopId);
  const parsed = parseAttributionSettings(input, current);
  if (!parsed.ok) throw new AttributionSettingsError(parsed.errors);
  if (same(current, parsed.settings)) return { settings: current, changed: false, reattributed: null };
  const attribution = parsed.settings as unknown as Prisma.InputJsonValue;
  if (options.recredit === "queued") {
    await db.$transaction(async (tx) => {
      await tx.shopSettings.upsert({ where: { shopId }, create: { shopId, attribution }, update: { attribution } });
      const pending = await tx.job.findFirst({ where: { shopId, type: ATTRIBUTION_RECREDIT_JOB, status: "queued" }, select: { id: true } });
      if (!pending) {
        await tx.job.create({ data: { type: ATTRIBUTION_RECREDIT_JOB, payload: { shopId }, shopId, idempotencyKey: `${ATTRIBUTION_RECREDIT_JOB}:${shopId}:${Date.now()}` } });
      }
    });
    return { settings: parsed.settings, changed: true, reattributed: null };
  }
  await db.shopSettings.upsert({ where: { shopId }, create: { shopId, attribution }, update: { attribution } });
  return { settings: parsed.settings, changed: true, reattributed: await recreditPastOrders(shopId, { db }) };
}

/** Every order of the shop attributed again under its current rule, then its daily stats rebuilt. */
export async function recreditPastOrders(shopId: string, options: { db?: Database } = {}): Promise<Record<AttributionOutcome, number>> {
  const db = options.db ?? prisma;
  const reattributed = await reattributeShop(shopId, { db });
  await rebuildStats(shopId, { db });
  return reattributed;
}

/** The ATTRIBUTION_RECREDIT_JOB: payload { shopId }. A shop that is gone has nothing to re-credit. */
export function recreditJobHandler(options: { db?: Database } = {}): JobHandler {
  return async (payload, ctx) => {
    const parsed = z.object({ shopId: z.string().min(1) }).safeParse(payload);
    if (!parsed.success) throw new Error("attribution re-credit job: the payload needs a shopId");
    const { shopId } = parsed.data;
    if (ctx.shopId && ctx.shopId !== shopId) throw new Error("attribution re-credit job: the payload's shop is not the job's");
    const db = options.db ?? prisma;
    if (!(await db.shop.findUnique({ where: { id: shopId }, select: { id: true } }))) return;
    await recreditPastOrders(shopId, { db });
  };
}
