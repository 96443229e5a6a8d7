// Which email earned an order (docs/decisions/012-attribution.md). Pure: the
// settings, the rules in their order, the click token, the net revenue, and
// the choice among candidates the database layer found (attribute.server.ts).
//
// An order is credited to at most one message, by the first rule that matches:
//   1. discount-code   the order used the single-use code one of our emails carried
//   2. checkout-token  the order completed the checkout a cart-recovery email was about
//   3. click-token     the order's landing page carries the `lw` token of one of our links
//   4. last-click      the latest click on one of our emails within the window before the order
//   5. last-open       (only if the merchant turns it on) the latest human open within its window
// Every candidate must have been sent before the order was placed; machine
// opens never count; test orders are never attributed.
import { z } from "zod";

export const ATTRIBUTION_RULES = ["discount-code", "checkout-token", "click-token", "last-click", "last-open"] as const;
export type AttributionRule = (typeof ATTRIBUTION_RULES)[number];

/** How each rule reads to a merchant, next to the numbers and on each order. */
export const RULE_TEXT: Record<AttributionRule, string> = {
  "discount-code": "used the discount code from this email",
  "checkout-token": "completed the checkout this cart-recovery email was about",
  "click-token": "arrived at the store from a link in this email",
  "last-click": "clicked this email within the attribution window before ordering",
  "last-open": "opened this email within the open window before ordering",
};

const days = (what: string, max: number) =>
  z
    .number({ invalid_type_error: `${what} must be a number of days` })
    .int(`${what} must be a whole number of days`)
    .min(1, `${what} must be at least 1 day`)
    .max(max, `${what} must be at most ${max} days`);

export const AttributionSettingsSchema = z
  .object({
    /** Days after a click in which an order is credited to it. */
    windowDays: days("The attribution window", 30).default(5),
    /** Whether human opens (never machine opens) may attribute an order that no click explains. */
    countOpens: z.boolean({ invalid_type_error: "Counting opens must be on or off" }).default(false),
    /** Days after an open in which an order is credited to it (when opens count). */
    openWindowDays: days("The open window", 30).default(1),
  })
  .strict();

export type AttributionSettings = z.output<typeof AttributionSettingsSchema>;
export const DEFAULT_ATTRIBUTION_SETTINGS: AttributionSettings = AttributionSettingsSchema.parse({});

export type ParsedAttributionSettings = { ok: true; settings: AttributionSettings } | { ok: false; errors: Record<string, string> };

/** A merchant's edit laid over what is stored, validated whole; errors keyed by field. */
export function parseAttributionSettings(input: unknown, current: AttributionSettings = DEFAULT_ATTRIBUTION_SETTINGS): ParsedAttributionSettings {
  if (typeof input !== "object" || input === null || Array.isArray(input)) return { ok: false, errors: { attribution: "The attribution settings must be an object" } };
  const r = AttributionSettingsSchema.safeParse({ ...current, ...input });
  if (r.success) return { ok: true, settings: r.data };
  const errors: Record<string, string> = {};
  for (const issue of r.error.issues) {
    const key = issue.path.join(".") || "attribution";
    errors[key] ??= issue.code === "unrecognized_keys" ? `Unknown setting: ${issue.keys.join(", ")}` : issue.message;
  }
  return { ok: false, errors };
}

/** What is stored, read leniently: a field that no longer validates falls back to its default. */
export function readAttributionSettings(stored: unknown): AttributionSettings {
  if (typeof stored !== "object" || stored === null || Array.isArray(stored)) return DEFAULT_ATTRIBUTION_SETTINGS;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(AttributionSettingsSchema.shape)) {
    const r = field.safeParse((stored as Record<string, unknown>)[key]);
    if (r.success) out[key] = r.data;
  }
  return AttributionSettingsSchema.parse(out);
}

/** The rule and window in words, as the dashboard states them. */
export function describeAttribution(s: AttributionSettings): string {
  const click = `the email whose discount code was used, else the cart-recovery email for the completed checkout, else the email whose link started the visit, else the last email clicked within ${s.windowDays} day${s.windowDays === 1 ? "" : "s"} before the order`;
  const open = s.countOpens ? `, else the last email opened within ${s.openWindowDays} day${s.openWindowDays === 1 ? "" : "s"} (machine opens never count)` : "";
  return `Each order is credited to at most one email: ${click}${open}. Revenue is the order's total less refunds, in the shop's currency; cancelled orders count zero.`;
}

const MESSAGE_ID = /^[A-Za-z0-9_-]{8,64}$/;

/**
 * The click token `lw=<messageId>` in an order's landing site ("/products/x?lw=…",
 * or a full URL). Null when there is none or it is not shaped like our ids.
 */
export function clickTokenOf(landingSite: string | null | undefined): string | null {
  if (!landingSite) return null;
  let url: URL;
  try {
    url = new URL(landingSite.slice(0, 4000), "https://shop.invalid");
  } catch {
    return null;
  }
  const token = url.searchParams.get("lw");
  return token && MESSAGE_ID.test(token) ? token : null;
}

/** The discount codes an order used (Order.discountCodes, stored as ["CODE", ...]), upper-cased: Shopify's codes are case-insensitive. */
export function discountCodesOf(stored: unknown): string[] {
  if (!Array.isArray(stored)) return [];
  const codes = stored.flatMap((c) => (typeof c === "string" ? [c] : typeof c === "object" && c && typeof (c as { code?: unknown }).code === "string" ? [(c as { code: string }).code] : []));
  return [...new Set(codes.map((c) => c.trim().toUpperCase()).filter((c) => c.length > 0 && c.length <= 255))];
}

/** An order's revenue as credited: total less refunds, never negative, zero once cancelled. */
export function netRevenue(order: { totalPrice: number; refundedAmount: number; cancelledAt: Date | null }): number {
  if (order.cancelledAt) return 0;
  return Math.max(0, order.totalPrice - order.refundedAmount);
}

/** One message a rule matched, and the instant it matched on (the send, the click, the open). */
export interface Candidate {
  messageId: string;
  touchedAt: Date;
}

/** What each rule found for one order (the database layer fills these). */
export type Candidates = Partial<Record<AttributionRule, readonly Candidate[]>>;

export interface Choice extends Candidate {
  rule: AttributionRule;
}

/**
 * The first rule with a candidate wins; within a rule the latest touch wins,
 * ties broken by message id, so the same candidates always give the same answer.
 * Candidates touched after the order was placed are ignored.
 */
export function chooseAttribution(orderedAt: Date, candidates: Candidates): Choice | null {
  for (const rule of ATTRIBUTION_RULES) {
    let best: Candidate | null = null;
    for (const c of candidates[rule] ?? []) {
      if (c.touchedAt.getTime() > orderedAt.getTime()) continue;
      if (!best || c.touchedAt.getTime() > best.touchedAt.getTime() || (c.touchedAt.getTime() === best.touchedAt.getTime() && c.messageId > best.messageId)) best = c;
    }
    if (best) return { rule, ...best };
  }
  return null;
}
