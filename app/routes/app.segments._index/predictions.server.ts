// Whether the shop's purchase model has produced predictions, and if not why,
// in the merchant's words. Reads the latest BG/NBD fit.
import defaultDb, { type Database } from "../../db.server";

export type PredictionAvailability = { available: true; fittedAt: string } | { available: false; reason: string };

export async function predictionAvailability(shopId: string, options: { db?: Database } = {}): Promise<PredictionAvailability> {
  const db = options.db ?? defaultDb;
  const fit = await db.modelFit.findFirst({
    where: { shopId, kind: "bgnbd" },
    orderBy: { fittedAt: "desc" },
    select: { status: true, reason: true, fittedAt: true },
  });
  if (!fit) return { available: false, reason: "the purchase model has not run for this shop yet." };
  if (fit.status === "fitted") return { available: true, fittedAt: fit.fittedAt.toISOString() };
  return { available: false, reason: fit.reason ?? (fit.status === "failed" ? "the last model fit failed." : "there is not enough order history yet.") };
}
