// The shop's delivery settings against the database (ShopSettings.delivery):
// read with defaults, saved only when the whole edit validates.
import prisma, { type Database } from "../../db.server";
import type { Prisma } from "@prisma/client";
import { parseDeliverySettings, readDeliverySettings, type DeliverySettings } from "./settings";

type Db = Database | Prisma.TransactionClient;

export class DeliverySettingsError extends Error {
  constructor(readonly errors: Record<string, string>) {
    super(`The delivery settings were not saved: ${Object.entries(errors).map(([k, v]) => `${k}: ${v}`).join("; ")}`);
    this.name = "DeliverySettingsError";
  }
}

/** The shop's delivery settings, defaults filled in (a shop with none stored gets the defaults). */
export async function deliverySettings(shopId: string, options: { db?: Db } = {}): Promise<DeliverySettings> {
  const db = options.db ?? prisma;
  const row = await db.shopSettings.findUnique({ where: { shopId }, select: { delivery: true } });
  return readDeliverySettings(row?.delivery ?? null);
}

/**
 * Saves a merchant's edit (a partial object: fields not given keep their
 * value). Bad input throws DeliverySettingsError with one message per field
 * (`errors`, keyed like "browse.minViews") and stores nothing.
 */
export async function saveDeliverySettings(shopId: string, input: unknown, options: { db?: Database } = {}): Promise<DeliverySettings> {
  const db = options.db ?? prisma;
  const current = await deliverySettings(shopId, { db });
  const parsed = parseDeliverySettings(input, current);
  if (!parsed.ok) throw new DeliverySettingsError(parsed.errors);
  const delivery = parsed.settings as unknown as Prisma.InputJsonValue;
  await db.shopSettings.upsert({ where: { shopId }, create: { shopId, delivery }, update: { delivery } });
  return parsed.settings;
}
