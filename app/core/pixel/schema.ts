// The pixel endpoint's wire format, parsed at the boundary.
//
//   POST /pixel/events   (Content-Type application/json or text/plain; no credentials)
//   {
//     "shop": "acme.myshopify.com",
//     "identity": { "customerId": "gid://shopify/Customer/1", "email": "a@b.c" },   // optional, whole batch
//     "events": [                                                                   // 1..50
//       { "id", "name", "timestamp", "clientId", "seq"?,                            // a Shopify standard event
//         "context": { "document": { "location": { "href" } } },                    // as given to analytics.subscribe
//         "data": { ... },
//         "identity"?: { "customerId"?, "email"? } }                                // optional, this event only
//     ]
//   }
//
// An event's identity is the batch identity, overridden by its own, then by what
// the event itself shows: data.checkout.email and data.checkout.order.customer.id.
import { z } from "zod";
import { shopifyIdFrom, type ShopifyResource } from "./gid";
import { cleanSearch, cleanText, cleanUrl } from "./text";

export const PIXEL_EVENT_NAMES = [
  "page_viewed",
  "product_viewed",
  "collection_viewed",
  "search_submitted",
  "product_added_to_cart",
  "checkout_started",
  "checkout_completed",
] as const;
export type PixelEventName = (typeof PIXEL_EVENT_NAMES)[number];

export const MAX_BODY_BYTES = 64 * 1024;
export const MAX_EVENTS_PER_BATCH = 50;
/** Older events are refused (the demo replays up to a year of history). */
export const MAX_EVENT_AGE_MS = 400 * 24 * 3600_000;
/** Browser clocks run ahead; up to a day is accepted and clamped to the time of receipt. */
export const MAX_CLOCK_SKEW_MS = 24 * 3600_000;

const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]{0,62}\.myshopify\.com$/;

export interface Identity {
  customerShopifyId?: string;
  email?: string;
}

/** One validated, normalised event, ready to store. */
export interface PixelEvent {
  eventId: string;
  browserId: string;
  type: PixelEventName;
  occurredAt: Date;
  seq: number | null;
  url: string | null;
  productShopifyId: string | null;
  variantShopifyId: string | null;
  collectionShopifyId: string | null;
  searchQuery: string | null;
  checkoutToken: string | null;
  quantity: number | null;
  identity: Identity;
}

// ---- building blocks ----

const shopifyId = (resource: ShopifyResource) =>
  z
    .union([z.string().max(200), z.number().int().nonnegative()])
    .nullish()
    .transform((value, ctx) => {
      if (value === null || value === undefined || value === "") return null;
      const id = shopifyIdFrom(String(value), resource);
      if (id === null) ctx.addIssue({ code: "custom", message: `not a Shopify ${resource} id` });
      return id;
    });

/** Emails are lower-cased and trimmed; one that is not an email is ignored, not an error. */
export function normalizeEmail(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const email = value.trim().toLowerCase();
  return email.length <= 254 && z.string().email().safeParse(email).success ? email : undefined;
}

const identitySchema = z
  .object({
    customerId: shopifyId("Customer").optional(),
    email: z.unknown().optional(),
  })
  .nullish()
  .transform((v): Identity => {
    const out: Identity = {};
    if (v?.customerId) out.customerShopifyId = v.customerId;
    const email = normalizeEmail(v?.email);
    if (email) out.email = email;
    return out;
  });

const variantSchema = z.object({
  id: shopifyId("ProductVariant"),
  product: z.object({ id: shopifyId("Product") }).nullish(),
});

/** Ids and tokens are printable ASCII: a NUL or a control character never reaches the database. */
const opaqueId = (max: number) => z.string().min(1).max(max).regex(/^[\x21-\x7E]+$/, "must be printable ASCII");

const checkoutSchema = z.object({
  token: opaqueId(128).nullish(),
  email: z.unknown().optional(),
  order: z.object({ customer: z.object({ id: shopifyId("Customer") }).nullish() }).nullish(),
});

const dataSchemas = {
  page_viewed: z.unknown(),
  product_viewed: z.object({ productVariant: variantSchema }),
  collection_viewed: z.object({ collection: z.object({ id: shopifyId("Collection") }) }),
  search_submitted: z.object({ searchResult: z.object({ query: z.string() }) }),
  product_added_to_cart: z.object({
    cartLine: z
      .object({ quantity: z.number().int().min(0).max(100_000), merchandise: variantSchema })
      .nullable(),
  }),
  checkout_started: z.object({ checkout: checkoutSchema }),
  checkout_completed: z.object({ checkout: checkoutSchema }),
} satisfies Record<PixelEventName, z.ZodTypeAny>;

const eventSchema = z.object({
  id: opaqueId(128),
  name: z.string().max(100),
  clientId: opaqueId(128),
  timestamp: z.string().max(64),
  seq: z.number().int().nonnegative().nullish(),
  context: z
    .object({ document: z.object({ location: z.object({ href: z.string() }).nullish() }).nullish() })
    .nullish(),
  data: z.unknown(),
  identity: identitySchema.optional(),
});

export const envelopeSchema = z.object({
  shop: z.string().max(255).transform((s) => s.trim().toLowerCase()).pipe(z.string().regex(SHOP_DOMAIN, "not a myshopify.com domain")),
  identity: identitySchema.optional(),
  events: z.array(z.unknown()).min(1, "no events").max(MAX_EVENTS_PER_BATCH, `too many events: at most ${MAX_EVENTS_PER_BATCH} per batch`),
});
export type Envelope = z.infer<typeof envelopeSchema>;

function describe(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message))
    .join("; ");
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

function dataOf<S extends z.ZodTypeAny>(schema: S, value: unknown): Parsed<z.output<S>> {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, value: result.data };
  const issues = result.error.issues.map((i) => ({ ...i, path: ["data", ...i.path] }));
  return { ok: false, error: describe(new z.ZodError(issues)) };
}

/** `tooMany`: the batch is over MAX_EVENTS_PER_BATCH (the endpoint answers 413). */
export function parseEnvelope(body: unknown): Parsed<Envelope> & { tooMany?: boolean } {
  const result = envelopeSchema.safeParse(body);
  if (result.success) return { ok: true, value: result.data };
  const tooMany = result.error.issues.some((i) => i.code === "too_big" && i.path[0] === "events" && i.path.length === 1);
  return { ok: false, error: describe(result.error), tooMany };
}

/** The browser an event claims to come from, before it is validated (for rate limiting). */
export function claimedBrowserId(raw: unknown): string {
  const id = typeof raw === "object" && raw !== null ? (raw as { clientId?: unknown }).clientId : undefined;
  return typeof id === "string" ? id.slice(0, 128) : "";
}

function isEventName(name: string): name is PixelEventName {
  return (PIXEL_EVENT_NAMES as readonly string[]).includes(name);
}

/** Validates and normalises one event; `batchIdentity` is the envelope's. */
export function parseEvent(raw: unknown, batchIdentity: Identity, now: Date): Parsed<PixelEvent> {
  const base = eventSchema.safeParse(raw);
  if (!base.success) return { ok: false, error: describe(base.error) };
  const e = base.data;
  if (!isEventName(e.name)) return { ok: false, error: `name: unsupported event "${cleanText(e.name, 40)}"` };

  const at = Date.parse(e.timestamp);
  if (Number.isNaN(at)) return { ok: false, error: "timestamp: not a date" };
  if (at > now.getTime() + MAX_CLOCK_SKEW_MS) return { ok: false, error: "timestamp: in the future" };
  if (at < now.getTime() - MAX_EVENT_AGE_MS) return { ok: false, error: "timestamp: too old" };

  const event: PixelEvent = {
    eventId: e.id,
    browserId: e.clientId,
    type: e.name,
    occurredAt: new Date(Math.min(at, now.getTime())),
    seq: e.seq ?? null,
    url: e.context?.document?.location?.href ? cleanUrl(e.context.document.location.href) : null,
    productShopifyId: null,
    variantShopifyId: null,
    collectionShopifyId: null,
    searchQuery: null,
    checkoutToken: null,
    quantity: null,
    identity: { ...batchIdentity, ...(e.identity ?? {}) },
  };

  switch (e.name) {
    case "page_viewed":
      break;
    case "product_viewed": {
      const d = dataOf(dataSchemas.product_viewed, e.data);
      if (!d.ok) return d;
      event.variantShopifyId = d.value.productVariant.id;
      event.productShopifyId = d.value.productVariant.product?.id ?? null;
      break;
    }
    case "collection_viewed": {
      const d = dataOf(dataSchemas.collection_viewed, e.data);
      if (!d.ok) return d;
      event.collectionShopifyId = d.value.collection.id;
      break;
    }
    case "search_submitted": {
      const d = dataOf(dataSchemas.search_submitted, e.data);
      if (!d.ok) return d;
      event.searchQuery = cleanSearch(d.value.searchResult.query);
      break;
    }
    case "product_added_to_cart": {
      const d = dataOf(dataSchemas.product_added_to_cart, e.data);
      if (!d.ok) return d;
      const line = d.value.cartLine;
      event.variantShopifyId = line?.merchandise.id ?? null;
      event.productShopifyId = line?.merchandise.product?.id ?? null;
      event.quantity = line?.quantity ?? null;
      break;
    }
    case "checkout_started":
    case "checkout_completed": {
      const d = dataOf(dataSchemas.checkout_started, e.data);
      if (!d.ok) return d;
      const checkout = d.value.checkout;
      event.checkoutToken = checkout.token ? cleanText(checkout.token, 128) : null;
      const email = normalizeEmail(checkout.email);
      if (email) event.identity.email = email;
      const customerId = checkout.order?.customer?.id;
      if (customerId) event.identity.customerShopifyId = customerId;
      break;
    }
    default: {
      const unreachable: never = e.name;
      throw new Error(`unhandled pixel event ${String(unreachable)}`);
    }
  }
  return { ok: true, value: event };
}
