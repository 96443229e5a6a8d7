// An email's copy, as a generator writes it and as the merchant edits it. Copy
// is plain text: the layout, the greeting with the recipient's name, product
// cards and the offer code are ours, placed through blocks and filled at
// render time.
import { z } from "zod";
import { TONES } from "./input";

/** Per-recipient product blocks, filled at render time from the recommender. */
export const PRODUCT_SOURCES = ["cart", "viewed", "co-purchase", "popular", "new-arrivals"] as const;
export type ProductSource = (typeof PRODUCT_SOURCES)[number];

const paragraph = z.object({ type: z.literal("paragraph"), text: z.string().min(1).max(2_000) }).strict();
/** "Hi Ann," with fallbacks, merged per recipient. */
const greeting = z.object({ type: z.literal("greeting") }).strict();
/** One product from this email's catalog facts. */
const product = z.object({ type: z.literal("product"), productId: z.string().min(1).max(100) }).strict();
/** Products chosen per recipient at render time. */
const products = z.object({ type: z.literal("products"), source: z.enum(PRODUCT_SOURCES) }).strict();
/** Where the recipient's own single-use code goes. */
const offer = z.object({ type: z.literal("offer") }).strict();

export const BodyBlockSchema = z.discriminatedUnion("type", [paragraph, greeting, product, products, offer]);
export type BodyBlock = z.infer<typeof BodyBlockSchema>;

export const CallToActionSchema = z.object({ label: z.string().min(1).max(100), url: z.string().min(1).max(2_000) }).strict();

/** The copy itself: what a generator produces and what validation checks. */
export const DraftCopySchema = z
  .object({
    subjectVariants: z.array(z.string().min(1).max(300)).min(3, "at least 3 subject lines are needed for testing").max(5),
    previewText: z.string().min(1).max(500),
    headline: z.string().min(1).max(300),
    bodyBlocks: z.array(BodyBlockSchema).min(1).max(20),
    callToAction: CallToActionSchema,
  })
  .strict();
export type DraftCopy = z.infer<typeof DraftCopySchema>;

export const DRAFT_PROVIDERS = ["offline", "openai"] as const;

/** A draft as stored and approved: copy plus where it came from, with a revision number. */
export const EmailDraftSchema = DraftCopySchema.extend({
  /** Revision: 1 when generated, +1 on every edit (an approval names the version). */
  version: z.number().int().min(1),
  stepId: z.string().min(1),
  segmentKey: z.string().nullable(),
  tone: z.enum(TONES),
  variant: z.number().int().min(0),
  source: z
    .object({
      provider: z.enum(DRAFT_PROVIDERS),
      model: z.string().nullable(),
      seed: z.number().int(),
      cacheKey: z.string(),
    })
    .strict(),
}).strict();
export type EmailDraft = z.infer<typeof EmailDraftSchema>;

export function draftCopy(draft: EmailDraft): DraftCopy {
  const { subjectVariants, previewText, headline, bodyBlocks, callToAction } = draft;
  return { subjectVariants, previewText, headline, bodyBlocks, callToAction };
}

/** Every piece of text in the copy, labelled the way a merchant reads it. */
export function copyTexts(copy: DraftCopy): Array<{ where: string; text: string }> {
  const out: Array<{ where: string; text: string }> = [];
  copy.subjectVariants.forEach((text, i) => out.push({ where: `subject ${i + 1}`, text }));
  out.push({ where: "preview text", text: copy.previewText });
  out.push({ where: "headline", text: copy.headline });
  let n = 0;
  for (const block of copy.bodyBlocks) if (block.type === "paragraph") out.push({ where: `paragraph ${++n}`, text: block.text });
  out.push({ where: "call to action", text: copy.callToAction.label });
  return out;
}

/**
 * The schema the model answers with (OpenAI strict structured output): product
 * ids and link targets are enums of what this email may use, and the offer
 * block exists only when the email carries the offer.
 */
export function modelCopySchema(options: { productIds: string[]; urls: string[]; offer: boolean }) {
  const blocks: [z.ZodTypeAny, ...z.ZodTypeAny[]] = [z.object({ type: z.literal("paragraph"), text: z.string() }), greeting, products];
  const [firstId, ...restIds] = options.productIds;
  if (firstId !== undefined) blocks.push(z.object({ type: z.literal("product"), productId: z.enum([firstId, ...restIds]) }));
  if (options.offer) blocks.push(offer);
  const [firstUrl, ...restUrls] = options.urls;
  if (firstUrl === undefined) throw new Error("the model needs at least one link target");
  return z.object({
    subjectVariants: z.array(z.string()).min(3).max(5),
    previewText: z.string(),
    headline: z.string(),
    bodyBlocks: z.array(z.union(blocks as unknown as [z.ZodTypeAny, z.ZodTypeAny, ...z.ZodTypeAny[]])).min(1).max(12),
    callToAction: z.object({ label: z.string(), url: z.enum([firstUrl, ...restUrls]) }),
  });
}
