// The campaigns service: what the admin's Flows, Campaigns and review pages
// call. Objective → plan (the planner) → drafts (content, in a background job)
// → review (edit, regenerate with a note, previews) → one-click approval (the
// approval module records who approved which version). Every function takes
// the shop first and finds nothing of another shop's ("not-found").
import { createHash } from "node:crypto";
import { z } from "zod";
import prisma, { isUniqueViolation, type Database } from "../../db.server";
import { env } from "../../env.server";
import type { JobQueue } from "../../jobs/queue.server";
import { ApprovalError, approveCampaign, assertApproved, campaignApproval, editDraft, editPlan } from "../approval/approval.server";
import { DraftCopySchema, draftCopy, type DraftCopy } from "../content/draft";
import { ShopFactsSchema } from "../content/facts";
import { stepBrief } from "../content/input";
import { cleanNote, noteHints } from "../content/note";
import { DEFAULT_MAX_ATTEMPTS, reviseDraft, type ContentProvider } from "../content/provider";
import { contentProvider } from "../content/provider.server";
import { scheduleTick } from "../delivery/tick.server";
import { FLOW_DEFAULTS, FLOW_TYPES, OBJECTIVES, PlanInputError, PlanSchema, proposePlan, revisePlan, type FlowType, type Plan } from "../flows/plan";
import { zodProblems } from "../flows/plan/validate";
import { LlmBudget } from "../llm/llm";
import { offerProblems } from "../offers/offer";
import { expectedDrafts, readProblems, readStoredDraft, staleSteps, storedDraft, toneFor, variantIndex, DEFAULT_VARIANTS } from "./drafts";
import { findProduct, otherProductTitles, shopContext } from "./facts.server";
import { generationSetup, loadPlan, providerLabel, queueDrafts, type ServiceOptions } from "./generate.server";
import { planText } from "./plan-text";
import { CampaignError, type CampaignDetail, type CampaignSummary, type CreateCampaignInput, type DraftView, type FlowSummary } from "./types";

export { CAMPAIGN_DRAFTS_JOB, campaignDraftsHandler, generateDrafts, type GenerateOptions, type GenerateResult, type ServiceOptions } from "./generate.server";
export { previewEmails, SAMPLE_OFFER_CODE } from "./preview.server";
export { CampaignError } from "./types";
export type * from "./types";

export interface QueueOptions extends ServiceOptions {
  /** Where draft generation is queued; default the app's queue. null: queue nothing (the caller generates). */
  queue?: JobQueue | null;
}

export interface ProviderOptions extends ServiceOptions {
  /** Default: contentProvider(env). */
  provider?: ContentProvider;
}

/** The built-in flows: every flow type but the one-off sales campaign. */
export const BUILT_IN_FLOWS: FlowType[] = FLOW_TYPES.filter((t) => t !== "sales-campaign");

async function defaultQueue(options: QueueOptions): Promise<JobQueue | null> {
  if (options.queue !== undefined) return options.queue;
  // Imported when needed: the job registry imports this module's handler.
  return (await import("../../jobs/index.server")).queue;
}

/** One id per shop and flow type, so two first visits cannot create a flow twice. */
export function flowId(shopId: string, flowType: FlowType): string {
  return `flow_${createHash("sha256").update(shopId).digest("hex").slice(0, 24)}_${flowType}`;
}

const campaignSelect = {
  id: true,
  kind: true,
  flowType: true,
  objective: true,
  name: true,
  segmentId: true,
  status: true,
  plan: true,
  version: true,
  enabled: true,
  createdAt: true,
  drafts: { select: { step: true, problems: true } },
} as const;

type CampaignRow = {
  id: string;
  kind: string;
  flowType: string;
  objective: string;
  name: string;
  segmentId: string | null;
  status: string;
  plan: unknown;
  version: number;
  enabled: boolean;
  createdAt: Date;
  drafts: Array<{ step: number; problems: unknown }>;
};

function parsedPlan(row: Pick<CampaignRow, "id" | "plan">): Plan {
  const plan = PlanSchema.safeParse(row.plan);
  if (!plan.success) throw new CampaignError("invalid-plan", `The stored plan of ${row.id} cannot be read: ${zodProblems(plan.error).slice(0, 3).join("; ")}`);
  return plan.data;
}

async function summary(db: Database, shopId: string, row: CampaignRow, segmentNames: Map<string, string>): Promise<CampaignSummary> {
  const plan = parsedPlan(row);
  const current = row.drafts.filter((d) => d.step < plan.steps.length);
  return {
    id: row.id,
    flowType: plan.flowType,
    name: row.name,
    enabled: row.enabled,
    status: row.status,
    version: row.version,
    plan,
    approval: await campaignApproval(shopId, row.id, { db }),
    drafts: current.length,
    problems: current.reduce((n, d) => n + readProblems(d.problems).length, 0),
    objective: plan.objective,
    segmentName: (row.segmentId ? segmentNames.get(row.segmentId) : undefined) ?? (plan.segmentKey ? (segmentNames.get(`key:${plan.segmentKey}`) ?? plan.segmentKey) : null),
    createdAt: row.createdAt,
  };
}

async function segmentNamesOf(db: Database, shopId: string): Promise<Map<string, string>> {
  const rows = await db.segment.findMany({ where: { shopId }, select: { id: true, key: true, name: true } });
  return new Map(rows.flatMap((r) => [[r.id, r.name] as const, [`key:${r.key}`, r.name] as const]));
}

/**
 * The built-in flows, each a Campaign of kind "flow" created on first sight
 * with its default plan, disabled; their drafts are queued for writing then.
 */
export async function listFlows(shopId: string, options: QueueOptions = {}): Promise<FlowSummary[]> {
  const db = options.db ?? prisma;
  await ensureFlows(db, shopId, options);
  const rows = await db.campaign.findMany({ where: { shopId, kind: "flow" }, select: campaignSelect });
  const order = (t: string) => BUILT_IN_FLOWS.indexOf(t as FlowType);
  rows.sort((a, b) => order(a.flowType) - order(b.flowType));
  const names = await segmentNamesOf(db, shopId);
  return Promise.all(rows.map(async (row) => {
    const { objective: _o, segmentName: _s, createdAt: _c, ...flow } = await summary(db, shopId, row, names);
    return flow;
  }));
}

async function ensureFlows(db: Database, shopId: string, options: QueueOptions): Promise<void> {
  const existing = new Set((await db.campaign.findMany({ where: { shopId, kind: "flow" }, select: { flowType: true } })).map((c) => c.flowType));
  const missing = BUILT_IN_FLOWS.filter((t) => !existing.has(t));
  if (missing.length === 0) return;
  const ctx = await shopContext(db, shopId);
  const queue = await defaultQueue(options);
  for (const flowType of missing) {
    const plan = proposePlan({ objective: FLOW_DEFAULTS[flowType].objective, flowType, brand: { name: ctx.name, incentives: planIncentives(ctx) } });
    const id = flowId(shopId, flowType);
    try {
      await db.campaign.create({
        data: { id, shopId, kind: "flow", flowType, objective: plan.objective, name: plan.name, status: queue ? "generating" : "draft", plan, enabled: false },
      });
    } catch (error) {
      if (isUniqueViolation(error)) continue; // another request created it first
      throw error;
    }
    if (queue) await queueDrafts(queue, shopId, id, 1);
  }
}

/** The shop's one-off campaigns, newest first. */
export async function listCampaigns(shopId: string, options: ServiceOptions = {}): Promise<CampaignSummary[]> {
  const db = options.db ?? prisma;
  const rows = await db.campaign.findMany({ where: { shopId, kind: "campaign" }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], select: campaignSelect });
  const names = await segmentNamesOf(db, shopId);
  return Promise.all(rows.map((row) => summary(db, shopId, row, names)));
}

const CreateSchema = z
  .object({
    objective: z.enum(OBJECTIVES, { errorMap: () => ({ message: `the objective must be one of ${OBJECTIVES.join(", ")}` }) }),
    flowType: z.enum(FLOW_TYPES, { errorMap: () => ({ message: `the flow type must be one of ${FLOW_TYPES.join(", ")}` }) }).optional(),
    segmentId: z.string().trim().min(1).max(100).nullable().optional(),
    productId: z.string().trim().min(1).max(200).nullable().optional(),
    offer: z.unknown().optional(),
    name: z.string().trim().max(100, "the name is longer than 100 characters").nullable().optional(),
  })
  .strict();

/** Proposes the plan, stores the campaign (status "generating") and queues its drafts. */
export async function createCampaign(shopId: string, input: CreateCampaignInput, options: QueueOptions = {}): Promise<{ id: string }> {
  const db = options.db ?? prisma;
  const parsed = CreateSchema.safeParse(input);
  if (!parsed.success) throw new CampaignError("invalid-input", "The campaign cannot be created.", zodProblems(parsed.error));
  const { objective, flowType, segmentId, productId, name } = parsed.data;
  const ctx = await shopContext(db, shopId);

  const segment = segmentId ? await db.segment.findFirst({ where: { id: segmentId, shopId }, select: { id: true, key: true } }) : null;
  if (segmentId && !segment) throw new CampaignError("invalid-input", "The campaign cannot be created.", ["the audience is not one of this shop's segments"]);
  const product = productId ? await findProduct(db, shopId, productId) : null;
  if (productId && !product) throw new CampaignError("invalid-input", "The campaign cannot be created.", ["the product is not in this shop's catalog"]);

  let plan: Plan;
  try {
    plan = proposePlan({
      objective,
      flowType,
      product: product ? { id: product.shopifyId, title: product.title.slice(0, 200) } : null,
      offer: (parsed.data.offer ?? null) as never,
      segmentKey: segment?.key ?? null,
      brand: { name: ctx.name, incentives: planIncentives(ctx) },
    });
  } catch (error) {
    if (error instanceof PlanInputError) throw new CampaignError("invalid-input", "The campaign cannot be created.", error.problems);
    throw error;
  }
  const policy = plan.offer ? offerProblems(plan.offer, ctx.settings.incentivePolicy) : [];
  if (policy.length > 0) throw new CampaignError("invalid-input", "The offer is outside the shop's incentive policy (settings).", policy);
  if (name) plan = { ...plan, name };

  // A win-back plan names its audience by key ("at-risk"): link the shop's segment of that key when there is one.
  const segmentRow = segment ?? (plan.segmentKey ? await db.segment.findFirst({ where: { shopId, key: plan.segmentKey }, select: { id: true, key: true } }) : null);
  const queue = await defaultQueue(options);
  const created = await db.campaign.create({
    data: { shopId, kind: "campaign", flowType: plan.flowType, objective: plan.objective, name: plan.name, segmentId: segmentRow?.id ?? null, status: queue ? "generating" : "draft", plan },
    select: { id: true },
  });
  if (queue) await queueDrafts(queue, shopId, created.id, 1);
  return created;
}

/** A campaign or flow with its drafts, progress, approval state and plan in words. */
export async function getCampaign(shopId: string, campaignId: string, options: ServiceOptions = {}): Promise<CampaignDetail> {
  const db = options.db ?? prisma;
  const row = await db.campaign.findFirst({ where: { id: campaignId, shopId }, select: campaignSelect });
  if (!row) throw new CampaignError("not-found", "This campaign does not exist in this shop.");
  const [base, rows, shop, job] = await Promise.all([
    summary(db, shopId, row, await segmentNamesOf(db, shopId)),
    db.emailDraft.findMany({ where: { shopId, campaignId }, orderBy: [{ step: "asc" }, { variant: "asc" }], select: { id: true, step: true, variant: true, content: true, problems: true } }),
    db.shop.findUnique({ where: { id: shopId }, select: { currency: true } }),
    db.job.findFirst({ where: { shopId, idempotencyKey: { startsWith: `campaign-drafts:${campaignId}:` } }, orderBy: { createdAt: "desc" }, select: { status: true, lastError: true } }),
  ]);
  const plan = base.plan;
  const drafts: DraftView[] = [];
  for (const d of rows) {
    if (d.step >= plan.steps.length) continue;
    const stored = readStoredDraft(d.content);
    if (!stored) continue; // not a draft this service wrote: not shown, not counted
    drafts.push({ id: d.id, step: d.step, variant: d.variant, tone: stored.draft.tone, content: stored.draft, problems: readProblems(d.problems), warnings: stored.warnings, notes: stored.notes });
  }
  const error = job?.lastError && (job.status === "failed" || row.status === "generating") ? job.lastError : undefined;
  return {
    ...base,
    kind: row.kind === "flow" ? "flow" : "campaign",
    drafts,
    progress: { done: drafts.length, total: expectedDrafts(plan), ...(error ? { error } : {}) },
    planText: planText(plan, shop?.currency ?? "USD"),
  };
}

/** A merchant's plan edit: validated, stored as the next version; drafts of changed emails are written again. */
export async function updatePlan(shopId: string, campaignId: string, editedPlan: unknown, options: QueueOptions = {}): Promise<{ version: number }> {
  const db = options.db ?? prisma;
  const { campaign, plan: current } = await loadPlan(db, shopId, campaignId);
  const revised = revisePlan(current, editedPlan);
  if (!revised.ok) throw new CampaignError("invalid-plan", "The plan was not saved: fix these problems first.", revised.problems);
  const plan = revised.plan;
  const ctx = await shopContext(db, shopId);
  const problems: string[] = [];
  if (plan.offer) problems.push(...offerProblems(plan.offer, ctx.settings.incentivePolicy).map((p) => `offer: ${p}`));
  if (plan.product && plan.product.id !== current.product?.id && !(await findProduct(db, shopId, plan.product.id))) problems.push("product: it is not in this shop's catalog");
  let segmentId = campaign.segmentId;
  if (plan.segmentKey !== current.segmentKey) {
    const segment = plan.segmentKey ? await db.segment.findFirst({ where: { shopId, key: plan.segmentKey }, select: { id: true } }) : null;
    if (plan.segmentKey && !segment && plan.trigger.kind !== "segment-entered") problems.push(`segmentKey: the shop has no segment "${plan.segmentKey}"`);
    segmentId = segment?.id ?? null;
  }
  if (problems.length > 0) throw new CampaignError("invalid-plan", "The plan was not saved: fix these problems first.", problems);

  const stale = staleSteps(current, plan);
  const version = await editPlan(shopId, campaignId, plan, { db }).catch(rethrowApproval);
  await db.$transaction(async (tx) => {
    await tx.emailDraft.deleteMany({ where: { shopId, campaignId, OR: [{ step: { in: stale } }, { step: { gte: plan.steps.length } }] } });
    await tx.campaign.updateMany({ where: { id: campaignId, shopId }, data: { name: plan.name, segmentId, ...(stale.length > 0 ? { status: "generating" } : {}) } });
  });
  if (stale.length > 0) {
    const queue = await defaultQueue(options);
    if (queue) await queueDrafts(queue, shopId, campaignId, version);
  }
  return { version };
}

const EditSchema = DraftCopySchema.partial().strict();

/** An in-place edit of one draft: validated like generated copy; approval is needed again. */
export async function editDraftCopy(shopId: string, draftId: string, edits: Partial<DraftCopy>, options: ServiceOptions = {}): Promise<{ version: number; problems: string[] }> {
  const db = options.db ?? prisma;
  const parsedEdits = EditSchema.safeParse(edits);
  if (!parsedEdits.success) throw new CampaignError("invalid-edit", "The edit was not saved.", zodProblems(parsedEdits.error));
  const { row, stored, plan } = await loadDraft(db, shopId, draftId);
  const merged = DraftCopySchema.safeParse({ ...draftCopy(stored.draft), ...parsedEdits.data });
  if (!merged.success) throw new CampaignError("invalid-edit", "The edit was not saved.", zodProblems(merged.error));
  const ctx = await shopContext(db, shopId);
  const step = plan.steps[row.step]!;
  const validation = {
    shop: ShopFactsSchema.parse(ctx.facts),
    products: stored.products,
    offer: step.incentive ? plan.offer : null,
    voice: ctx.settings.brandVoice,
    appOrigin: env.SHOPIFY_APP_URL,
    otherProductTitles: await otherProductTitles(db, shopId),
  };
  const revised = reviseDraft(stored.draft, parsedEdits.data, validation);
  const content = storedDraft(revised.draft, stored.products, revised.warnings, ["Edited by hand."], stored.note);
  const version = await editDraft(shopId, draftId, { content, problems: revised.problems }, { db }).catch(rethrowApproval);
  return { version, problems: revised.problems };
}

/** Writes one draft again, with the merchant's note (data for the model, length and tone hints offline). */
export async function regenerateDraft(shopId: string, draftId: string, note: string, options: ProviderOptions = {}): Promise<{ version: number; problems: string[] }> {
  const db = options.db ?? prisma;
  const now = options.now ?? new Date();
  const clean = cleanNote(note);
  const { row, stored, plan } = await loadDraft(db, shopId, draftId);
  const step = plan.steps[row.step]!;
  const variant = variantIndex(row.variant);
  if (variant === null) throw new CampaignError("invalid-edit", `The draft's variant "${row.variant}" is not one this service writes: delete it and generate again.`);
  const setup = await generationSetup(db, shopId, plan, now);
  const provider = options.provider ?? contentProvider(env);
  const tone = noteHints(clean).tone ?? stored.draft.tone ?? toneFor(step.angleKey, setup.ctx.settings.brandVoice.toneWords);
  const products = setup.productsFor(step);
  const result = await provider.generateEmail(
    {
      step: stepBrief(plan, step.id),
      segment: setup.segment,
      voice: setup.ctx.settings.brandVoice,
      shop: setup.ctx.facts,
      products,
      offer: step.incentive ? plan.offer : null,
      tone,
      variant,
      // A new seed each time: "regenerate" must give different copy even with no note.
      seed: (stored.draft.source.seed + 7_919 * stored.draft.version) % 2 ** 31,
      note: clean,
    },
    { budget: new LlmBudget(DEFAULT_MAX_ATTEMPTS, DEFAULT_MAX_ATTEMPTS * 8_000), otherProductTitles: setup.titles },
  );
  const draft = { ...result.draft, version: stored.draft.version + 1 };
  const content = storedDraft(draft, products, result.warnings, result.notes, clean);
  const version = await editDraft(shopId, draftId, { content, problems: result.problems }, { db }).catch(rethrowApproval);
  await db.emailDraft.updateMany({ where: { id: draftId, shopId }, data: { provider: providerLabel(provider) } });
  return { version, problems: result.problems };
}

async function loadDraft(db: Database, shopId: string, draftId: string) {
  const row = await db.emailDraft.findFirst({ where: { id: draftId, shopId }, select: { id: true, campaignId: true, step: true, variant: true, content: true } });
  if (!row) throw new CampaignError("not-found", "This email does not exist in this shop.");
  const { plan } = await loadPlan(db, shopId, row.campaignId);
  if (!plan.steps[row.step]) throw new CampaignError("not-found", "This email is no longer in the plan.");
  const stored = readStoredDraft(row.content);
  if (!stored) throw new CampaignError("invalid-edit", "This email is stored in a form that cannot be edited: regenerate the campaign's drafts.");
  return { row, stored, plan };
}

/** One-click approval of the version on the merchant's screen. */
export async function approve(shopId: string, campaignId: string, input: { by: string; version: number }, options: ServiceOptions = {}) {
  const db = options.db ?? prisma;
  const { campaign, plan } = await loadPlan(db, shopId, campaignId);
  if (campaign.status === "generating") throw new CampaignError("generating", "The emails are still being written: approve when they are all there.");
  const drafts = await db.emailDraft.findMany({ where: { shopId, campaignId }, select: { step: true, content: true } });
  const readable = drafts.filter((d) => d.step < plan.steps.length && readStoredDraft(d.content));
  const expected = expectedDrafts(plan, DEFAULT_VARIANTS);
  if (readable.length < expected) {
    throw new CampaignError("incomplete", `${expected - readable.length} of ${expected} emails are missing: generate them before approving.`);
  }
  if (typeof input.by !== "string" || input.by.trim() === "") throw new CampaignError("invalid-input", "Approval needs the approver's name or email.");
  return approveCampaign(shopId, campaignId, input, { db, now: options.now }).catch(rethrowApproval);
}

/** Switches a built-in flow on (only when its current version is approved) or off (always). */
export async function setFlowEnabled(shopId: string, campaignId: string, enabled: boolean, options: QueueOptions = {}): Promise<{ enabled: boolean }> {
  const db = options.db ?? prisma;
  const campaign = await db.campaign.findFirst({ where: { id: campaignId, shopId }, select: { kind: true } });
  if (!campaign) throw new CampaignError("not-found", "This flow does not exist in this shop.");
  if (campaign.kind !== "flow") throw new CampaignError("not-a-flow", "Only built-in flows are switched on and off; a campaign is scheduled.");
  if (!enabled) {
    await db.campaign.updateMany({ where: { id: campaignId, shopId }, data: { enabled: false } });
    return { enabled: false };
  }
  const now = options.now ?? new Date();
  await db
    .$transaction(async (tx) => {
      await assertApproved(shopId, campaignId, { db: tx });
      // enabledAt only when it was off: triggers look back from here, so switching an old flow on mails no history.
      await tx.campaign.updateMany({ where: { id: campaignId, shopId, enabled: false }, data: { enabled: true, enabledAt: now } });
    })
    .catch(rethrowApproval);
  // The shop's delivery tick starts now rather than at the next maintenance run.
  const queue = await defaultQueue(options);
  if (queue) await scheduleTick(queue, shopId, now);
  return { enabled: true };
}

/** The part of the shop's incentive policy the planner reads (offers are checked in full by offerProblems). */
function planIncentives(ctx: { settings: { incentivePolicy: { allowDiscounts: boolean; maxPercentOff: number | null; allowFreeShipping: boolean } } }) {
  const { allowDiscounts, maxPercentOff, allowFreeShipping } = ctx.settings.incentivePolicy;
  return { allowDiscounts, maxPercentOff, allowFreeShipping };
}

function rethrowApproval(error: unknown): never {
  if (error instanceof ApprovalError) throw new CampaignError(error.code, error.message);
  throw error;
}

