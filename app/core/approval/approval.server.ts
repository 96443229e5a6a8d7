// One-click approval against the database. The merchant approves the version
// they are looking at (`version` from the page): if the campaign changed since
// the page was drawn, the approval is refused rather than covering copy they did
// not see. Edits go through here too: each bumps the version, so an approval
// never silently covers an edit. Nothing may be scheduled or sent unless
// `assertApproved` passes for the campaign as it is at that moment.
import prisma, { type Database } from "../../db.server";
import type { Prisma } from "@prisma/client";
import { approvalState, contentHash, type ApprovalState } from "./approval";

type Db = Database | Prisma.TransactionClient;

export class ApprovalError extends Error {
  constructor(
    message: string,
    readonly code: "not-found" | "stale-version" | "has-problems" | "no-drafts" | "not-approved",
  ) {
    super(message);
    this.name = "ApprovalError";
  }
}

async function currentContent(db: Db, shopId: string, campaignId: string) {
  const campaign = await db.campaign.findFirst({
    where: { id: campaignId, shopId },
    select: { id: true, version: true, plan: true, drafts: { select: { step: true, variant: true, content: true, problems: true } } },
  });
  if (!campaign) throw new ApprovalError("campaign not found", "not-found");
  return { campaign, hash: contentHash({ plan: campaign.plan, drafts: campaign.drafts }) };
}

function hasProblems(problems: Prisma.JsonValue | null): boolean {
  return Array.isArray(problems) && problems.length > 0;
}

/** Records who approved which version; refuses a stale page, drafts with open problems, or no drafts. */
export async function approveCampaign(shopId: string, campaignId: string, input: { by: string; version: number }, options: { db?: Database; now?: Date } = {}) {
  const db = options.db ?? prisma;
  const by = input.by.trim().slice(0, 200);
  if (by === "") throw new Error("approveCampaign: the approver is required");
  return db.$transaction(async (tx) => {
    const { campaign, hash } = await currentContent(tx, shopId, campaignId);
    if (campaign.version !== input.version) {
      throw new ApprovalError(`This campaign changed (now version ${campaign.version}, you approved version ${input.version}): review it again.`, "stale-version");
    }
    if (campaign.drafts.length === 0) throw new ApprovalError("There are no emails to approve yet.", "no-drafts");
    const open = campaign.drafts.filter((d) => hasProblems(d.problems));
    if (open.length > 0) {
      throw new ApprovalError(`${open.length} email(s) still have problems to fix or regenerate (email ${open.map((d) => `${d.step + 1}${d.variant}`).join(", ")}).`, "has-problems");
    }
    const approval = await tx.approval.create({
      data: { shopId, campaignId, version: campaign.version, contentHash: hash, approvedBy: by, ...(options.now ? { approvedAt: options.now } : {}) },
    });
    await tx.campaign.update({ where: { id: campaignId }, data: { status: "approved" }, select: { id: true } });
    return approval;
  });
}

/** The campaign's approval state as it stands now. */
export async function campaignApproval(shopId: string, campaignId: string, options: { db?: Db } = {}): Promise<ApprovalState> {
  const db = options.db ?? prisma;
  const { campaign, hash } = await currentContent(db, shopId, campaignId);
  const latest = await db.approval.findFirst({ where: { shopId, campaignId }, orderBy: { approvedAt: "desc" }, select: { version: true, contentHash: true, approvedBy: true, approvedAt: true } });
  return approvalState({ version: campaign.version, hash }, latest);
}

/** For scheduling and sending: throws unless the current version is approved. Pass the transaction that schedules. */
export async function assertApproved(shopId: string, campaignId: string, options: { db?: Db } = {}): Promise<void> {
  const state = await campaignApproval(shopId, campaignId, options);
  if (!state.approved) throw new ApprovalError(state.message, "not-approved");
}

/** Replaces one draft's content (and its problems, after validation); bumps the version. */
export async function editDraft(shopId: string, draftId: string, input: { content: Prisma.InputJsonValue; problems: string[] }, options: { db?: Database } = {}) {
  const db = options.db ?? prisma;
  return db.$transaction(async (tx) => {
    const draft = await tx.emailDraft.findFirst({ where: { id: draftId, shopId }, select: { id: true, campaignId: true } });
    if (!draft) throw new ApprovalError("email not found", "not-found");
    await tx.emailDraft.update({ where: { id: draft.id }, data: { content: input.content, problems: input.problems } });
    return bumpVersion(tx, draft.campaignId);
  });
}

/** Replaces the plan; bumps the version. */
export async function editPlan(shopId: string, campaignId: string, plan: Prisma.InputJsonValue, options: { db?: Database } = {}) {
  const db = options.db ?? prisma;
  return db.$transaction(async (tx) => {
    const found = await tx.campaign.findFirst({ where: { id: campaignId, shopId }, select: { id: true } });
    if (!found) throw new ApprovalError("campaign not found", "not-found");
    await tx.campaign.update({ where: { id: campaignId }, data: { plan }, select: { id: true } });
    return bumpVersion(tx, campaignId);
  });
}

async function bumpVersion(tx: Prisma.TransactionClient, campaignId: string): Promise<number> {
  const c = await tx.campaign.update({ where: { id: campaignId }, data: { version: { increment: 1 }, status: "review" }, select: { version: true } });
  return c.version;
}
