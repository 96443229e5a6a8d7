// The demo's last seeding step: the demo shop's built-in flows, each with its
// default plan and its drafts written by the offline generator, so a merchant
// opening the demo finds plans and drafts ready to review and approve. Nothing
// is approved or switched on: that is the merchant's click.
//
// With `offers`, the demo merchant first gives some flows a discount (what a
// merchant does on the plan page: "add an offer"), inside the shop's default
// incentive policy, so the emails those flows send carry each recipient's own
// single-use code and the demo's shoppers can use it (discount-code attribution).
import type { Database } from "../db.server";
import { env } from "../env.server";
import { generateDrafts, listFlows, updatePlan } from "../core/campaigns/campaigns.server";
import { OfflineContentProvider } from "../core/content/offline/provider";
import { proposePlan, type FlowType, type OfferInput } from "../core/flows/plan";

export interface DemoFlowsSummary {
  flows: number;
  drafts: number;
  /** Drafts with validation problems (0 expected: the offline generator's copy is checked). */
  draftsWithProblems: number;
  /** Flows the demo merchant gave an offer (with `offers`). */
  offers: number;
  seconds: number;
}

/** The demo merchant's offers: modest, within the default incentive policy (15 % off, 14 days). */
export const DEMO_OFFERS: Partial<Record<FlowType, OfferInput>> = {
  "cart-recovery": { kind: "percentage", percent: 10 },
  "product-launch": { kind: "percentage", percent: 15 },
  welcome: { kind: "percentage", percent: 10 },
  "win-back": { kind: "percentage", percent: 15 },
};

export async function seedDemoFlows(shopId: string, options: { db: Database; now?: Date; offers?: boolean }): Promise<DemoFlowsSummary> {
  const started = performance.now();
  const { db, now } = options;
  // Queue nothing: the drafts are written here, before the demo is handed over.
  const flows = await listFlows(shopId, { db, now, queue: null });
  let offers = 0;
  if (options.offers) {
    for (const flow of flows) {
      const offer = DEMO_OFFERS[flow.plan.flowType];
      if (!offer) continue;
      // Once: a plan that already has an offer is the merchant's (or an earlier run's).
      if (flow.plan.offer) continue;
      const proposed = proposePlan({ objective: flow.plan.objective, flowType: flow.plan.flowType, offer, brand: { name: "Demo" } });
      const steps = flow.plan.steps.map((s, i) => ({ ...s, incentive: proposed.steps[i]?.incentive ?? false }));
      await updatePlan(shopId, flow.id, { ...flow.plan, offer: proposed.offer, incentive: proposed.incentive, steps }, { db, queue: null });
      offers++;
    }
  }
  const provider = new OfflineContentProvider({ appOrigin: env.SHOPIFY_APP_URL });
  for (const flow of flows) await generateDrafts(shopId, flow.id, { db, now, provider });
  const drafts = await db.emailDraft.findMany({ where: { shopId, campaign: { kind: "flow" } }, select: { problems: true } });
  return {
    flows: flows.length,
    drafts: drafts.length,
    draftsWithProblems: drafts.filter((d) => Array.isArray(d.problems) && d.problems.length > 0).length,
    offers,
    seconds: (performance.now() - started) / 1000,
  };
}
