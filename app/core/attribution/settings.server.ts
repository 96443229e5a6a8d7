// The shop's attribution settings against the database (ShopSettings.attribution):
// read with defaults, saved only when the whole edit validates. A change of
// rule applies to the past too: every order is attributed again and the daily
// stats rebuilt, in the same call (so the dashboard shows the new rule's
// numbers as soon as the save returns).
import prisma, { type Database } from "../../db.server";
import type { Prisma } from "@prisma/client";
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

export interface SavedAttributionSettings {
  settings: AttributionSettings;
  /** Whether the stored rule changed (and the past was attributed again). */
  changed: boolean;
  /** Outcomes of attributing every order again (when changed). */
  reattributed: Record<AttributionOutcome, number> | null;
}

const same = (a: AttributionSettings, b: AttributionSettings) => a.windowDays === b.windowDays && a.countOpens === b.countOpens && a.openWindowDays === b.openWindowDays;

/**
 * Saves a merchant's edit (a partial object: fields not given keep their value).
 * Bad input throws AttributionSettingsError with one message per field and
 * stores nothing. When the rule changed, every order of the shop is attributed
 * again under it and the daily stats are rebuilt before this returns.
 */
export async function saveAttributionSettings(shopId: string, input: unknown, options: { db?: Database } = {}): Promise<SavedAttributionSettings> {
  const db = options.db ?? prisma;
  const current = await attributionSettings(db, shopId);
  const parsed = parseAttributionSettings(input, current);
  if (!parsed.ok) throw new AttributionSettingsError(parsed.errors);
  if (same(current, parsed.settings)) return { settings: current, changed: false, reattributed: null };
  const attribution = parsed.settings as unknown as Prisma.InputJsonValue;
  await db.shopSettings.upsert({ where: { shopId }, create: { shopId, attribution }, update: { attribution } });
  const reattributed = await reattributeShop(shopId, { db });
  await rebuildStats(shopId, { db });
  return { settings: parsed.settings, changed: true, reattributed };
}
