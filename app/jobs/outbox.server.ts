// The transactional outbox for the BullMQ backend. Code that must queue a job
// in the same database transaction as its data (unsubscribe: suppression +
// consent + the Shopify write-back, all or nothing) writes a Job row, exactly
// as for the embedded queue. With BullMQ, every worker process relays such rows
// into Redis: the BullMQ job id comes from the row (its id and last update), so
// two relays, or a relay that crashed before marking the row, add one job; the
// row is then marked done (lockedBy "relayed:bullmq"). A row queued again later
// (a new update) is a new job. Nothing written in a transaction is lost.
import type { Database } from "../db.server";

export interface OutboxRow {
  type: string;
  shopId: string | null;
  payload: unknown;
  runAt: Date;
  /** What is left of the row's attempts (at least 1). */
  attemptsLeft: number;
  /** The queue job id this row becomes: the same for the same row version. */
  jobId: string;
}

export const RELAYED_BY = "relayed:bullmq";
const PAGE = 500;

/** Hands every pending row of `types` to `add`, then marks it done; returns how many were relayed. */
export async function relayOutbox(db: Database, types: string[], add: (row: OutboxRow) => Promise<void>): Promise<number> {
  if (types.length === 0) return 0;
  let relayed = 0;
  let after = "";
  for (;;) {
    const now = new Date();
    const rows = await db.job.findMany({
      where: {
        type: { in: types },
        id: { gt: after },
        // Queued rows, and rows an embedded worker was running when it died (before a switch of backend).
        OR: [{ status: "queued" }, { status: "running", lockedUntil: { lt: now } }],
      },
      orderBy: { id: "asc" },
      take: PAGE,
    });
    for (const row of rows) {
      await add({
        type: row.type,
        shopId: row.shopId,
        payload: row.payload,
        runAt: row.runAt,
        attemptsLeft: Math.max(1, row.maxAttempts - row.attempts),
        jobId: `o${row.id}-${row.updatedAt.getTime()}`,
      });
      // Compare-and-set: a row changed meanwhile (queued again) is relayed again as a new job.
      const marked = await db.job.updateMany({
        where: { id: row.id, status: row.status, updatedAt: row.updatedAt },
        data: { status: "done", lockedBy: RELAYED_BY, lockedUntil: null },
      });
      relayed += marked.count;
    }
    if (rows.length < PAGE) return relayed;
    after = rows[rows.length - 1]!.id;
  }
}
