// The demo's last seeding step: the demo shop's built-in flows, each with its
// default plan and its drafts written by the offline generator, so a merchant
// opening the demo finds plans and drafts ready to review and approve. Nothing
// is approved or switched on: that is the merchant's click.
import type { Database } from "../db.server";
import { env } from "../env.server";
import { generateDrafts, listFlows } from "../core/campaigns/campaigns.server";
import { OfflineContentProvider } from "../core/content/offline/provider";

export interface DemoFlowsSummary {
  flows: number;
  drafts: number;
  /** Drafts with validation problems (0 expected: the offline generator's copy is checked). */
  draftsWithProblems: number;
  seconds: number;
}

export async function seedDemoFlows(shopId: string, options: { db: Database; now?: Date }): Promise<DemoFlowsSummary> {
  const started = performance.now();
  const { db, now } = options;
  // Queue nothing: the drafts are written here, before the demo is handed over.
  const flows = await listFlows(shopId, { db, now, queue: null });
  const provider = new OfflineContentProvider({ appOrigin: env.SHOPIFY_APP_URL });
  for (const flow of flows) await generateDrafts(shopId, flow.id, { db, now, provider });
  const drafts = await db.emailDraft.findMany({ where: { shopId, campaign: { kind: "flow" } }, select: { problems: true } });
  return {
    flows: flows.length,
    drafts: drafts.length,
    draftsWithProblems: drafts.filter((d) => Array.isArray(d.problems) && d.problems.length > 0).length,
    seconds: (performance.now() - started) / 1000,
  };
}
