// Previews for the review screen and `loopwise preview`: one email variant
// compiled once and merged for a few real sample recipients of its audience
// (their names, behaviour lines and product blocks), with a visibly fake offer
// code and a sample unsubscribe link: previews create no discount codes and sign
// no tokens. Every preview is read back through checkRendered.
import prisma, { type Database } from "../../db.server";
import { env } from "../../env.server";
import { sampleMembers } from "../audience/segments/segments.server";
import type { ProductSource } from "../content/draft";
import { buildUnsubscribeUrl } from "../delivery/unsubscribe";
import type { Plan } from "../flows/plan";
import { expiryDays } from "../offers/offer";
import { DEFAULT_VIEW_DAYS } from "../recommend/recommend.server";
import { checkRendered } from "../render/check";
import { mergeEmail } from "../render/merge";
import type { Recipient, RenderProduct } from "../render/types";
import { newArrivalFacts, popularFacts, type ShopContext } from "./facts.server";
import type { ServiceOptions } from "./generate.server";
import { buildRecipient, compileVariant, hasOfferBlock, PRODUCTS_PER_BLOCK, renderProduct } from "./recipients.server";
import { CampaignError, type PreviewEmail, type PreviewRequest } from "./types";

/** Shown where a recipient's own single-use code goes: obviously not a code anyone can use. */
export const SAMPLE_OFFER_CODE = "SAMPLE-CODE-PREVIEW";
export const MAX_PREVIEW_RECIPIENTS = 10;
const DAY_MS = 86_400_000;

export function sampleUnsubscribeUrl(): string {
  return buildUnsubscribeUrl(env.SHOPIFY_APP_URL, "preview-sample-link");
}

interface Sample {
  id: string | null;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
}

const SAMPLE_SELECT = { id: true, firstName: true, lastName: true, email: true } as const;
const LIVE = { deletedAt: null, redactedAt: null } as const;

/**
 * Up to n customers the email is for: members of the campaign's segment (its
 * own, else the plan's), else customers the trigger fits (an open cart, a
 * product view in the recommender's window, an order), else any of the
 * shop's. Stable order (by id).
 */
export async function sampleRecipients(db: Database, shopId: string, campaign: { segmentId: string | null }, plan: Plan, n: number, now: Date): Promise<Sample[]> {
  const segment = campaign.segmentId
    ? await db.segment.findFirst({ where: { id: campaign.segmentId, shopId }, select: { id: true, kind: true, definition: true } })
    : plan.segmentKey
      ? await db.segment.findFirst({ where: { shopId, key: plan.segmentKey }, select: { id: true, kind: true, definition: true } })
      : null;
  if (segment) {
    let members: Sample[] = [];
    if (segment.kind === "custom") {
      members = await sampleMembers(shopId, segment.definition, n, { db, now }).catch(() => []);
    }
    if (members.length === 0) {
      const rows = await db.segmentMembership.findMany({ where: { shopId, segmentId: segment.id, customer: LIVE }, orderBy: { customerId: "asc" }, take: n, select: { customer: { select: SAMPLE_SELECT } } });
      members = rows.map((r) => r.customer);
    }
    if (members.length > 0) return members;
  }
  const byTrigger =
    plan.trigger.kind === "checkout-abandoned"
      ? { checkouts: { some: { completedAt: null } } }
      : plan.trigger.kind === "product-viewed"
        ? { browseEvents: { some: { type: "product_viewed", occurredAt: { gte: new Date(now.getTime() - DEFAULT_VIEW_DAYS * DAY_MS), lte: now } } } }
        : plan.trigger.kind === "order-placed"
          ? { orders: { some: {} } }
          : null;
  if (byTrigger) {
    const rows = await db.customer.findMany({ where: { shopId, ...LIVE, ...byTrigger }, orderBy: { id: "asc" }, take: n, select: SAMPLE_SELECT });
    if (rows.length > 0) return rows;
  }
  return db.customer.findMany({ where: { shopId, ...LIVE }, orderBy: { id: "asc" }, take: n, select: SAMPLE_SELECT });
}

export function sampleLabel(sample: Sample, index: number): string {
  if (!sample.id) return "Sample recipient (the shop has no customers yet)";
  const first = sample.firstName?.trim();
  const last = sample.lastName?.trim();
  if (!first) return `Customer ${index + 1} (no first name: greeted with the fallback)`;
  return last ? `${first} ${Array.from(last)[0]}.` : first;
}

/** Renders one email variant of a campaign for up to `recipients` sample recipients. */
export async function previewEmails(shopId: string, campaignId: string, request: PreviewRequest, options: ServiceOptions = {}): Promise<PreviewEmail[]> {
  const db = options.db ?? prisma;
  const now = options.now ?? new Date();
  const count = request.recipients ?? 3;
  if (!Number.isInteger(count) || count < 1 || count > MAX_PREVIEW_RECIPIENTS) {
    throw new CampaignError("invalid-input", `Previews are for 1 to ${MAX_PREVIEW_RECIPIENTS} sample recipients.`);
  }
  const { campaign, plan, step, ctx, compiled, sources } = await compileVariant(db, shopId, campaignId, request.step, request.variant);
  const samples = await sampleRecipients(db, shopId, campaign, plan, count, now);
  const unsubscribeUrl = sampleUnsubscribeUrl();
  const offer = hasOfferBlock(compiled) && plan.offer ? { code: SAMPLE_OFFER_CODE, expiresAt: new Date(now.getTime() + expiryDays(plan.offer) * DAY_MS) } : null;
  const footer = { shopName: ctx.name, postalAddress: ctx.brand.postalAddress, unsubscribeUrl };

  const recipients: Array<{ sample: Sample; recipient: Recipient }> = [];
  if (samples.length === 0) {
    const stand = await standInProducts(db, ctx, now);
    const products = Object.fromEntries(sources.map((s) => [s, stand])) as Partial<Record<ProductSource, RenderProduct[]>>;
    recipients.push({ sample: { id: null, firstName: "Alex", lastName: null, email: null }, recipient: { firstName: "Alex", behaviour: null, products, offer, unsubscribeUrl } });
  } else {
    for (const sample of samples) {
      const recipient = await buildRecipient(db, ctx, plan, step, sources, { customerId: sample.id!, firstName: sample.firstName, offer, unsubscribeUrl }, now);
      recipients.push({ sample, recipient });
    }
  }
  return recipients.map(({ sample, recipient }, i) => {
    const email = mergeEmail(compiled, recipient, { subjectIndex: i % compiled.subjects.length });
    return {
      label: sampleLabel(sample, i),
      subject: email.subject,
      previewText: email.previewText,
      html: email.html,
      text: email.text,
      problems: checkRendered(email.html, email.text, footer),
      bytes: Buffer.byteLength(email.html, "utf8"),
      to: sample.email ? { email: sample.email, name: [sample.firstName, sample.lastName].filter(Boolean).join(" ") || null } : null,
      unsubscribeUrl,
    };
  });
}

/** With no customers at all: the shop's popular products (or newest) stand in for every block. */
async function standInProducts(db: Database, ctx: ShopContext, now: Date): Promise<RenderProduct[]> {
  const facts = await popularFacts(db, ctx, now, PRODUCTS_PER_BLOCK);
  return (facts.length > 0 ? facts : await newArrivalFacts(db, ctx, now, PRODUCTS_PER_BLOCK)).map(renderProduct);
}
