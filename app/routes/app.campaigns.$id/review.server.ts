// The review screen of a campaign or a flow: its plan (in words, and editable),
// its drafts grouped by email with the variants side by side, the progress of
// drafts being written, and where its approval stands. Its form intents:
//   plan        an edited plan (updatePlan: validated, a new version, changed emails rewritten)
//   copy        in-place edits of one draft's words (editDraftCopy)
//   regenerate  one draft written again with the merchant's note (regenerateDraft)
//   approve     the version the page shows (approve: refused when stale or with open problems)
//   enable / disable  a flow's switch (setFlowEnabled: only an approved version goes on)
//   generate    writes the drafts still missing (after a failed job), here and now (generateDrafts)
// Everything goes through the campaigns service, scoped by the session's shop:
// another shop's campaign or draft is a 404.
import defaultDb, { type Database } from "../../db.server";
import type { ContentProvider } from "../../core/content/provider";
import type { Plan } from "../../core/flows/plan/types";
import {
  approve,
  editDraftCopy,
  generateDrafts,
  getCampaign,
  regenerateDraft,
  setFlowEnabled,
  updatePlan,
  type CampaignDetail,
  type DraftView,
} from "../../core/campaigns/campaigns.server";
import { CampaignError } from "../../core/campaigns/types";
import { copyEdits, readCopyFields, COPY_FIELD } from "../../components/campaigns/copy-edit";
import { objectiveLabel, statusOf, type FlowStatus } from "../../components/campaigns/words";
import { notFound } from "../app.flows._index/flows.server";

type Shop = { id: string; currency: string; timezone: string | null };
type Options = { db?: Database; now?: Date };

/** A merchant's note to the generator: the service caps it at 500 characters too. */
export const MAX_NOTE_CHARS = 500;
const MAX_PLAN_CHARS = 50_000;

export type ApprovalView =
  | { approved: true; version: number; by: string; at: string }
  | { approved: false; reason: "never-approved" | "edited-since-approval"; message: string };

export interface EmailGroup {
  /** 0-based index in the plan. */
  step: number;
  stage: string;
  drafts: DraftView[];
}

export interface ReviewView {
  id: string;
  kind: "flow" | "campaign";
  name: string;
  flowType: string;
  objective: string;
  audience: string;
  status: FlowStatus;
  /** The service's own status: draft | generating | review | approved. */
  rawStatus: string;
  enabled: boolean;
  version: number;
  plan: Plan;
  planLines: string[];
  progress: { done: number; total: number; error?: string };
  approval: ApprovalView;
  emails: EmailGroup[];
  /** Why Approve is not possible now, in words; null when it is. */
  blocked: string | null;
  /** Titles of the products single-product blocks name, by the id the draft uses. */
  productTitles: Record<string, string>;
  currency: string;
  timeZone: string | null;
}

export type ReviewResult =
  | { intent: "plan"; ok: true; version: number }
  | { intent: "copy" | "regenerate"; ok: true; draftId: string; version: number; problems: string[] }
  | { intent: "approve"; ok: true; version: number; by: string }
  | { intent: "enable" | "disable"; ok: true; enabled: boolean }
  | { intent: "generate"; ok: true; written: number; failed: string[] }
  | { intent: string; ok: false; code: string; error: string; problems: string[]; draftId?: string };

async function detailOr404(shopId: string, id: string, options: Options): Promise<CampaignDetail> {
  try {
    return await getCampaign(shopId, id, { db: options.db ?? defaultDb, now: options.now });
  } catch (error) {
    if (error instanceof CampaignError && error.code === "not-found") throw notFound();
    throw error;
  }
}

export async function loadReview(shop: Shop, id: string, options: Options = {}): Promise<ReviewView> {
  const db = options.db ?? defaultDb;
  const c = await detailOr404(shop.id, id, options);
  const emails: EmailGroup[] = c.plan.steps.map((s, step) => ({
    step,
    stage: c.plan.stages.find((st) => st.key === s.stage)?.name ?? s.stage,
    drafts: c.drafts.filter((d) => d.step === step),
  }));
  const productIds = [...new Set(c.drafts.flatMap((d) => d.content.bodyBlocks.flatMap((b) => (b.type === "product" ? [b.productId] : []))))];
  const products = productIds.length
    ? await db.product.findMany({ where: { shopId: shop.id, OR: [{ shopifyId: { in: productIds } }, { id: { in: productIds } }] }, select: { id: true, shopifyId: true, title: true } })
    : [];
  const productTitles: Record<string, string> = {};
  for (const p of products) productTitles[productIds.includes(p.shopifyId) ? p.shopifyId : p.id] = p.title;
  return {
    id: c.id,
    kind: c.kind,
    name: c.name,
    flowType: c.flowType,
    objective: objectiveLabel(c.objective),
    audience: c.segmentName ?? "All subscribers",
    status: statusOf({ ...c, drafts: c.drafts.length }),
    rawStatus: c.status,
    enabled: c.enabled,
    version: c.version,
    plan: c.plan,
    planLines: c.planText.split("\n"),
    progress: c.progress,
    approval: c.approval.approved
      ? { approved: true, version: c.approval.version, by: c.approval.approvedBy, at: new Date(c.approval.approvedAt).toISOString() }
      : { approved: false, reason: c.approval.reason, message: c.approval.message },
    emails,
    blocked: approveBlocked(c),
    productTitles,
    currency: shop.currency,
    timeZone: shop.timezone,
  };
}

/** Why the one-click Approve cannot be pressed now (the service refuses the same cases), or null. */
export function approveBlocked(c: Pick<CampaignDetail, "status" | "drafts" | "progress" | "approval" | "version">): string | null {
  if (c.status === "generating") return `The emails are still being written (${c.progress.done} of ${c.progress.total}).`;
  if (c.drafts.length < c.progress.total) {
    const missing = c.progress.total - c.drafts.length;
    return `${missing} of ${c.progress.total} emails are missing${c.progress.error ? ` (${c.progress.error})` : ""}: regenerate them before approving.`;
  }
  const open = c.drafts.filter((d) => d.problems.length > 0);
  if (open.length > 0) {
    const names = open.map((d) => `${d.step + 1}${d.variant}`).join(", ");
    return `${open.length === 1 ? "1 email has" : `${open.length} emails have`} problems to fix or regenerate first (email ${names}).`;
  }
  return null;
}

/**
 * Who is approving: Shopify's session token names the staff member by id only
 * (names need online tokens or the read_users scope, which this app does not ask for).
 */
export function approverOf(context: { sessionToken?: { sub?: string } | null; shop: { email: string | null; id: string } }): string {
  const sub = context.sessionToken?.sub;
  if (sub) return `staff member ${sub}`;
  return context.shop.email ?? `the owner of ${context.shop.id}`;
}

const text = (form: FormData, key: string) => {
  const value = form.get(key);
  return typeof value === "string" ? value : "";
};

export interface ReviewActionOptions extends Options {
  /** Who approves (approverOf the session). */
  by: string;
  /** For regenerate and generate: default the app's content provider. */
  provider?: ContentProvider;
}

export async function handleReviewForm(shop: Shop, id: string, form: FormData, options: ReviewActionOptions): Promise<ReviewResult> {
  const db = options.db ?? defaultDb;
  const service = { db, now: options.now };
  const intent = text(form, "intent");
  const draftId = text(form, "draftId");
  try {
    switch (intent) {
      case "plan": {
        const json = text(form, "plan");
        let edited: unknown;
        try {
          if (json.length > MAX_PLAN_CHARS) throw new Error("too large");
          edited = JSON.parse(json);
        } catch {
          return refusal(intent, "invalid-plan", "The edited plan could not be read: reload the page and edit again.");
        }
        const { version } = await updatePlan(shop.id, id, edited, service);
        return { intent, ok: true, version };
      }
      case "copy": {
        await draftOf(db, shop.id, id, draftId);
        const fields = readCopyFields(text(form, COPY_FIELD));
        if (!fields) return refusal(intent, "invalid-edit", "The edit could not be read: reload the page and edit again.", [], draftId);
        const detail = await detailOr404(shop.id, id, service);
        const current = detail.drafts.find((d) => d.id === draftId);
        if (!current) throw notFound();
        const edits = copyEdits(current.content, fields);
        // Nothing changed: no new version, so an approval still stands.
        if (Object.keys(edits).length === 0) return { intent, ok: true, draftId, version: detail.version, problems: current.problems };
        const result = await editDraftCopy(shop.id, draftId, edits, service);
        return { intent, ok: true, draftId, ...result };
      }
      case "regenerate": {
        await draftOf(db, shop.id, id, draftId);
        const result = await regenerateDraft(shop.id, draftId, text(form, "note").slice(0, MAX_NOTE_CHARS), { ...service, provider: options.provider });
        return { intent, ok: true, draftId, ...result };
      }
      case "approve": {
        const version = Number(text(form, "version"));
        if (!Number.isInteger(version) || version < 1) return refusal(intent, "invalid-input", "The page did not say which version to approve: reload it.");
        const approval = await approve(shop.id, id, { by: options.by, version }, service);
        return { intent, ok: true, version: approval.version, by: approval.approvedBy };
      }
      case "generate": {
        const detail = await detailOr404(shop.id, id, service);
        if (detail.status === "generating") return refusal(intent, "generating", "The emails are being written already: the page follows them.");
        const { written, failed } = await generateDrafts(shop.id, id, { ...service, provider: options.provider });
        return { intent, ok: true, written, failed };
      }
      case "enable":
      case "disable": {
        const { enabled } = await setFlowEnabled(shop.id, id, intent === "enable", service);
        return { intent, ok: true, enabled };
      }
      default:
        throw new Response("Unknown intent.", { status: 400, headers: { "content-type": "text/plain" } });
    }
  } catch (error) {
    if (error instanceof CampaignError) {
      if (error.code === "not-found") throw notFound();
      return refusal(intent, error.code, error.message, error.problems ?? [], draftId || undefined);
    }
    throw error;
  }
}

/** The draft must be of this campaign (and so of this shop): anything else is a 404. */
async function draftOf(db: Database, shopId: string, campaignId: string, draftId: string): Promise<void> {
  const found = draftId ? await db.emailDraft.findFirst({ where: { id: draftId, shopId, campaignId }, select: { id: true } }) : null;
  if (!found) throw notFound();
}

function refusal(intent: string, code: string, error: string, problems: string[] = [], draftId?: string): ReviewResult {
  return { intent, ok: false, code, error, problems, ...(draftId ? { draftId } : {}) };
}
