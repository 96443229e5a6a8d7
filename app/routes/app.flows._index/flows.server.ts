// The Flows page: every built-in flow of the shop (created on first visit with
// its default plan, off) with its plan in words and where it stands, and the
// on/off switch. Switching on a flow whose current version is not approved is
// refused by the service; the page says why and links to its review.
import defaultDb, { type Database } from "../../db.server";
import { listFlows, setFlowEnabled } from "../../core/campaigns/campaigns.server";
import { planText } from "../../core/campaigns/plan-text";
import { CampaignError } from "../../core/campaigns/types";
import { statusOf, type FlowStatus } from "../../components/campaigns/words";

type Shop = { id: string; currency: string };
type Options = { db?: Database; now?: Date };

export interface FlowRow {
  id: string;
  flowType: string;
  name: string;
  status: FlowStatus;
  enabled: boolean;
  version: number;
  /** The plan's first line (what, how many emails, from what trigger). */
  summary: string;
  /** One line per email: when it goes, its goal and angle. */
  emails: string[];
  drafts: number;
  problems: number;
  /** Who approved which version, or why it is not approved. */
  approval: string;
}

export type ToggleResult = { ok: true; id: string; enabled: boolean } | { ok: false; id: string; error: string; needsApproval: boolean };

export async function loadFlows(shop: Shop, options: Options = {}): Promise<FlowRow[]> {
  const flows = await listFlows(shop.id, { db: options.db ?? defaultDb, now: options.now });
  return flows.map((f) => {
    const lines = planText(f.plan, shop.currency).split("\n");
    return {
      id: f.id,
      flowType: f.flowType,
      name: f.name,
      status: statusOf(f),
      enabled: f.enabled,
      version: f.version,
      summary: lines[0] ?? "",
      emails: lines.filter((l) => l.startsWith("Email ")),
      drafts: f.drafts,
      problems: f.problems,
      approval: f.approval.approved ? `Version ${f.approval.version} approved by ${f.approval.approvedBy}` : f.approval.message,
    };
  });
}

/** The switch: intent "enable" or "disable" on the flow `id` of this shop. */
export async function toggleFlow(shop: Shop, form: FormData, options: Options = {}): Promise<ToggleResult> {
  const id = String(form.get("id") ?? "");
  const intent = form.get("intent");
  if (intent !== "enable" && intent !== "disable") throw new Response("Unknown intent.", { status: 400, headers: { "content-type": "text/plain" } });
  try {
    await setFlowEnabled(shop.id, id, intent === "enable", { db: options.db ?? defaultDb, now: options.now });
    return { ok: true, id, enabled: intent === "enable" };
  } catch (error) {
    if (error instanceof CampaignError) {
      if (error.code === "not-found") throw notFound();
      return { ok: false, id, error: error.message, needsApproval: error.code === "not-approved" };
    }
    throw error;
  }
}

export function notFound(): Response {
  return new Response("No such flow or campaign in this shop.", { status: 404, headers: { "content-type": "text/plain" } });
}
