// Abandoned checkouts: started, given an email and an address, never completed.
import type { Rng } from "./prng";
import type { Catalog } from "./catalog";
import { embeddedCustomer, EMAIL_DOMAINS, type CustomerPlan } from "./customers";
import { uuid, type IdAllocator } from "./ids";
import { checkoutTotals, toMoney } from "./money";
import { shopTimestamp, DAY } from "./shop-time";
import { seasonalTime } from "./timing";
import type { DemoWebhook, RestCheckout, RestCheckoutLineItem } from "./types";
import { TRAFFIC_SOURCES } from "./vocabulary";

export interface AbandonedCheckout {
  checkout: RestCheckout; // final state
  startedMs: number;
  /** Index of the customer plan, or null for a guest. */
  plan: number | null;
}

export function generateAbandonedCheckouts(
  rng: Rng,
  ids: IdAllocator,
  plans: CustomerPlan[],
  catalog: Catalog,
  opts: { count: number; now: number; days: number; currency: string; shopDomain: string; shopNumericId: number },
): { abandoned: AbandonedCheckout[]; webhooks: DemoWebhook[] } {
  const abandoned: AbandonedCheckout[] = [];
  const webhooks: DemoWebhook[] = [];
  const from = opts.now - opts.days * DAY;
  const sources = TRAFFIC_SOURCES.map((s) => [s, s[2]] as const);
  for (let i = 0; i < opts.count; i++) {
    const startedMs = seasonalTime(rng, from, opts.now - 2 * 3_600_000);
    const known = rng.chance(0.6);
    const planIndex = known ? rng.int(0, plans.length - 1) : null;
    const plan = planIndex === null ? null : plans[planIndex]!;
    // Existing customers must exist before their checkout starts.
    if (plan && plan.createdMs >= startedMs) continue;
    const guestEmail = rng.chance(0.85) ? `guest${i + 1}.${rng.hex(4)}@${rng.pick(EMAIL_DOMAINS)}` : null;
    const email = plan ? plan.customer.email : guestEmail;
    const count = 1 + rng.poisson(0.6);
    const lines: RestCheckoutLineItem[] = [];
    const seen = new Set<number>();
    for (let n = 0; n < count; n++) {
      const entry = rng.pick(catalog.sellable);
      if (seen.has(entry.product.id)) continue;
      seen.add(entry.product.id);
      const variant = rng.pick(entry.product.variants);
      const quantity = rng.chance(0.85) ? 1 : 2;
      const unit = Math.round(Number(variant.price) * 100);
      lines.push({
        key: rng.hex(32),
        product_id: entry.product.id,
        variant_id: variant.id,
        title: entry.product.title,
        variant_title: variant.title === "Default Title" ? null : variant.title,
        sku: variant.sku,
        vendor: entry.product.vendor,
        quantity,
        price: variant.price,
        line_price: toMoney(unit * quantity),
        compare_at_price: variant.compare_at_price,
        requires_shipping: true,
        taxable: true,
        gift_card: false,
        grams: variant.grams,
        applied_discounts: [],
        discount_allocations: [],
        tax_lines: [],
      });
    }
    const subtotal = lines.reduce((s, l) => s + Math.round(Number(l.line_price) * 100), 0);
    const token = rng.hex(32);
    const [referring, utm] = rng.weighted(sources);
    const id = ids.next("checkout");
    const created = shopTimestamp(startedMs);
    const base: RestCheckout = {
      id,
      token,
      cart_token: rng.hex(32),
      name: `#${id}`,
      email: plan ? email : null,
      phone: null,
      currency: opts.currency,
      presentment_currency: opts.currency,
      buyer_accepts_marketing: plan ? plan.customer.email_marketing_consent.state === "subscribed" : rng.chance(0.4),
      customer_locale: "en",
      created_at: created,
      updated_at: created,
      completed_at: null,
      closed_at: null,
      landing_site: `/${utm}`,
      referring_site: referring,
      source_name: "web",
      abandoned_checkout_url: `https://${opts.shopDomain}/${opts.shopNumericId}/checkouts/ac/${token}/recover?key=${rng.hex(32)}`,
      ...checkoutTotals(subtotal),
      line_items: lines,
      shipping_lines: [],
      shipping_address: null,
      billing_address: null,
      customer: plan ? embeddedCustomer(plan.customer) : null,
    };
    webhooks.push({ topic: "checkouts/create", at: startedMs, eventId: uuid(rng), payload: base });
    // A few minutes later the buyer types an email and an address, then leaves.
    const updatedMs = startedMs + rng.int(1, 15) * 60_000;
    const address = plan ? plan.address : null;
    const final: RestCheckout = { ...base, email, updated_at: shopTimestamp(updatedMs), shipping_address: address, billing_address: address };
    webhooks.push({ topic: "checkouts/update", at: updatedMs, eventId: uuid(rng), payload: final });
    abandoned.push({ checkout: final, startedMs, plan: planIndex });
  }
  return { abandoned, webhooks };
}
