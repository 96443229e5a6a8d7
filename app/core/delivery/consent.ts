// Who may receive marketing email, on plain data. The database shell is
// marketingEligibility / canReceiveMarketing in suppression.server.ts.
//
// Marketing email goes only to a customer who (1) still exists with an email
// address, (2) is not on the shop's suppression list, and (3) has Shopify email
// consent SUBSCRIBED. Cart recovery may later be allowed to reach checkout
// emails without consent where the merchant's setting and the recipient's law
// allow it: that choice belongs to the sender, which must still drop every
// suppressed address (suppressedAmong); nothing here relaxes (2).

export type SkipReason = "unknown-customer" | "deleted" | "no-email" | "suppressed" | "not-subscribed";

export interface ConsentFacts {
  email: string | null;
  emailConsentState: string;
  deletedAt: Date | null;
  redactedAt: Date | null;
}

export type MarketingDecision = { ok: true } | { ok: false; reason: SkipReason };

/** The decision for one customer (null: no such customer in this shop). The most specific reason wins. */
export function marketingDecision(customer: ConsentFacts | null, suppressed: boolean): MarketingDecision {
  if (!customer) return { ok: false, reason: "unknown-customer" };
  if (customer.deletedAt || customer.redactedAt) return { ok: false, reason: "deleted" };
  if (!customer.email) return { ok: false, reason: "no-email" };
  if (suppressed) return { ok: false, reason: "suppressed" };
  if (customer.emailConsentState !== "SUBSCRIBED") return { ok: false, reason: "not-subscribed" };
  return { ok: true };
}
