// One customer's profile page: what they bought, their scores and stage, the
// model's predictions (or why there are none yet), and their segments with the
// recent history of entering and leaving them. Every query names the shop: a
// customer id from another shop is a 404, like an unknown one.
import defaultDb, { type Database } from "../../db.server";
import { predictionStatus } from "../../core/audience/predictions/predictions.server";

export type ChurnBand = "low" | "medium" | "high";

export interface CustomerProfileView {
  id: string;
  name: string;
  email: string | null;
  consent: string;
  tags: string[];
  customerSince: string | null;
  currency: string;
  profile: {
    orderCount: number;
    totalSpent: number;
    averageOrderValue: number;
    firstOrderAt: string | null;
    lastOrderAt: string | null;
    avgDaysBetweenOrders: number | null;
    refundCount: number;
    rfm: { recency: number; frequency: number; monetary: number } | null;
    lifecycleStage: { key: string; name: string; segmentId: string | null } | null;
    computedAt: string;
  } | null;
  predictions: {
    predictedClv12m: number | null;
    churnRisk: ChurnBand | null;
    pAlive: number;
    expectedOrders30: number | null;
    expectedOrders90: number | null;
    expectedOrders365: number | null;
    nextOrderAt: string | null;
  } | null;
  /** Why `predictions` is null, in the merchant's words. */
  predictionsReason: string | null;
  segments: Array<{ id: string; name: string; kind: string; enteredAt: string }>;
  history: Array<{ segmentId: string; segmentName: string; kind: "entered" | "left"; at: string }>;
}

export const HISTORY_LIMIT = 15;

function notFound(): Response {
  return new Response("No such customer in this shop.", { status: 404, headers: { "content-type": "text/plain" } });
}

const band = (value: string | null): ChurnBand | null => (value === "low" || value === "medium" || value === "high" ? value : null);

export async function loadCustomerProfile(
  shop: { id: string; currency: string },
  customerId: string,
  options: { db?: Database } = {},
): Promise<CustomerProfileView> {
  const db = options.db ?? defaultDb;
  const customer = await db.customer.findFirst({
    // Deleted and erased customers are gone from the admin, as from the list.
    where: { id: customerId, shopId: shop.id, deletedAt: null, redactedAt: null },
    select: {
      id: true,
      firstName: true,
      lastName: true,
      email: true,
      emailConsentState: true,
      tags: true,
      shopifyCreatedAt: true,
      profile: true,
    },
  });
  if (!customer) throw notFound();

  const [memberships, transitions, stageSegment] = await Promise.all([
    db.segmentMembership.findMany({
      where: { shopId: shop.id, customerId: customer.id },
      select: { enteredAt: true, segment: { select: { id: true, name: true, kind: true } } },
      orderBy: { enteredAt: "desc" },
    }),
    db.segmentTransition.findMany({
      where: { shopId: shop.id, customerId: customer.id },
      select: { kind: true, at: true, segment: { select: { id: true, name: true } } },
      orderBy: { at: "desc" },
      take: HISTORY_LIMIT,
    }),
    customer.profile?.lifecycleStage
      ? db.segment.findFirst({ where: { shopId: shop.id, key: customer.profile.lifecycleStage, kind: "builtin" }, select: { id: true, name: true } })
      : null,
  ]);

  const p = customer.profile;
  const hasPrediction = p !== null && p.pAlive !== null;
  const predictionsReason = hasPrediction ? null : await whyNoPrediction(db, shop.id, p?.orderCount ?? 0);

  return {
    id: customer.id,
    name: [customer.firstName, customer.lastName].filter(Boolean).join(" ") || "(no name)",
    email: customer.email,
    consent: customer.emailConsentState,
    tags: customer.tags
      .split(",")
      .map((t) => t.trim())
      .filter(Boolean),
    customerSince: customer.shopifyCreatedAt?.toISOString() ?? null,
    currency: shop.currency,
    profile: p && {
      orderCount: p.orderCount,
      totalSpent: p.totalSpent,
      averageOrderValue: p.averageOrderValue,
      firstOrderAt: p.firstOrderAt?.toISOString() ?? null,
      lastOrderAt: p.lastOrderAt?.toISOString() ?? null,
      avgDaysBetweenOrders: p.avgDaysBetweenOrders,
      refundCount: p.refundCount,
      rfm:
        p.recencyScore !== null && p.frequencyScore !== null && p.monetaryScore !== null
          ? { recency: p.recencyScore, frequency: p.frequencyScore, monetary: p.monetaryScore }
          : null,
      lifecycleStage: p.lifecycleStage ? { key: p.lifecycleStage, name: stageSegment?.name ?? p.lifecycleStage, segmentId: stageSegment?.id ?? null } : null,
      computedAt: p.computedAt.toISOString(),
    },
    predictions:
      hasPrediction && p
        ? {
            predictedClv12m: p.predictedClv12m,
            churnRisk: band(p.churnRisk),
            pAlive: p.pAlive!,
            expectedOrders30: p.expectedOrders30,
            expectedOrders90: p.expectedOrders90,
            expectedOrders365: p.expectedOrders365,
            nextOrderAt: p.nextOrderAt?.toISOString() ?? null,
          }
        : null,
    predictionsReason,
    segments: memberships.map((m) => ({ id: m.segment.id, name: m.segment.name, kind: m.segment.kind, enteredAt: m.enteredAt.toISOString() })),
    history: transitions.map((t) => ({
      segmentId: t.segment.id,
      segmentName: t.segment.name,
      kind: t.kind === "left" ? "left" : "entered",
      at: t.at.toISOString(),
    })),
  };
}

/** The shop's model status first (it explains most absences), then this customer's own case. */
async function whyNoPrediction(db: Database, shopId: string, orderCount: number): Promise<string> {
  const status = await predictionStatus(shopId, { db });
  if (status.purchaseModel === null) return status.reason ?? "Predictions are not available yet.";
  if (orderCount === 0) return "This customer has no orders yet: predictions start from a first purchase.";
  return "This customer has not been scored since the model was last fitted; the next profile update scores them.";
}
