// The offline generator: no key, no network. Copy is assembled from fixed,
// grammatical templates whose slots take only the catalog facts, the offer and
// the brand voice; a seed picks among them deterministically, and variants
// rotate through the same shuffled choices so A and B differ. Catalog text
// reaches the copy only as a quoted product fact, cleaned of markup, and only
// when the quote itself passes validation (a description that says "50% OFF"
// is simply not quoted).
import { createHash } from "node:crypto";
import type { Offer } from "../../flows/plan";
import { describeOffer, factProblems } from "../claims";
import type { BodyBlock, DraftCopy } from "../draft";
import { allowedLinkHosts, plainText, shopUrl } from "../facts";
import { TONES, type GenerationInput } from "../input";
import { formatMoney } from "../money";
import { noteHints } from "../note";
import { spamFindings } from "../spam";
import { SUBJECT_RECOMMENDED } from "../validate";
import { avoidedWordsIn } from "../voice";
import { CLOSINGS, CTA_LABELS, EXPIRY_LINES, FACT_LINES, GENERIC, LAST_RESORT, OFFER_LINES, PRICE_LINES, SIGN_OFFS, WAS_PRICE_LINES } from "./shared-templates";
import type { AngleTemplates, CtaTarget } from "./template-types";
import { LIFECYCLE_TEMPLATES } from "./templates-lifecycle";
import { SHOPPING_TEMPLATES } from "./templates-shopping";
import { mulberry32 } from "../../random";

export const OFFLINE_TEMPLATES: Record<GenerationInput["step"]["angleKey"], AngleTemplates> = { ...SHOPPING_TEMPLATES, ...LIFECYCLE_TEMPLATES };

type Slots = Partial<Record<"shop" | "product" | "price" | "compare" | "offer" | "offerShort" | "days" | "sender" | "fact", string>>;

/** Pure: the same input and seed always give the same copy. */
export function writeOfflineCopy(input: GenerationInput, seed: number): DraftCopy {
  const t = OFFLINE_TEMPLATES[input.step.angleKey];
  const { tone, variant } = input;
  const random = mulberry32(seedFor(seed, input.step.stepId, tone, input.step.angleKey));
  const featured = input.step.productFocus === "featured" ? input.products[0] : undefined;
  const slots: Slots = {
    shop: plainText(input.shop.name),
    sender: plainText(input.voice.senderName),
    ...(featured ? { product: plainText(featured.title), price: formatMoney(featured.priceMinor, input.shop.currency) } : {}),
    ...(input.offer ? offerSlots(input.offer, input.shop.currency) : {}),
  };
  // A merchant's note asking for shorter copy: only the shorter half of each list, no closing line.
  const short = noteHints(input.note).shorter;
  const fill = (list: string[]) => (short ? shorterHalf(fillAll(list, slots, input)) : fillAll(list, slots, input));

  // Avoid-words can empty a list: fall back to the generic lines, then other tones, then neutral ones.
  const others = TONES.filter((x) => x !== tone);
  const subjectPool = preferShort(shuffle(fill(t.subjects[tone]), random));
  const subjects = distinct([
    ...rotate(subjectPool, variant),
    ...fill(GENERIC.subjects[tone]),
    ...others.flatMap((o) => [...fill(t.subjects[o]), ...fill(GENERIC.subjects[o])]),
    ...fill(LAST_RESORT.subjects),
  ]).slice(0, 3);
  const headline = pick(fill(t.headlines[tone]), random, variant) ?? pick(fill(GENERIC.headlines[tone]), random, variant) ?? subjects[0] ?? slots.shop!;
  const previewText = pick(fill(t.previews), random, variant) ?? pick(fill([...GENERIC.previews, ...LAST_RESORT.previews]), random, variant) ?? slots.shop!;
  const intro = pick(fill(t.intros[tone]), random, variant) ?? pick(fill([...GENERIC.intros[tone], ...LAST_RESORT.intros]), random, variant);

  const bodyBlocks: BodyBlock[] = [{ type: "greeting" }];
  if (intro) bodyBlocks.push({ type: "paragraph", text: intro });
  bodyBlocks.push(...productBlocks(input, slots, random, variant, short));
  if (input.offer && input.step.incentive) {
    const line = [pick(fill(OFFER_LINES[tone]), random, variant), input.offer.expiresInDays ? pick(fill(EXPIRY_LINES[tone]), random, variant) : undefined].filter(Boolean).join(" ");
    if (line) bodyBlocks.push({ type: "paragraph", text: line });
    bodyBlocks.push({ type: "offer" });
  }
  const closing = short ? undefined : pick(fill(CLOSINGS[tone]), random, variant);
  if (closing) bodyBlocks.push({ type: "paragraph", text: closing });
  const signOff = pick(fill(SIGN_OFFS[tone]), random, variant);
  if (signOff) bodyBlocks.push({ type: "paragraph", text: signOff });

  const target = ctaTarget(t.cta, input);
  const label = pick(fill(CTA_LABELS[target.kind][tone]), random, variant) ?? "Visit the shop";
  return { subjectVariants: subjects, previewText, headline, bodyBlocks, callToAction: { label, url: target.url } };
}

function productBlocks(input: GenerationInput, slots: Slots, random: () => number, variant: number, short = false): BodyBlock[] {
  const focus = input.step.productFocus;
  const tone = input.tone;
  if (focus === "none") return [];
  if (focus === "cart" || focus === "viewed" || focus === "co-purchase") return [{ type: "products", source: focus }];
  if (input.products.length === 0) return focus === "featured" ? [] : [{ type: "products", source: focus }];
  const blocks: BodyBlock[] = [];
  if (focus === "featured") {
    const first = input.products[0]!;
    const was = first.compareAtPriceMinor !== null && first.compareAtPriceMinor > first.priceMinor;
    const priceSlots = was ? { ...slots, compare: formatMoney(first.compareAtPriceMinor!, input.shop.currency) } : slots;
    const priceLine = pick(fillAll((was ? WAS_PRICE_LINES : PRICE_LINES)[tone], priceSlots, input), random, variant);
    const fact = short ? undefined : productFact(first.description, input);
    const factLine = fact ? pick(fillAll(FACT_LINES[tone], { ...slots, fact }, input), random, variant) : undefined;
    const text = [priceLine, factLine].filter(Boolean).join(" ");
    if (text) blocks.push({ type: "paragraph", text });
  }
  for (const p of input.products.slice(0, 4)) blocks.push({ type: "product", productId: p.id });
  return blocks;
}

/**
 * The first sentence of a description that can stand as a quoted fact: plain
 * text, 20–200 characters, and passing the same checks as the copy (no prices,
 * percentages, claims, links, shouting or avoid-words of its own).
 */
export function productFact(description: string, input: GenerationInput): string | undefined {
  const text = plainText(description).replace(/["“”]/g, "'");
  const sentence = text.match(/^.{20,200}?[.!?](?=\s|$)/)?.[0] ?? (text.length >= 20 && text.length <= 200 ? text : undefined);
  if (!sentence) return undefined;
  const ctx = { shop: input.shop, products: input.products, offer: null };
  if (factProblems(sentence, "fact", ctx).length > 0) return undefined;
  if (spamFindings(sentence, "fact", new Set()).length > 0) return undefined;
  if (avoidedWordsIn(sentence, input.voice).length > 0) return undefined;
  if (/https?:|www\.|@/i.test(sentence)) return undefined;
  return sentence;
}

function ctaTarget(kind: CtaTarget, input: GenerationInput): { kind: CtaTarget; url: string } {
  const hosts = allowedLinkHosts(input.shop, null);
  const product = input.step.productFocus === "featured" ? input.products[0] : undefined;
  if (kind === "product" && product && isAllowedUrl(product.url, hosts)) return { kind, url: product.url };
  if (kind === "cart") return { kind, url: shopUrl(input.shop, "/cart") };
  if (kind === "home") return { kind, url: shopUrl(input.shop, "/") };
  return { kind: "collections", url: shopUrl(input.shop, "/collections/all") };
}

function isAllowedUrl(raw: string, hosts: string[]): boolean {
  try {
    const url = new URL(raw);
    return url.protocol === "https:" && hosts.includes(url.host.toLowerCase());
  } catch {
    return false;
  }
}

function offerSlots(offer: Offer, currency: string): Slots {
  const short = offer.kind === "percentage" ? `${offer.percent}% off` : offer.kind === "fixed-amount" ? `${formatMoney(offer.amountMinor, currency)} off` : "free shipping";
  return { offer: describeOffer(offer, currency), offerShort: short, ...(offer.expiresInDays ? { days: String(offer.expiresInDays) } : {}) };
}

/** Templates with every slot filled and no avoid-word; the others are dropped. */
function fillAll(list: string[], slots: Slots, input: GenerationInput): string[] {
  const out: string[] = [];
  for (const template of list) {
    let missing = false;
    const text = template.replace(/\{(\w+)\}/g, (_, name: keyof Slots) => {
      const value = slots[name];
      if (value === undefined) missing = true;
      return value ?? "";
    });
    if (missing) continue;
    const final = text.charAt(0).toUpperCase() + text.slice(1);
    if (avoidedWordsIn(final, input.voice).length === 0) out.push(final);
  }
  return out;
}

/** The shorter half of a list (at least one), shortest first; ties keep their order. */
function shorterHalf(list: string[]): string[] {
  return [...list].sort((a, b) => a.length - b.length).slice(0, Math.max(1, Math.ceil(list.length / 2)));
}

function preferShort(list: string[]): string[] {
  return [...list.filter((s) => s.length <= SUBJECT_RECOMMENDED), ...list.filter((s) => s.length > SUBJECT_RECOMMENDED)];
}

function rotate<T>(list: T[], by: number): T[] {
  if (list.length === 0) return list;
  const k = by % list.length;
  return [...list.slice(k), ...list.slice(0, k)];
}

function distinct(list: string[]): string[] {
  const seen = new Set<string>();
  return list.filter((s) => {
    const key = s.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** One draw per list, shifted by the variant so variants pick different lines. */
function pick(list: string[], random: () => number, variant: number): string | undefined {
  if (list.length === 0) return undefined;
  return list[(Math.floor(random() * list.length) + variant) % list.length];
}

function shuffle<T>(list: T[], random: () => number): T[] {
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function seedFor(seed: number, ...parts: string[]): number {
  return createHash("sha256").update([seed, ...parts].join("\u0000")).digest().readUInt32LE(0);
}


