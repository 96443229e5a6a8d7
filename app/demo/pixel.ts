// Browsing sessions as Shopify Web Pixel standard events, in the documented
// shapes (ProductVariant, Collection, SearchResult, CartLine, Checkout).
import type { Rng } from "./prng";
import type { Catalog, CatalogEntry } from "./catalog";
import type { AbandonedCheckout } from "./checkouts";
import type { CustomerPlan } from "./customers";
import { uuid } from "./ids";
import { DAY } from "./shop-time";
import { seasonalTime } from "./timing";
import type { BrowseSession, DemoCollection, PixelEvent, RestCheckout, RestOrder, RestVariant } from "./types";
import { SEARCH_TERMS, TRAFFIC_SOURCES, USER_AGENTS } from "./vocabulary";

type MoneyV2 = { amount: number; currencyCode: string };

const money = (amount: string | number, currencyCode: string): MoneyV2 => ({ amount: Number(amount), currencyCode });

export function pixelVariant(entry: CatalogEntry["product"], variant: RestVariant, currency: string) {
  return {
    id: String(variant.id),
    title: variant.title,
    untranslatedTitle: variant.title,
    sku: variant.sku,
    price: money(variant.price, currency),
    image: { src: entry.image?.src ?? null },
    product: { id: String(entry.id), title: entry.title, untranslatedTitle: entry.title, type: entry.product_type, vendor: entry.vendor, url: `/products/${entry.handle}` },
  };
}

class SessionWriter {
  readonly events: PixelEvent[] = [];
  private seq = 0;
  private referrer: string;
  constructor(
    private readonly rng: Rng,
    private readonly shop: string,
    readonly clientId: string,
    private t: number,
    private readonly ua: string,
    referrer: string,
  ) {
    this.referrer = referrer;
  }

  /** A page load: page_viewed, then the page's own event when it has one. */
  page(pathname: string, title: string, extra?: { name: PixelEvent["name"]; data: Record<string, unknown> }) {
    const [path, search = ""] = pathname.split("?");
    const href = `https://${this.shop}${pathname}`;
    const context: PixelEvent["context"] = {
      document: {
        location: { href, host: this.shop, hostname: this.shop, pathname: path ?? "/", search: search ? `?${search}` : "", protocol: "https:", origin: `https://${this.shop}` },
        referrer: this.referrer,
        title,
        characterSet: "UTF-8",
      },
      navigator: { userAgent: this.ua, language: "en-US", cookieEnabled: true },
    };
    const emit = (name: PixelEvent["name"], data: Record<string, unknown>) => {
      this.events.push({ id: `sh-${uuid(this.rng)}`, name, type: "standard", timestamp: new Date(this.t).toISOString(), clientId: this.clientId, seq: this.seq++, context, data });
      this.t += this.rng.int(50, 900);
    };
    emit("page_viewed", {});
    if (extra) emit(extra.name, extra.data);
    this.referrer = href;
    this.t += this.rng.int(8, 120) * 1000;
  }

  get time() {
    return this.t;
  }
  set time(ms: number) {
    this.t = ms;
  }
}

export interface SessionInputs {
  shopDomain: string;
  currency: string;
  now: number;
  days: number;
  /** Non-converting sessions per converting or checkout session. */
  browseRatio: number;
  orders: { order: RestOrder; atMs: number; plan: number }[];
  abandoned: AbandonedCheckout[];
  plans: CustomerPlan[];
}

function checkoutData(c: RestOrder | RestCheckout, token: string, currency: string, variants: Map<number, { entry: CatalogEntry; variant: RestVariant }>, orderId?: number) {
  const lineItems = c.line_items.map((li) => {
    const found = variants.get(li.variant_id);
    return {
      id: String(li.variant_id),
      title: li.title,
      quantity: li.quantity,
      variant: found ? pixelVariant(found.entry.product, found.variant, currency) : null,
      finalLinePrice: money(Number(li.price) * li.quantity, currency),
      discountAllocations: [],
    };
  });
  return {
    checkout: {
      token,
      email: c.email,
      currencyCode: currency,
      subtotalPrice: money(c.subtotal_price, currency),
      totalPrice: money(c.total_price, currency),
      totalTax: money(c.total_tax, currency),
      lineItems,
      ...(orderId ? { order: { id: String(orderId) } } : {}),
    },
  };
}

export function generateSessions(rng: Rng, catalog: Catalog, collections: DemoCollection[], input: SessionInputs): BrowseSession[] {
  const from = input.now - input.days * DAY;
  const cur = input.currency;
  const variants = new Map<number, { entry: CatalogEntry; variant: RestVariant }>();
  for (const entry of catalog.entries) for (const variant of entry.product.variants) variants.set(variant.id, { entry, variant });
  const byId = new Map(catalog.entries.map((e) => [e.product.id, e]));
  const clientIds = new Map<number, string>();
  const clientFor = (plan: number | null) => {
    if (plan === null) return uuid(rng);
    let id = clientIds.get(plan);
    if (!id) clientIds.set(plan, (id = uuid(rng)));
    return id;
  };
  const sources = TRAFFIC_SOURCES.map((s) => [s, s[2]] as const);
  const sessions: BrowseSession[] = [];

  const browse = (w: SessionWriter, want: CatalogEntry[], addToCart: boolean) => {
    w.page("/", "Loopwise Demo Goods");
    if (rng.chance(0.5)) {
      const c = rng.pick(collections);
      const shown = c.product_ids.slice(0, 8).map((id) => byId.get(id)).filter((e): e is CatalogEntry => !!e);
      w.page(`/collections/${c.handle}`, c.title, {
        name: "collection_viewed",
        data: { collection: { id: String(c.id), title: c.title, productVariants: shown.map((e) => pixelVariant(e.product, e.product.variants[0]!, cur)) } },
      });
    }
    if (rng.chance(0.2)) {
      const query = rng.pick(SEARCH_TERMS);
      w.page(`/search?q=${query}`, `Search: ${query}`, { name: "search_submitted", data: { searchResult: { query, productVariants: [] } } });
    }
    for (const entry of want) {
      const variant = entry.product.variants[0]!;
      w.page(`/products/${entry.product.handle}`, entry.product.title, { name: "product_viewed", data: { productVariant: pixelVariant(entry.product, variant, cur) } });
      if (addToCart) {
        w.page(`/products/${entry.product.handle}`, entry.product.title, {
          name: "product_added_to_cart",
          data: { cartLine: { quantity: 1, cost: { totalAmount: money(variant.price, cur) }, merchandise: pixelVariant(entry.product, variant, cur) } },
        });
      }
    }
  };
  const start = (plan: number | null, endMs: number | null) => {
    const [referrer] = rng.weighted(sources);
    const startMs = endMs !== null ? endMs - rng.int(3, 25) * 60_000 : seasonalTime(rng, from, input.now - 3_600_000);
    return new SessionWriter(rng, input.shopDomain, clientFor(plan), startMs, rng.pick(USER_AGENTS), referrer);
  };
  const entriesOf = (lines: { product_id: number }[]) => lines.map((l) => byId.get(l.product_id)).filter((e): e is CatalogEntry => !!e);

  for (const { order, atMs, plan } of input.orders) {
    if (atMs < from) continue;
    const w = start(plan, atMs);
    browse(w, entriesOf(order.line_items), true);
    const pathname = `/checkouts/cn/${order.checkout_token}`;
    w.page(pathname, "Checkout", { name: "checkout_started", data: checkoutData(order, order.checkout_token, cur, variants) });
    w.time = Math.max(w.time, atMs - 1000);
    w.page(`${pathname}/thank-you`, "Thank you", { name: "checkout_completed", data: checkoutData(order, order.checkout_token, cur, variants, order.id) });
    sessions.push({ clientId: w.clientId, customerId: order.customer.id, email: order.email, events: w.events });
  }
  for (const a of input.abandoned) {
    const w = start(a.plan, a.startedMs);
    browse(w, entriesOf(a.checkout.line_items), true);
    w.time = Math.max(w.time, a.startedMs);
    w.page(`/checkouts/cn/${a.checkout.token}`, "Checkout", { name: "checkout_started", data: checkoutData(a.checkout, a.checkout.token, cur, variants) });
    sessions.push({ clientId: w.clientId, customerId: a.checkout.customer?.id ?? null, email: a.checkout.email, events: w.events });
  }
  const browsing = Math.round((sessions.length || 1) * input.browseRatio);
  for (let i = 0; i < browsing; i++) {
    const planIndex = rng.chance(0.3) ? rng.int(0, input.plans.length - 1) : null;
    const plan = planIndex === null ? null : input.plans[planIndex]!;
    const w = start(planIndex, null);
    const known = plan !== null && plan.createdMs < w.time;
    const views = 1 + rng.poisson(1.2);
    const want = Array.from({ length: views }, () => rng.pick(catalog.sellable));
    browse(w, want, rng.chance(0.15));
    sessions.push({ clientId: w.clientId, customerId: known ? plan.customer.id : null, email: known ? plan.customer.email : null, events: w.events });
  }
  sessions.sort((a, b) => (a.events[0]?.timestamp ?? "").localeCompare(b.events[0]?.timestamp ?? ""));
  return sessions;
}
