// The Campaigns list: the shop's one-off campaigns, newest first, with what each
// is for, its audience and where it stands.
import defaultDb, { type Database } from "../../db.server";
import { listCampaigns } from "../../core/campaigns/campaigns.server";
import { objectiveLabel, statusOf, type FlowStatus } from "../../components/campaigns/words";

export interface CampaignRow {
  id: string;
  name: string;
  objective: string;
  audience: string;
  status: FlowStatus;
  emails: number;
  drafts: number;
  problems: number;
  createdAt: string;
}

export async function loadCampaignList(shopId: string, options: { db?: Database; now?: Date } = {}): Promise<CampaignRow[]> {
  const campaigns = await listCampaigns(shopId, { db: options.db ?? defaultDb, now: options.now });
  return campaigns.map((c) => ({
    id: c.id,
    name: c.name,
    objective: objectiveLabel(c.objective),
    audience: c.segmentName ?? "All subscribers",
    status: statusOf(c),
    emails: c.plan.steps.length,
    drafts: c.drafts,
    problems: c.problems,
    createdAt: c.createdAt.toISOString(),
  }));
}
