// Shared fixtures of the delivery trigger, dispatch, caps and launch tests:
// approved flows and campaigns with drafts, customers, and the real embedded queue.
import prisma from "~/db.server";
import { approveCampaign } from "~/core/approval/approval.server";
import { saveDeliverySettings } from "~/core/delivery/settings.server";
import { FLOW_DEFAULTS, proposePlan, type FlowType, type Plan } from "~/core/flows/plan";
import { embeddedQueue } from "~/jobs/queue.server";

export const HOUR = 3_600_000;
export const MINUTE = 60_000;
export const DAY = 24 * HOUR;

export const queue = embeddedQueue(prisma);

const brand = { name: "Test Goods", incentives: { allowDiscounts: false, maxPercentOff: null, allowFreeShipping: false } };

export function planFor(flowType: FlowType, edit: (p: Plan) => Plan = (p) => p): Plan {
  return edit(proposePlan({ objective: FLOW_DEFAULTS[flowType].objective, flowType, brand }));
}

const content = (step: number, variant: string) => ({ subject: `Step ${step} ${variant}`, body: "Hello" });

export interface FlowOptions {
  enabled?: boolean;
  enabledAt?: Date;
  approve?: boolean;
  variants?: string[];
  kind?: "flow" | "campaign";
  segmentId?: string | null;
  startsAt?: Date | null;
  plan?: Plan;
}

/** A flow (or campaign) with a draft per step and variant, approved unless told otherwise. */
export async function makeFlow(shopId: string, flowType: FlowType, o: FlowOptions = {}) {
  const plan = o.plan ?? planFor(flowType);
  const kind = o.kind ?? "flow";
  const c = await prisma.campaign.create({
    data: {
      shopId, kind, flowType, objective: plan.objective, name: plan.name, plan, segmentId: o.segmentId ?? null,
      enabled: kind === "flow" ? (o.enabled ?? true) : false,
      enabledAt: kind === "flow" ? (o.enabledAt ?? new Date("2026-01-01T00:00:00Z")) : null,
      startsAt: o.startsAt ?? null,
    },
  });
  const variants = o.variants ?? ["A"];
  await prisma.emailDraft.createMany({ data: plan.steps.flatMap((_, step) => variants.map((variant) => ({ shopId, campaignId: c.id, step, variant, content: content(step, variant), provider: "offline" }))) });
  if (o.approve ?? true) await approveCampaign(shopId, c.id, { by: "owner@test", version: 1 });
  return { ...c, plan };
}

let n = 0;
export async function makeCustomer(shopId: string, o: { email?: string | null; consent?: string; countryCode?: string; province?: string; consentAt?: Date } = {}) {
  n++;
  return prisma.customer.create({
    data: {
      shopId,
      shopifyId: `c${n}`,
      email: o.email === undefined ? `person${n}@example.com` : o.email,
      emailConsentState: o.consent ?? "SUBSCRIBED",
      emailConsentUpdatedAt: o.consentAt ?? new Date("2025-01-01T00:00:00Z"),
      countryCode: o.countryCode ?? "GB",
      province: o.province ?? null,
    },
  });
}

export async function makeCheckout(shopId: string, o: { token?: string; email?: string | null; customerId?: string | null; updatedAt: Date; completedAt?: Date | null }) {
  n++;
  const token = o.token ?? `tok${n}`;
  return prisma.checkout.create({
    data: { shopId, shopifyId: `co${n}`, token, email: o.email ?? null, customerId: o.customerId ?? null, shopifyCreatedAt: new Date(o.updatedAt.getTime() - 10 * MINUTE), shopifyUpdatedAt: o.updatedAt, completedAt: o.completedAt ?? null, lineItems: [{ productShopifyId: "p1", quantity: 1 }] },
  });
}

export async function makeOrder(shopId: string, o: { customerId?: string | null; email?: string | null; at: Date; checkoutToken?: string | null }) {
  n++;
  return prisma.order.create({
    data: { shopId, shopifyId: `o${n}`, customerId: o.customerId ?? null, email: o.email ?? null, currency: "USD", totalPrice: 1000, shopifyCreatedAt: o.at, shopifyUpdatedAt: o.at, checkoutToken: o.checkoutToken ?? null },
  });
}

/** No quiet hours, so a test can check exact times (quiet hours have their own tests). */
export async function noQuietHours(shopId: string, extra: Record<string, unknown> = {}) {
  await saveDeliverySettings(shopId, { quietHours: { start: 0, end: 0 }, explorationShare: 0, ...extra });
}

export async function resetShops(...shops: string[]) {
  await prisma.job.deleteMany();
  await prisma.shop.deleteMany({ where: { id: { in: shops } } });
  await prisma.shop.createMany({ data: shops.map((id) => ({ id, status: "installed", timezone: "Europe/London" })) });
}
