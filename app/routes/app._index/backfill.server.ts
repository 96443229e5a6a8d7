// The install backfill's progress and the install steps still to retry, as the
// home page shows them (dates as ISO strings for the loader's JSON).
import { backfillProgress } from "../../core/backfill/backfill.server";
import type { InstallIssues } from "../../core/install/issues";

export interface BackfillView {
  status: string; // queued | running | retrying | done | failed | cancelled
  phase: string; // products | customers | orders | done
  products: number;
  customers: number;
  orders: number;
  /** Estimated percent done, when the totals are known. */
  percent: number | null;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
}

export async function loadBackfill(shopId: string): Promise<BackfillView | null> {
  const progress = await backfillProgress(shopId);
  if (!progress) return null;
  return {
    status: progress.status,
    phase: progress.phase,
    ...progress.counts,
    percent: progress.percent,
    error: progress.error,
    startedAt: progress.startedAt.toISOString(),
    finishedAt: progress.finishedAt?.toISOString() ?? null,
  };
}

/** Shop.installIssues (JSON) as messages; anything unexpected is ignored. */
export function installIssueMessages(raw: unknown): { step: string; message: string }[] {
  if (!raw || typeof raw !== "object") return [];
  const issues = raw as InstallIssues;
  return (["pixel", "backfill"] as const)
    .filter((step) => typeof issues[step]?.message === "string")
    .map((step) => ({ step, message: issues[step]!.message }));
}
