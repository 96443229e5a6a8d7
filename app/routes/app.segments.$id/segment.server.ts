// One segment's page: its definition in words, size, daily sizes and a sample of
// its members; merchant segments can also be deleted. Another shop's segment id
// is a 404, like an unknown one.
import defaultDb, { type Database } from "../../db.server";
import { BuiltinSegmentError, deleteSegment, SegmentNotFoundError, segmentTrend } from "../../core/audience/segments/segments.server";
import type { SampleRow } from "../../components/audience/builder-protocol";

export const DETAIL_TREND_DAYS = 90;
export const DETAIL_SAMPLE = 10;

export interface SegmentDetail {
  id: string;
  name: string;
  kind: "builtin" | "custom";
  description: string;
  size: number;
  updatedAt: string;
  /** Sizes at the end of each of the last DETAIL_TREND_DAYS days, today last. */
  trend: number[];
  /** The members who entered most recently. */
  sample: SampleRow[];
}

function notFound(): Response {
  return new Response("No such segment in this shop.", { status: 404, headers: { "content-type": "text/plain" } });
}

export async function loadSegmentDetail(shopId: string, id: string, options: { db?: Database; now?: Date } = {}): Promise<SegmentDetail> {
  const db = options.db ?? defaultDb;
  const segment = await db.segment.findFirst({
    where: { id, shopId },
    select: { id: true, name: true, kind: true, description: true, size: true, updatedAt: true },
  });
  if (!segment) throw notFound();
  const trend = await segmentTrend(shopId, segment.id, DETAIL_TREND_DAYS, { db, now: options.now });
  const members = await db.segmentMembership.findMany({
    where: { shopId, segmentId: segment.id, customer: { deletedAt: null, redactedAt: null } },
    select: { customer: { select: { id: true, email: true, firstName: true, lastName: true } } },
    orderBy: [{ enteredAt: "desc" }, { id: "asc" }],
    take: DETAIL_SAMPLE,
  });
  return {
    id: segment.id,
    name: segment.name,
    kind: segment.kind === "builtin" ? "builtin" : "custom",
    description: segment.description,
    size: trend[trend.length - 1]?.size ?? segment.size,
    updatedAt: segment.updatedAt.toISOString(),
    trend: trend.map((p) => p.size),
    sample: members.map(({ customer: c }) => ({
      id: c.id,
      name: [c.firstName, c.lastName].filter(Boolean).join(" ") || "(no name)",
      email: c.email,
    })),
  };
}

/** Deletes a merchant segment of this shop (its memberships and history go with it); anything else is a 404. */
export async function deleteMerchantSegment(shopId: string, id: string, options: { db?: Database } = {}): Promise<void> {
  try {
    await deleteSegment(shopId, id, { db: options.db ?? defaultDb });
  } catch (error) {
    if (error instanceof SegmentNotFoundError || error instanceof BuiltinSegmentError) throw notFound();
    throw error;
  }
}
