// The profiles job: one type, two kinds of payload.
//   { shopId }              → recomputeShop (full recompute)
//   { shopId, customerId }  → updateCustomer (incremental)
import type { JobHandler } from "../../../jobs/queue.server";
import { logger } from "../../../logger.server";
import { recomputeShop, updateCustomer } from "./recompute.server";

export const PROFILES_JOB = "audience.profiles";

export interface ProfilesJobPayload {
  shopId: string;
  customerId?: string;
}

export function parseProfilesPayload(payload: unknown): ProfilesJobPayload {
  const p = (typeof payload === "object" && payload !== null ? payload : {}) as Record<string, unknown>;
  if (typeof p.shopId !== "string" || p.shopId === "") throw new Error("profiles job: shopId missing");
  if (p.customerId !== undefined && (typeof p.customerId !== "string" || p.customerId === "")) throw new Error("profiles job: bad customerId");
  return { shopId: p.shopId, customerId: p.customerId as string | undefined };
}

export function profilesJobHandler(): JobHandler {
  return async (payload) => {
    const { shopId, customerId } = parseProfilesPayload(payload);
    if (customerId) {
      await updateCustomer(shopId, customerId);
      return;
    }
    const started = performance.now();
    const r = await recomputeShop(shopId);
    logger.info("profiles recomputed", { shop: shopId, customers: r.customers, written: r.profilesWritten, entered: r.entered, left: r.left, ms: Math.round(performance.now() - started) });
  };
}
