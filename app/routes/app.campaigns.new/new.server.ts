// "New campaign": the choices (objectives, the shop's segments with the built-in
// lifecycle segments first, its products), good defaults (win back the at-risk
// segment), and the submitted form → createCampaign, which proposes the plan and
// queues the drafts. Ids from the form are the service's to check against the
// shop: another shop's segment or product is refused there.
import defaultDb, { type Database } from "../../db.server";
import { SEGMENT_KEYS } from "../../core/audience/profiles/lifecycle";
import { OBJECTIVES, type Objective } from "../../core/flows/plan/types";
import { createCampaign } from "../../core/campaigns/campaigns.server";
import { CampaignError } from "../../core/campaigns/types";
import { getSettings } from "../../core/settings/settings.server";
import { readOffer, type OfferKind } from "../../components/campaigns/plan-edit";

type Shop = { id: string; currency: string };
type Options = { db?: Database; now?: Date };

/** The product select lists at most this many (the newest); a launch is usually of a recent product. */
export const PRODUCT_CHOICES = 250;
const MAX_NAME = 100;

export interface NewCampaignForm {
  segments: Array<{ id: string; key: string; name: string; builtin: boolean; size: number }>;
  products: Array<{ id: string; title: string }>;
  currency: string;
  /** The shop's incentive policy, so the offer fields can say their limits. */
  policy: { allowDiscounts: boolean; maxPercentOff: number | null; allowFreeShipping: boolean; maxExpiryDays: number };
  defaults: { objective: Objective; segmentId: string };
}

export type CreateResult = { ok: true; id: string } | { ok: false; error: string; problems: string[] };

export async function loadNewCampaignForm(shop: Shop, options: Options = {}): Promise<NewCampaignForm> {
  const db = options.db ?? defaultDb;
  const [segments, products, settings] = await Promise.all([
    db.segment.findMany({ where: { shopId: shop.id }, select: { id: true, key: true, name: true, kind: true, size: true }, orderBy: { createdAt: "asc" } }),
    db.product.findMany({
      where: { shopId: shop.id, deletedAt: null, status: "ACTIVE" },
      select: { id: true, title: true },
      orderBy: [{ shopifyCreatedAt: "desc" }, { id: "asc" }],
      take: PRODUCT_CHOICES,
    }),
    getSettings(shop.id, { db }),
  ]);
  const order = (s: { kind: string; key: string }) => (s.kind === "builtin" ? rank(s.key) : SEGMENT_KEYS.length + 1);
  const sorted = segments.map((s, i) => ({ s, i })).sort((a, b) => order(a.s) - order(b.s) || a.i - b.i).map(({ s }) => s);
  const { allowDiscounts, maxPercentOff, allowFreeShipping, maxExpiryDays } = settings.incentivePolicy;
  return {
    segments: sorted.map((s) => ({ id: s.id, key: s.key, name: s.name, builtin: s.kind === "builtin", size: s.size })),
    products: products.sort((a, b) => a.title.localeCompare(b.title)),
    currency: shop.currency,
    policy: { allowDiscounts, maxPercentOff, allowFreeShipping, maxExpiryDays },
    defaults: { objective: "win-back", segmentId: sorted.find((s) => s.kind === "builtin" && s.key === "at-risk")?.id ?? "" },
  };
}

function rank(key: string): number {
  const i = (SEGMENT_KEYS as readonly string[]).indexOf(key);
  return i === -1 ? SEGMENT_KEYS.length : i;
}

const text = (form: FormData, key: string) => {
  const value = form.get(key);
  return typeof value === "string" ? value.trim() : "";
};

const OFFER_KINDS: readonly OfferKind[] = ["none", "percentage", "fixed-amount", "free-shipping"];

export async function createFromForm(shop: Shop, form: FormData, options: Options = {}): Promise<CreateResult> {
  const objective = text(form, "objective");
  if (!(OBJECTIVES as readonly string[]).includes(objective)) return { ok: false, error: "Choose what the campaign is for.", problems: [] };
  const kind = text(form, "offerKind") || "none";
  if (!(OFFER_KINDS as readonly string[]).includes(kind)) return { ok: false, error: "Choose a kind of offer, or none.", problems: [] };
  const offer = readOffer({ kind: kind as OfferKind, value: text(form, "offerValue"), expiryDays: text(form, "offerExpiryDays") }, shop.currency);
  if (offer.problems.length > 0) return { ok: false, error: "The offer cannot be read.", problems: offer.problems };
  try {
    const created = await createCampaign(
      shop.id,
      {
        objective: objective as Objective,
        segmentId: text(form, "segmentId") || null,
        productId: text(form, "productId") || null,
        offer: offer.offer,
        name: text(form, "name").slice(0, MAX_NAME) || null,
      },
      { db: options.db ?? defaultDb, now: options.now },
    );
    return { ok: true, id: created.id };
  } catch (error) {
    if (error instanceof CampaignError) return { ok: false, error: error.message, problems: error.problems ?? [] };
    throw error;
  }
}
