// Writing a campaign's drafts: one generation per email × variant through the
// content provider (OpenAI, or the offline generator with no key), from the
// shop's catalog facts and brand voice. The audience is never an input: the
// number of model calls is the plan's emails × variants, whatever the number of
// recipients. Drafts are stored as they finish (the progress bar counts them);
// a run writes only what is missing, so a retry resumes and two runs never
// write one draft twice. Also the job that runs it in the background.
import { z } from "zod";
import prisma, { isUniqueViolation, type Database } from "../../db.server";
import { env } from "../../env.server";
import type { JobHandler, JobQueue } from "../../jobs/queue.server";
import { logger } from "../../logger.server";
import { draftRequests, generateDrafts as fanOut, type DraftOutcome } from "../content/campaign";
import { CatalogProductSchema } from "../content/facts";
import type { GenerationInputRaw } from "../content/input";
import type { ContentProvider } from "../content/provider";
import { DEFAULT_MAX_ATTEMPTS } from "../content/provider";
import { contentProvider } from "../content/provider.server";
import { PlanSchema, type Plan } from "../flows/plan";
import { LlmBudget, type LlmUsage } from "../llm/llm";
import { DEFAULT_VARIANTS, storedDraft, toneFor, variantLetter } from "./drafts";
import { otherProductTitles, shopContext, stepFacts, type ShopContext } from "./facts.server";
import { CampaignError } from "./types";

export const CAMPAIGN_DRAFTS_JOB = "campaign.drafts";

export interface CampaignDraftsPayload {
  shopId: string;
  campaignId: string;
}

export interface ServiceOptions {
  db?: Database;
  now?: Date;
}

export interface GenerateOptions extends ServiceOptions {
  /** Default: contentProvider(env) (OpenAI when a key is set, else offline). */
  provider?: ContentProvider;
  variants?: number;
}

/** Tokens one call may spend (prompt + answer, with a re-ask's history): generous, it only bounds a runaway. */
const TOKENS_PER_CALL = 8_000;

export function draftsJobKey(campaignId: string, version: number): string {
  return `campaign-drafts:${campaignId}:v${version}`;
}

/** Queues the background generation of a campaign's missing drafts (once per campaign version). */
export async function queueDrafts(queue: JobQueue, shopId: string, campaignId: string, version: number): Promise<void> {
  await queue.enqueue(CAMPAIGN_DRAFTS_JOB, { shopId, campaignId } satisfies CampaignDraftsPayload, {
    shopId,
    idempotencyKey: draftsJobKey(campaignId, version),
    maxAttempts: 3,
  });
}

export function providerLabel(provider: ContentProvider): string {
  return provider.name === "openai" ? `openai:${provider.model ?? "unknown"}` : "offline";
}

export async function loadPlan(db: Database, shopId: string, campaignId: string) {
  const campaign = await db.campaign.findFirst({ where: { id: campaignId, shopId }, select: { id: true, kind: true, plan: true, version: true, status: true, segmentId: true } });
  if (!campaign) throw new CampaignError("not-found", "This campaign does not exist in this shop.");
  const plan = PlanSchema.safeParse(campaign.plan);
  if (!plan.success) throw new CampaignError("invalid-plan", "The stored plan cannot be read: edit and save the plan again.");
  return { campaign, plan: plan.data };
}

/** The plan's audience as the model sees it: the segment's key and its definition in words. */
export async function segmentBrief(db: Database, shopId: string, plan: Plan): Promise<{ key: string; description: string } | null> {
  if (!plan.segmentKey) return null;
  const segment = await db.segment.findFirst({ where: { shopId, key: plan.segmentKey }, select: { name: true, description: true } });
  const description = (segment?.description || segment?.name || "").slice(0, 300);
  return { key: plan.segmentKey, description };
}

/** Everything one email's generation needs, shared by a campaign run and a single regeneration. */
export async function generationSetup(db: Database, shopId: string, plan: Plan, now: Date) {
  const ctx = await shopContext(db, shopId);
  const [productsFor, segment, titles] = await Promise.all([stepFacts(db, ctx, plan, now), segmentBrief(db, shopId, plan), otherProductTitles(db, shopId)]);
  return { ctx, productsFor, segment, titles };
}

export interface GenerateResult {
  /** Drafts written by this run. */
  written: number;
  /** Drafts the plan expects. */
  expected: number;
  /** Why some drafts could not be written (the provider failed, the budget ran out). */
  failed: string[];
  usage: LlmUsage;
}

/** Writes the campaign's missing drafts; status → "review" (version +1 when anything was written). */
export async function generateDrafts(shopId: string, campaignId: string, options: GenerateOptions = {}): Promise<GenerateResult> {
  const db = options.db ?? prisma;
  const now = options.now ?? new Date();
  const variants = options.variants ?? DEFAULT_VARIANTS;
  const provider = options.provider ?? contentProvider(env);
  const { plan } = await loadPlan(db, shopId, campaignId);
  const setup = await generationSetup(db, shopId, plan, now);

  // Drafts past the plan's end are left over from a longer plan.
  await db.emailDraft.deleteMany({ where: { shopId, campaignId, step: { gte: plan.steps.length } } });
  const have = new Set((await db.emailDraft.findMany({ where: { shopId, campaignId }, select: { step: true, variant: true } })).map((d) => `${d.step}:${d.variant}`));
  const requests = campaignRequests(setup, plan, variants).filter((r) => !have.has(key(plan, r)));
  const expected = plan.steps.length * variants;

  let written = 0;
  const failed: string[] = [];
  let usage: LlmUsage = { calls: 0, promptTokens: 0, completionTokens: 0 };
  if (requests.length > 0) {
    await db.campaign.updateMany({ where: { id: campaignId, shopId }, data: { status: "generating" } });
    const maxCalls = requests.length * DEFAULT_MAX_ATTEMPTS;
    const store = async (outcome: DraftOutcome) => {
      if ("error" in outcome) {
        failed.push(`email ${stepIndex(plan, outcome.input) + 1}${variantLetter(outcome.input.variant)}: ${outcome.error}`);
        return;
      }
      if (await writeDraft(db, shopId, campaignId, plan, outcome, providerLabel(provider))) written++;
    };
    const run = await fanOut(provider, requests, { budget: new LlmBudget(maxCalls, maxCalls * TOKENS_PER_CALL), otherProductTitles: setup.titles, concurrency: 2, onOutcome: store });
    usage = run.usage;
  }
  // A page drawn before these drafts existed must not approve them: the version moves on.
  await db.campaign.updateMany({
    where: { id: campaignId, shopId },
    data: { status: "review", ...(written > 0 ? { version: { increment: 1 } } : {}) },
  });
  if (failed.length > 0) logger.warn("campaign drafts not generated", { shop: shopId, campaignId, failed: failed.length, first: failed[0]?.slice(0, 300) });
  return { written, expected, failed, usage };
}

/** The generation requests of a whole plan: each email × variant, in its tone, for the plan's audience. */
export function campaignRequests(setup: Awaited<ReturnType<typeof generationSetup>>, plan: Plan, variants: number): GenerationInputRaw[] {
  const { ctx } = setup;
  return draftRequests({
    plan,
    segments: setup.segment ? [setup.segment] : null,
    variants,
    tones: (step) => [toneFor(step.angleKey, ctx.settings.brandVoice.toneWords)],
    voice: ctx.settings.brandVoice,
    shop: ctx.facts,
    productsFor: (step) => setup.productsFor(step),
  });
}

function stepIndex(plan: Plan, input: GenerationInputRaw): number {
  return plan.steps.findIndex((s) => s.id === input.step.stepId);
}

function key(plan: Plan, input: GenerationInputRaw): string {
  return `${stepIndex(plan, input)}:${variantLetter(input.variant)}`;
}

/**
 * Stores one draft, unless the plan changed since it was asked for (an edit
 * deleted or replaced that email) or another run stored it first. The campaign
 * row is touched first, so the check and the insert happen under its lock.
 */
async function writeDraft(db: Database, shopId: string, campaignId: string, plan: Plan, outcome: Extract<DraftOutcome, { result: unknown }>, provider: string): Promise<boolean> {
  const step = stepIndex(plan, outcome.input);
  const variant = variantLetter(outcome.input.variant);
  const products = z.array(CatalogProductSchema).parse(outcome.input.products);
  const content = storedDraft(outcome.result.draft, products, outcome.result.warnings, outcome.result.notes);
  try {
    return await db.$transaction(async (tx) => {
      const touched = await tx.campaign.updateMany({ where: { id: campaignId, shopId }, data: { updatedAt: new Date() } });
      if (touched.count === 0) return false;
      const current = await tx.campaign.findUniqueOrThrow({ where: { id: campaignId }, select: { plan: true } });
      if ((current.plan as { version?: unknown } | null)?.version !== plan.version) return false;
      await tx.emailDraft.create({ data: { shopId, campaignId, step, variant, content, problems: outcome.result.problems, provider } });
      return true;
    });
  } catch (error) {
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}

/** The job: generate what is missing; a failure is retried (only the missing drafts are asked for again). */
export function campaignDraftsHandler(options: Omit<GenerateOptions, "now"> = {}): JobHandler {
  return async (payload, ctx) => {
    const parsed = z.object({ shopId: z.string().min(1), campaignId: z.string().min(1) }).safeParse(payload);
    if (!parsed.success) throw new Error("campaign drafts job: the payload needs shopId and campaignId");
    const { shopId, campaignId } = parsed.data;
    if (ctx.shopId && ctx.shopId !== shopId) throw new Error("campaign drafts job: the payload's shop is not the job's");
    const db = options.db ?? prisma;
    const campaign = await db.campaign.findFirst({ where: { id: campaignId, shopId }, select: { status: true } });
    // Deleted with its shop, or already written (by a direct call): nothing to do.
    if (!campaign || campaign.status !== "generating") return;
    const result = await generateDrafts(shopId, campaignId, options);
    if (result.failed.length > 0) {
      // While a retry waits the progress bar stays; after the last attempt the merchant sees what there is, and why not the rest.
      const final = ctx.attempt >= ctx.maxAttempts;
      await db.campaign.updateMany({ where: { id: campaignId, shopId }, data: { status: final ? "review" : "generating" } });
      throw new CampaignError("generation-failed", `${result.failed.length} of ${result.expected} drafts could not be written: ${result.failed.slice(0, 3).join("; ")}`);
    }
  };
}

export type { ShopContext };
