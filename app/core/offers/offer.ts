// Dynamic offers, pure part: the terms a plan may offer, the shop's incentive
// policy that bounds them, unguessable single-use codes, and the Admin API input.
import { randomBytes } from "node:crypto";
import { currencyExponent } from "../ingest/money";

export type OfferTerms =
  | { kind: "percentage"; /** percent off, 1..100 */ value: number; expiresInDays: number }
  | { kind: "fixed_amount"; /** minor units off */ value: number; expiresInDays: number };

export interface IncentivePolicy {
  /** The largest percentage a flow may offer. */
  maxPercentOff: number;
  /** The largest fixed amount a flow may offer (minor units). */
  maxAmountOff: number;
  /** Codes expire after at most this many days. */
  maxExpiryDays: number;
}

/** Modest by default: a merchant raises them in settings. */
export const DEFAULT_INCENTIVE_POLICY: IncentivePolicy = { maxPercentOff: 15, maxAmountOff: 2_000, maxExpiryDays: 14 };

/** Problems with these terms under the policy, in words ([] when fine). */
export function termsProblems(terms: OfferTerms, policy: IncentivePolicy = DEFAULT_INCENTIVE_POLICY): string[] {
  const problems: string[] = [];
  if (!Number.isInteger(terms.value) || terms.value <= 0) problems.push("the discount must be a positive whole number");
  if (terms.kind === "percentage" && terms.value > policy.maxPercentOff) problems.push(`${terms.value}% is above the shop's limit of ${policy.maxPercentOff}%`);
  if (terms.kind === "fixed_amount" && terms.value > policy.maxAmountOff) problems.push(`the amount is above the shop's limit`);
  if (!Number.isInteger(terms.expiresInDays) || terms.expiresInDays < 1 || terms.expiresInDays > policy.maxExpiryDays) {
    problems.push(`codes must expire within 1 to ${policy.maxExpiryDays} days`);
  }
  return problems;
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

/** DiscountCodeBasicInput: one code, one use, for this customer only, until expiry. */
export function discountCodeInput(input: { code: string; title: string; terms: OfferTerms; currency: string; customerGid: string; startsAt: Date; endsAt: Date }) {
  const value =
    input.terms.kind === "percentage"
      ? { percentage: input.terms.value / 100 }
      : { discountAmount: { amount: minorToDecimal(input.terms.value, input.currency), appliesOnEachItem: false } };
  return {
    title: input.title.slice(0, 255),
    code: input.code,
    startsAt: input.startsAt.toISOString(),
    endsAt: input.endsAt.toISOString(),
    usageLimit: 1,
    appliesOncePerCustomer: true,
    context: { customers: { add: [input.customerGid] } },
    customerGets: { value, items: { all: true } },
  };
}
