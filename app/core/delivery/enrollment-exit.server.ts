// The immediate purchase exit, called from the order webhook's transaction: a
// customer who just bought leaves every flow whose plan exits on purchase (cart
// recovery, browse abandonment, ...), and their scheduled emails are cancelled
// at once rather than at the next dispatch (which checks again anyway).
import prisma, { type Database } from "../../db.server";
import type { Prisma } from "@prisma/client";
import { PlanSchema } from "../flows/plan";
import { chunks } from "./enrollment.server";

type Db = Database | Prisma.TransactionClient;

export interface Purchaser {
  /** Our Customer id. */
  customerId?: string | null;
  /** The order's Shopify customer id (the orders webhook knows this one). */
  shopifyCustomerId?: string | null;
  email?: string | null;
  /** The checkout the order completed: ends that checkout's cart recovery, a guest's included. */
  checkoutToken?: string | null;
}

/**
 * Exits the purchaser's active enrollments triggered before `orderAt` in
 * campaigns whose plan exits on purchase; cancels their scheduled messages
 * (skipReason "purchase"). Idempotent. Returns the enrollments exited.
 */
export async function exitOnPurchase(shopId: string, who: Purchaser | string, orderAt: Date, options: { db?: Db } = {}): Promise<number> {
  const db = options.db ?? prisma;
  const p: Purchaser = typeof who === "string" ? (who.includes("@") ? { email: who } : { customerId: who }) : who;
  const customerIds = new Set<string>();
  if (p.customerId) customerIds.add(p.customerId);
  const email = p.email?.trim().toLowerCase() || null;
  if (p.shopifyCustomerId || email) {
    const or: object[] = [];
    if (p.shopifyCustomerId) or.push({ shopifyId: p.shopifyCustomerId });
    if (email) or.push({ email: { in: [...new Set([p.email!.trim(), email])] } });
    for (const c of await db.customer.findMany({ where: { shopId, OR: or }, select: { id: true } })) customerIds.add(c.id);
  }
  const triggerKeys = new Set<string>();
  if (p.checkoutToken) triggerKeys.add(`checkout:${p.checkoutToken}`);
  if (email) {
    // A guest's cart recovery is keyed by their checkout: find their open checkouts by email.
    for (const c of await db.checkout.findMany({ where: { shopId, email: { in: [...new Set([p.email!.trim(), email])] }, completedAt: null }, select: { token: true } })) triggerKeys.add(`checkout:${c.token}`);
  }
  const or: object[] = [];
  if (customerIds.size) or.push({ customerId: { in: [...customerIds] } });
  if (triggerKeys.size) or.push({ triggerKey: { in: [...triggerKeys] } });
  if (or.length === 0) return 0;
  const active = await db.enrollment.findMany({ where: { shopId, status: "active", triggeredAt: { lt: orderAt }, OR: or }, select: { id: true, campaignId: true } });
  if (active.length === 0) return 0;
  const campaigns = await db.campaign.findMany({ where: { shopId, id: { in: [...new Set(active.map((e) => e.campaignId))] } }, select: { id: true, plan: true } });
  const exitsOnPurchase = new Set(campaigns.filter((c) => PlanSchema.safeParse(c.plan).data?.exitConditions.includes("purchase")).map((c) => c.id));
  const ids = active.filter((e) => exitsOnPurchase.has(e.campaignId)).map((e) => e.id);
  let exited = 0;
  for (const page of chunks(ids)) {
    exited += (await db.enrollment.updateMany({ where: { shopId, id: { in: page }, status: "active" }, data: { status: "exited", exitReason: "purchase" } })).count;
    await db.message.updateMany({ where: { shopId, enrollmentId: { in: page }, status: "scheduled" }, data: { status: "cancelled", skipReason: "purchase" } });
  }
  return exited;
}
