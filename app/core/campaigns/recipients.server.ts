// What previews and real sends share: compiling one email variant of a
// campaign (once), and building one customer's Recipient for it (their name,
// the behaviour line that fits the email, their product blocks from the
// recommender). The offer and the unsubscribe link are the caller's: a preview
// shows a sample code and link, a send makes the real ones.
import type { Database } from "../../db.server";
import { draftCopy, type ProductSource } from "../content/draft";
import type { CatalogProduct } from "../content/facts";
import type { Plan, PlanStep } from "../flows/plan";
import { recommendFor, type RecommendedProduct } from "../recommend/recommend.server";
import { compileEmail, type CompiledEmail } from "../render/compile.server";
import { RenderInputError, type Behaviour, type Recipient, type RenderProduct } from "../render/types";
import { BLOCK_FOR_SOURCE, readStoredDraft, variantIndex, variantLetter } from "./drafts";
import { shopContext, type ShopContext } from "./facts.server";
import { loadPlan } from "./generate.server";
import { CampaignError } from "./types";

export const PRODUCTS_PER_BLOCK = 6;
const DAY_MS = 86_400_000;

export interface CompiledVariant {
  campaign: Awaited<ReturnType<typeof loadPlan>>["campaign"];
  plan: Plan;
  step: PlanStep;
  stepIndex: number;
  /** "A", "B", … */
  variant: string;
  ctx: ShopContext;
  compiled: CompiledEmail;
  /** The per-recipient product blocks this email has. */
  sources: ProductSource[];
}

/** Compiles email `stepIndex` variant `variant` of a campaign, as stored now. Throws CampaignError in words. */
export async function compileVariant(db: Database, shopId: string, campaignId: string, stepIndex: number, variant: string | number): Promise<CompiledVariant> {
  const { campaign, plan } = await loadPlan(db, shopId, campaignId);
  const step = Number.isInteger(stepIndex) ? plan.steps[stepIndex] : undefined;
  if (!step) throw new CampaignError("invalid-input", `The plan has emails 1 to ${plan.steps.length}; there is no email ${Number(stepIndex) + 1}.`);
  const vi = variantIndex(variant);
  if (vi === null) throw new CampaignError("invalid-input", `"${String(variant)}" is not a variant (A, B, …).`);
  const letter = variantLetter(vi);
  const row = await db.emailDraft.findFirst({ where: { shopId, campaignId, step: stepIndex, variant: letter }, select: { content: true } });
  if (!row) throw new CampaignError("not-found", `Email ${stepIndex + 1}${letter} has not been written yet.`);
  const stored = readStoredDraft(row.content);
  if (!stored) throw new CampaignError("cannot-render", `Email ${stepIndex + 1}${letter} is stored in a form that cannot be rendered: regenerate it.`);
  const ctx = await shopContext(db, shopId);
  let compiled: CompiledEmail;
  try {
    compiled = await compileEmail({ draft: draftCopy(stored.draft), brand: ctx.brand, products: stored.products.map(renderProduct) });
  } catch (error) {
    if (error instanceof RenderInputError) throw new CampaignError("cannot-render", `Email ${stepIndex + 1}${letter} cannot be rendered.`, error.problems);
    throw error;
  }
  return { campaign, plan, step, stepIndex, variant: letter, ctx, compiled, sources: blockSources(compiled) };
}

export function blockSources(compiled: CompiledEmail): ProductSource[] {
  const out = new Set<ProductSource>();
  for (const b of compiled.model.blocks) if (b.type === "products") out.add(b.source);
  return [...out];
}

/** Whether the compiled email has a place for the recipient's own code. */
export function hasOfferBlock(compiled: CompiledEmail): boolean {
  return compiled.model.blocks.some((b) => b.type === "offer");
}

export function renderProduct(p: CatalogProduct): RenderProduct {
  return { id: p.id, title: p.title, priceMinor: p.priceMinor, compareAtPriceMinor: p.compareAtPriceMinor, url: p.url, imageUrl: p.imageUrl };
}

function recommended(p: RecommendedProduct, ctx: ShopContext): RenderProduct {
  return { id: p.productId, title: p.title, priceMinor: p.price, url: p.url ?? `https://${ctx.domain}/products/${encodeURIComponent(p.handle)}`, imageUrl: p.imageUrl };
}

export interface RecipientInput {
  customerId: string;
  firstName: string | null;
  offer: Recipient["offer"];
  unsubscribeUrl: string;
  /** Their latest order, when the caller read it for many recipients at once (latestOrders); else it is read here. */
  latestOrder?: LatestOrder | null;
}

export interface LatestOrder {
  at: number;
  productId: string;
}

const ORDER_WITH_PRODUCT = { cancelledAt: null, test: false, lineItems: { some: { productShopifyId: { not: null } } } } as const;
const ORDER_SELECT = { customerId: true, shopifyCreatedAt: true, lineItems: { where: { productShopifyId: { not: null } }, orderBy: { id: "asc" }, take: 1, select: { productShopifyId: true } } } as const;

/** Each customer's latest counted order with a product, for a whole batch in a few queries. */
export async function latestOrders(db: Database, shopId: string, customerIds: readonly string[]): Promise<Map<string, LatestOrder>> {
  const out = new Map<string, LatestOrder>();
  for (let i = 0; i < customerIds.length; i += 500) {
    const orders = await db.order.findMany({ where: { shopId, customerId: { in: customerIds.slice(i, i + 500) }, ...ORDER_WITH_PRODUCT }, orderBy: [{ shopifyCreatedAt: "desc" }, { id: "desc" }], select: ORDER_SELECT });
    for (const o of orders) {
      if (!o.customerId || out.has(o.customerId) || !o.lineItems[0]) continue;
      out.set(o.customerId, { at: o.shopifyCreatedAt.getTime(), productId: o.lineItems[0].productShopifyId! });
    }
  }
  return out;
}

/** Whether this email's behaviour line needs the recipient's latest order. */
export function needsLatestOrder(plan: Plan, step: PlanStep): boolean {
  return step.productFocus !== "cart" && step.productFocus !== "viewed" && (plan.flowType === "win-back" || plan.flowType === "post-purchase");
}

/** One customer's Recipient for this email: their blocks from the recommender and the line about what they did. */
export async function buildRecipient(db: Database, ctx: ShopContext, plan: Plan, step: PlanStep, sources: readonly ProductSource[], input: RecipientInput, now: Date): Promise<Recipient> {
  const products: Partial<Record<ProductSource, RenderProduct[]>> = {};
  const raw: Partial<Record<ProductSource, RecommendedProduct[]>> = {};
  for (const source of sources) {
    raw[source] = await recommendFor(ctx.shopId, input.customerId, { block: BLOCK_FOR_SOURCE[source], k: PRODUCTS_PER_BLOCK, db, now });
    products[source] = raw[source].map((p) => recommended(p, ctx));
  }
  const behaviour = await behaviourFor(db, ctx.shopId, input.customerId, plan, step, raw, now, input.latestOrder);
  return { firstName: input.firstName, behaviour, products, offer: input.offer, unsubscribeUrl: input.unsubscribeUrl };
}

/**
 * The line about what they did that fits this email, read from what the email
 * shows them (their cart block, the product they viewed most) or from their
 * orders (how long it has been, what they last bought).
 */
async function behaviourFor(
  db: Database,
  shopId: string,
  customerId: string,
  plan: Plan,
  step: PlanStep,
  shown: Partial<Record<ProductSource, RecommendedProduct[]>>,
  now: Date,
  known: LatestOrder | null | undefined,
): Promise<Behaviour | null> {
  if (step.productFocus === "cart") return shown.cart?.length ? { kind: "cart", items: shown.cart.length } : null;
  if (step.productFocus === "viewed") {
    const top = shown.viewed?.find((p) => (p.views ?? 0) > 0);
    return top ? { kind: "viewed", productTitle: top.title, count: top.views! } : null;
  }
  if (plan.flowType !== "win-back" && plan.flowType !== "post-purchase") return null;
  let latest = known;
  if (latest === undefined) {
    const order = await db.order.findFirst({ where: { shopId, customerId, ...ORDER_WITH_PRODUCT }, orderBy: [{ shopifyCreatedAt: "desc" }, { id: "desc" }], select: ORDER_SELECT });
    latest = order?.lineItems[0] ? { at: order.shopifyCreatedAt.getTime(), productId: order.lineItems[0].productShopifyId! } : null;
  }
  if (!latest) return null;
  if (plan.flowType === "win-back") return { kind: "lapsed", daysSinceLastOrder: Math.floor((now.getTime() - latest.at) / DAY_MS) };
  const product = await db.product.findFirst({ where: { shopId, shopifyId: latest.productId }, select: { title: true } });
  return product?.title ? { kind: "bought", productTitle: product.title } : null;
}
