// Dynamic offers, pure part: the plan's offer (flows/plan/offer.ts) checked
// against the shop's incentive policy, unguessable single-use codes, and the
// Admin API input that makes one.
import { randomBytes } from "node:crypto";
import type { IncentiveSettings, Offer } from "../flows/plan";
import { currencyExponent } from "../ingest/money";

/**
 * The shop's incentive policy (settings): what any plan may offer at most. The
 * planner reads the first three; a code is checked against all of them again
 * when it is made, so a plan edited after the policy tightened cannot slip past.
 */
export interface IncentivePolicy extends IncentiveSettings {
  /** The largest fixed amount off (minor units). */
  maxAmountOff: number;
  /** Codes expire after at most this many days. */
  maxExpiryDays: number;
}

/** Modest by default: a merchant raises them in settings. */
export const DEFAULT_INCENTIVE_POLICY: IncentivePolicy = { allowDiscounts: true, maxPercentOff: 15, allowFreeShipping: true, maxAmountOff: 2_000, maxExpiryDays: 14 };

/** Codes last this long when the plan's offer does not say. */
export const DEFAULT_EXPIRY_DAYS = 7;

/** Problems with the plan's offer under the shop's policy, in words ([] when fine). */
export function offerProblems(offer: Offer, policy: IncentivePolicy = DEFAULT_INCENTIVE_POLICY): string[] {
  const problems: string[] = [];
  if (offer.kind === "free-shipping") {
    if (!policy.allowFreeShipping) problems.push("the shop does not allow free-shipping offers");
  } else if (!policy.allowDiscounts) {
    problems.push("the shop does not allow discounts");
  }
  if (offer.kind === "percentage" && policy.maxPercentOff !== null && offer.percent > policy.maxPercentOff) {
    problems.push(`${offer.percent}% is above the shop's limit of ${policy.maxPercentOff}%`);
  }
  if (offer.kind === "fixed-amount" && offer.amountMinor > policy.maxAmountOff) problems.push("the amount is above the shop's limit");
  const days = expiryDays(offer);
  if (days > policy.maxExpiryDays) problems.push(`codes must expire within ${policy.maxExpiryDays} days`);
  return problems;
}

export function expiryDays(offer: Offer): number {
  return offer.expiresInDays ?? DEFAULT_EXPIRY_DAYS;
}

// Crockford's base32 without I, L, O, U: nothing to misread when typed at checkout.
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** "LW-" + 10 random base32 characters (50 bits): not guessable, not enumerable. */
export function newOfferCode(bytes: (n: number) => Uint8Array = randomBytes): string {
  const raw = bytes(10);
  let code = "";
  for (let i = 0; i < 10; i++) code += ALPHABET[raw[i]! % 32];
  return `LW-${code}`;
}

export function minorToDecimal(minor: number, currency: string): string {
  const exp = currencyExponent(currency);
  const negative = minor < 0;
  const digits = String(Math.abs(minor)).padStart(exp + 1, "0");
  const text = exp === 0 ? digits : `${digits.slice(0, -exp)}.${digits.slice(-exp)}`;
  return negative ? `-${text}` : text;
}

/**
 * The Admin API input for one code, one use, for this customer only, until
 * expiry: DiscountCodeBasicInput for money off, DiscountCodeFreeShippingInput
 * (all destinations) for free shipping.
 */
export function discountCodeInput(input: { code: string; title: string; offer: Offer; currency: string; customerGid: string; startsAt: Date; endsAt: Date }) {
  const { offer } = input;
  const common = {
    title: input.title.slice(0, 255),
    code: input.code,
    startsAt: input.startsAt.toISOString(),
    endsAt: input.endsAt.toISOString(),
    usageLimit: 1,
    appliesOncePerCustomer: true,
    context: { customers: { add: [input.customerGid] } },
    ...(offer.minimumSubtotalMinor ? { minimumRequirement: { subtotal: { greaterThanOrEqualToSubtotal: minorToDecimal(offer.minimumSubtotalMinor, input.currency) } } } : {}),
  };
  if (offer.kind === "free-shipping") return { ...common, destination: { all: true } };
  const value =
    offer.kind === "percentage"
      ? { percentage: offer.percent / 100 }
      : { discountAmount: { amount: minorToDecimal(offer.amountMinor, input.currency), appliesOnEachItem: false } };
  return { ...common, customerGets: { value, items: { all: true } } };
}
