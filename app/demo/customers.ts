// Demo customers: names, emails on a reserved domain, addresses, consent, and
// when each one first bought.
import type { Rng } from "./prng";
import { gid, type IdAllocator } from "./ids";
import { shopTimestamp, DAY } from "./shop-time";
import { orderTimes, seasonalTime } from "./timing";
import type { EmailMarketingConsent, RestAddress, RestCustomer, RestOrderCustomer } from "./types";
import { FIRST_NAMES, LAST_NAMES, PLACES } from "./vocabulary";

export interface CustomerPlan {
  customer: RestCustomer; // state at creation (customers/create)
  address: RestAddress;
  createdMs: number;
  /** When the customer unsubscribed, if they did (a customers/update). */
  unsubscribedMs: number | null;
  orderTimes: number[];
}

export const EMAIL_DOMAINS = ["example.com", "example.net", "example.org"] as const;

function slug(text: string): string {
  return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^a-z]/g, "");
}

export function generateCustomers(rng: Rng, ids: IdAllocator, opts: { count: number; now: number; currency: string; buyerShare?: number }): CustomerPlan[] {
  const yearAgo = opts.now - 365 * DAY;
  const places = PLACES.map((p) => [p, p[6]] as const);
  const plans: CustomerPlan[] = [];
  for (let i = 0; i < opts.count; i++) {
    const first = rng.pick(FIRST_NAMES);
    const last = rng.pick(LAST_NAMES);
    const email = `${slug(first)}.${slug(last)}${i + 1}@${rng.pick(EMAIL_DOMAINS)}`;
    const buyer = rng.chance(opts.buyerShare ?? 0.84);
    // Buyers are created at (or shortly before) their first checkout; others sign up any time.
    const firstOrder = buyer ? seasonalTime(rng, yearAgo, opts.now - 3_600_000) : null;
    const createdMs = firstOrder !== null
      ? firstOrder - (rng.chance(0.25) ? rng.int(1, 60) * DAY : rng.int(60, 900) * 1000)
      : seasonalTime(rng, yearAgo, opts.now - 3_600_000);
    const times = firstOrder !== null ? orderTimes(rng, firstOrder, opts.now) : [];

    const [countryCode, country, provinceCode, province, city, zipPrefix] = rng.weighted(places);
    const address: RestAddress = {
      first_name: first,
      last_name: last,
      address1: `${rng.int(1, 2400)} ${rng.pick(["Oak", "Maple", "Cedar", "Pine", "Elm", "Harbor", "Mill", "Park"])} ${rng.pick(["Street", "Avenue", "Road", "Lane"])}`,
      address2: rng.chance(0.2) ? `Apt ${rng.int(1, 40)}` : null,
      city,
      province,
      province_code: provinceCode,
      country,
      country_code: countryCode,
      zip: /^\d+$/.test(zipPrefix) ? `${zipPrefix}${rng.int(10, 99)}` : `${zipPrefix} ${rng.int(1, 9)}AB`,
      phone: null,
      company: null,
      name: `${first} ${last}`,
    };

    // Consent at creation: most who tick the box get single opt-in; some confirm by email.
    const subscribed = rng.chance(0.58);
    const unsubscribes = subscribed && rng.chance(0.22);
    const unsubscribedMs = unsubscribes ? Math.min(opts.now - 60_000, createdMs + rng.exponential(60) * DAY + DAY) : null;
    const consent: EmailMarketingConsent = subscribed
      ? {
          state: "subscribed",
          opt_in_level: rng.weighted([["single_opt_in", 0.72], ["confirmed_opt_in", 0.24], ["unknown", 0.04]] as const),
          consent_updated_at: shopTimestamp(createdMs),
        }
      : { state: "not_subscribed", opt_in_level: "single_opt_in", consent_updated_at: null };

    const id = ids.next("customer");
    const created = shopTimestamp(createdMs);
    const addressRow = { ...address, id: ids.next("address"), customer_id: id, default: true };
    const customer: RestCustomer = {
      id,
      email,
      first_name: first,
      last_name: last,
      phone: null,
      state: rng.chance(0.3) ? "enabled" : "disabled",
      verified_email: true,
      tags: rng.chance(0.05) ? "vip" : "",
      note: null,
      currency: opts.currency,
      tax_exempt: false,
      orders_count: 0,
      total_spent: "0.00",
      last_order_id: null,
      last_order_name: null,
      email_marketing_consent: consent,
      sms_marketing_consent: null,
      addresses: [addressRow],
      default_address: addressRow,
      created_at: created,
      updated_at: created,
      admin_graphql_api_id: gid("Customer", id),
    };
    plans.push({ customer, address, createdMs, unsubscribedMs, orderTimes: times });
  }
  return plans;
}

/** The customer as it looks after unsubscribing (the customers/update payload). */
export function unsubscribed(customer: RestCustomer, atMs: number): RestCustomer {
  const at = shopTimestamp(atMs);
  return {
    ...customer,
    email_marketing_consent: { state: "unsubscribed", opt_in_level: customer.email_marketing_consent.opt_in_level, consent_updated_at: at },
    updated_at: at,
  };
}

/** The customer object embedded in orders and checkouts. */
export function embeddedCustomer(customer: RestCustomer): RestOrderCustomer {
  return {
    id: customer.id,
    email: customer.email,
    first_name: customer.first_name,
    last_name: customer.last_name,
    state: customer.state,
    email_marketing_consent: customer.email_marketing_consent,
    created_at: customer.created_at,
    updated_at: customer.updated_at,
    admin_graphql_api_id: customer.admin_graphql_api_id,
  };
}
