// The install backfill's progress, read from its latest run.
// TODO: switch to backfillProgress(shopId) from app/core/backfill/ once it is committed.
import prisma from "../../db.server";

export interface BackfillView {
  status: string; // queued | running | done | failed | cancelled
  phase: string; // products | customers | orders | done
  products: number;
  customers: number;
  orders: number;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
}

export async function loadBackfill(shopId: string): Promise<BackfillView | null> {
  const run = await prisma.backfillRun.findFirst({ where: { shopId }, orderBy: { startedAt: "desc" } });
  if (!run) return null;
  return {
    status: run.status,
    phase: run.phase,
    products: run.products,
    customers: run.customers,
    orders: run.orders,
    error: run.error,
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
  };
}
