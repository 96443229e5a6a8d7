// Facts in copy: every price, percentage, discount, deadline and product a
// draft mentions must come from the catalog facts or the plan's offer.
import type { Offer } from "../flows/plan";
import type { CatalogProduct, ShopFacts } from "./facts";
import { findMoneyMentions, formatMoney } from "./money";
import { containsPhrase } from "./voice";

export interface FactContext {
  shop: ShopFacts;
  products: CatalogProduct[];
  offer: Offer | null;
  /** Titles of the shop's other products: naming one of them is a problem in this email. */
  otherProductTitles?: string[];
}

/** Prices a draft may mention, in minor units of the shop currency. */
export function allowedAmounts(ctx: FactContext): Set<number> {
  const amounts = new Set<number>();
  for (const p of ctx.products) {
    amounts.add(p.priceMinor);
    if (p.compareAtPriceMinor !== null) amounts.add(p.compareAtPriceMinor);
  }
  if (ctx.offer?.kind === "fixed-amount") amounts.add(ctx.offer.amountMinor);
  if (ctx.offer?.minimumSubtotalMinor) amounts.add(ctx.offer.minimumSubtotalMinor);
  return amounts;
}

/** The offer in words, as every generator writes it: "15% off", "$10.00 off", "free shipping". */
export function describeOffer(offer: Offer, currency: string): string {
  const what = offer.kind === "percentage" ? `${offer.percent}% off` : offer.kind === "fixed-amount" ? `${formatMoney(offer.amountMinor, currency)} off` : "free shipping on";
  return offer.minimumSubtotalMinor ? `${what} orders of ${formatMoney(offer.minimumSubtotalMinor, currency)} or more` : `${what} your order`;
}

const DISCOUNT_AFTER = /^\s*(?:off\b|discount|savings?\b|reduction)/i;
const DISCOUNT_BEFORE = /(?:save|saving|savings of|up to|extra|take|get|enjoy|discount of|reduced by|knock)\s*$/i;
const PERCENT = /(\d{1,3}(?:[.,]\d+)?)\s?(?:%|percent\b|per cent\b)/gi;

/** Claims that need a basis: the offer, or the catalog text saying so. */
const CLAIMS: Array<{ pattern: RegExp; label: string; allowed: (ctx: FactContext, facts: string) => boolean }> = [
  { pattern: /\bfree (?:shipping|delivery|postage)\b|\bships? (?:for )?free\b|\bno (?:shipping|delivery) (?:cost|fee|charge)s?\b/i, label: "free shipping", allowed: (c) => c.offer?.kind === "free-shipping" },
  { pattern: /\bfree (?:gift|sample|item|product)s?\b|\bbuy one,? get one\b|\bbogo\b/i, label: "a free gift", allowed: () => false },
  { pattern: /\b(?:discount|coupon|promo(?:tion(?:al)?)? code|voucher)s?\b|\bsale\b|\b\w+ off (?:your|everything|all|sitewide|site-wide)\b/i, label: "a discount", allowed: (c) => c.offer !== null },
  { pattern: /\bmoney[- ]back\b|\bguarantee[ds]?\b/i, label: "a guarantee", allowed: (_c, facts) => /guarantee|money[- ]back/i.test(facts) },
  { pattern: /\bfree returns?\b|\breturns? (?:are|is) free\b/i, label: "free returns", allowed: (_c, facts) => /free returns?/i.test(facts) },
  { pattern: /\bonly \d+ (?:left|remaining)\b|\blow (?:in )?stock\b|\bselling fast\b|\balmost (?:gone|sold out)\b|\blimited (?:stock|edition|quantities)\b|\bwhile (?:stocks|supplies) last\b/i, label: "scarcity", allowed: (_c, facts) => /limited|only \d+|stock/i.test(facts) },
  { pattern: /\bbest[- ]?sell(?:er|ing)s?\b|\b#1\b|\bnumber one\b|\baward[- ]winning\b|\bbest[- ]rated\b|\btop[- ]rated\b|\b\d[\d,]* (?:happy |satisfied )?customers\b|\b\d(?:\.\d)? stars?\b/i, label: "a ranking or review claim", allowed: (_c, facts) => /best[- ]?sell|award|rated|stars?|#1/i.test(facts) },
];

/** Problems with the facts in one piece of text (`where` names it for the merchant). */
export function factProblems(text: string, where: string, ctx: FactContext): string[] {
  const problems: string[] = [];
  const catalogText = ctx.products.map((p) => `${p.title} ${p.description}`).join("\n");

  const amounts = allowedAmounts(ctx);
  for (const m of findMoneyMentions(text, ctx.shop.currency)) {
    if (m.currency !== ctx.shop.currency) problems.push(`${where} mentions ${m.text}, but the shop sells in ${ctx.shop.currency}`);
    else if (m.minor === null || !amounts.has(m.minor)) problems.push(`${where} mentions ${m.text}, which is not a price in the catalog facts or the offer`);
  }

  for (const m of text.matchAll(PERCENT)) {
    const value = Number(m[1]!.replace(",", "."));
    const after = text.slice(m.index! + m[0].length, m.index! + m[0].length + 16);
    const before = text.slice(Math.max(0, m.index! - 24), m.index!);
    const isDiscount = DISCOUNT_AFTER.test(after) || DISCOUNT_BEFORE.test(before);
    if (isDiscount) {
      if (ctx.offer?.kind !== "percentage") problems.push(`${where} promises ${m[0].trim()} off, but the plan's offer is ${ctx.offer ? describeOffer(ctx.offer, ctx.shop.currency) : "none"}`);
      else if (ctx.offer.percent !== value) problems.push(`${where} promises ${m[0].trim()} off, but the offer is ${ctx.offer.percent}% off`);
    } else if (!catalogText.includes(m[0].trim()) && !(ctx.offer?.kind === "percentage" && ctx.offer.percent === value)) {
      problems.push(`${where} mentions ${m[0].trim()}, which is not in the catalog facts or the offer`);
    }
  }

  for (const claim of CLAIMS) {
    if (claim.pattern.test(text) && !claim.allowed(ctx, catalogText)) problems.push(`${where} claims ${claim.label}, which neither the offer nor the catalog facts support`);
  }
  problems.push(...deadlineProblems(text, where, ctx.offer));
  problems.push(...productMentionProblems(text, where, ctx));
  return problems;
}

/** "ends in 3 days", "valid for 7 days", "ends tonight": only the offer's own expiry. */
function deadlineProblems(text: string, where: string, offer: Offer | null): string[] {
  const problems: string[] = [];
  const relative = /\b(?:ends?|expires?|valid|lasts?|good|runs?)\b[^.!?]{0,20}?\b(\d{1,3}|one|two|three|four|five|six|seven|ten|fourteen|thirty) (hours?|days?|weeks?)\b/gi;
  const WORDS: Record<string, number> = { one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, ten: 10, fourteen: 14, thirty: 30 };
  for (const m of text.matchAll(relative)) {
    const n = /^\d+$/.test(m[1]!) ? Number(m[1]) : WORDS[m[1]!.toLowerCase()]!;
    const unit = m[2]!.toLowerCase();
    const days = unit.startsWith("hour") ? n / 24 : unit.startsWith("week") ? n * 7 : n;
    if (!offer?.expiresInDays) problems.push(`${where} sets a deadline ("${m[0]}") but the offer has no expiry`);
    else if (days !== offer.expiresInDays) problems.push(`${where} says "${m[0]}", but the offer lasts ${offer.expiresInDays} days`);
  }
  if (/\b(?:ends?|expires?|over|gone) (?:tonight|today|tomorrow|at midnight|this week(?:end)?)\b|\b(?:today|tonight|this weekend|one day|24 hours|48 hours) only\b|\blast day\b|\bfinal hours\b/i.test(text)) {
    problems.push(`${where} sets a deadline that the plan does not have`);
  }
  return problems;
}

/**
 * Products named in text. Exact: titles of the shop's other products. Heuristic:
 * a capitalised name right after words that introduce a product ("our new
 * Galaxy Hoodie", "meet the Aurora Lamp") that is not one of this email's titles.
 */
function productMentionProblems(text: string, where: string, ctx: FactContext): string[] {
  const problems: string[] = [];
  const allowed = ctx.products.map((p) => p.title.toLowerCase());
  for (const title of ctx.otherProductTitles ?? []) {
    if (title.trim().length >= 3 && !allowed.includes(title.toLowerCase()) && containsPhrase(text, title)) {
      problems.push(`${where} names "${title}", which is not one of this email's products`);
    }
  }
  const intro = /\b(?:our new|the new|try (?:the|our)|meet (?:the|our)|introducing(?: the| our)?|discover (?:the|our)|check out (?:the|our)|say hello to(?: the| our)?)\s+((?:\p{Lu}[\p{L}\p{N}'’-]*)(?:\s+(?:\p{Lu}[\p{L}\p{N}'’-]*|of|and|&|de|la)){0,6})/gu;
  const known = [...allowed, ctx.shop.name.toLowerCase()];
  for (const m of text.matchAll(intro)) {
    const name = m[1]!.replace(/\s+(?:of|and|&|de|la)$/i, "").trim();
    const lower = name.toLowerCase();
    if (!known.some((k) => k.includes(lower) || lower.includes(k))) problems.push(`${where} introduces "${name}", which is not one of this email's products`);
  }
  return problems;
}
