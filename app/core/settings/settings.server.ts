// The merchant's settings against the database: read (with defaults from the
// shop's details) and save (validated; nothing stored on a bad edit).
import prisma, { type Database } from "../../db.server";
import { effectiveSettings, parseSettings, type EffectiveSettings } from "./settings";

export async function getSettings(shopId: string, options: { db?: Database } = {}): Promise<EffectiveSettings> {
  const db = options.db ?? prisma;
  const shop = await db.shop.findUnique({ where: { id: shopId }, select: { id: true, name: true, email: true, address: true, settings: true } });
  if (!shop) throw new Error(`unknown shop ${shopId}`);
  return effectiveSettings(shop, shop.settings);
}

export async function saveSettings(shopId: string, input: unknown, options: { db?: Database } = {}) {
  const db = options.db ?? prisma;
  const parsed = parseSettings(input);
  if (!parsed.ok) return parsed;
  const data = { ...parsed.settings, brandVoice: parsed.settings.brandVoice, incentivePolicy: parsed.settings.incentivePolicy };
  await db.shopSettings.upsert({ where: { shopId }, create: { shopId, ...data }, update: data });
  return { ok: true as const, settings: await getSettings(shopId, { db }) };
}
