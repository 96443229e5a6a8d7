// Loopwise browse pixel (strict sandbox). Sends the events Loopwise uses to
// settings.endpoint in small batches, trimmed to the fields the app reads; the
// wire format is documented in app/core/pixel/schema.ts.
import {
  register,
  type PixelEventsCheckoutCompleted,
  type PixelEventsCheckoutStarted,
  type PixelEventsCollectionViewed,
  type PixelEventsPageViewed,
  type PixelEventsProductAddedToCart,
  type PixelEventsProductViewed,
  type PixelEventsSearchSubmitted,
  type ProductVariant,
} from "@shopify/web-pixels-extension";

type Subscribed =
  | PixelEventsPageViewed
  | PixelEventsProductViewed
  | PixelEventsCollectionViewed
  | PixelEventsSearchSubmitted
  | PixelEventsProductAddedToCart
  | PixelEventsCheckoutStarted
  | PixelEventsCheckoutCompleted;

const EVENTS: ReadonlyArray<Subscribed["name"]> = [
  "page_viewed",
  "product_viewed",
  "collection_viewed",
  "search_submitted",
  "product_added_to_cart",
  "checkout_started",
  "checkout_completed",
];
const MAX_BATCH = 20; // well under the endpoint's 50 events and 64 KB
const FLUSH_MS = 2000;

type Identity = { customerId?: string; email?: string };

const variant = (v: ProductVariant | null | undefined) => (v ? { id: v.id, product: { id: v.product?.id ?? null } } : null);

/** Only what the endpoint reads: ids, the query, the checkout token; no addresses or names. */
function trim(event: Subscribed): { data: object; identity?: Identity } {
  switch (event.name) {
    case "product_viewed":
      return { data: { productVariant: variant(event.data.productVariant) } };
    case "collection_viewed":
      return { data: { collection: { id: event.data.collection?.id ?? null } } };
    case "search_submitted":
      return { data: { searchResult: { query: String(event.data.searchResult?.query ?? "").slice(0, 200) } } };
    case "product_added_to_cart": {
      const line = event.data.cartLine;
      return { data: { cartLine: line ? { quantity: line.quantity, merchandise: variant(line.merchandise) } : null } };
    }
    case "checkout_started":
    case "checkout_completed": {
      const checkout = event.data.checkout;
      const identity: Identity = {};
      if (checkout?.email) identity.email = checkout.email;
      if (checkout?.order?.customer?.id) identity.customerId = checkout.order.customer.id;
      return { data: { checkout: { token: checkout?.token ?? null } }, identity };
    }
    default:
      return { data: {} };
  }
}

register(({ analytics, settings, init }) => {
  const endpoint = typeof settings.endpoint === "string" ? settings.endpoint : "";
  const shop = typeof settings.shop === "string" && settings.shop ? settings.shop : init.data.shop.myshopifyDomain;
  if (!endpoint || !shop) return;
  const customerId = init.data.customer?.id;

  let queue: object[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;

  const flush = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    while (queue.length > 0) {
      const events = queue.slice(0, MAX_BATCH);
      queue = queue.slice(MAX_BATCH);
      const body = JSON.stringify({ shop, ...(customerId ? { identity: { customerId } } : {}), events });
      // text/plain keeps it a "simple" CORS request (no preflight); keepalive lets it outlive the page.
      fetch(endpoint, { method: "POST", body, keepalive: true, credentials: "omit", headers: { "Content-Type": "text/plain" } }).catch(() => undefined);
    }
  };

  const onEvent = (event: Subscribed) => {
    const { data, identity } = trim(event);
    queue.push({
      id: event.id,
      name: event.name,
      timestamp: event.timestamp,
      clientId: event.clientId,
      seq: event.seq,
      context: { document: { location: { href: event.context?.document?.location?.href ?? "" } } },
      data,
      ...(identity && Object.keys(identity).length ? { identity } : {}),
    });
    // Checkout pages navigate away fast, and a full batch should not wait.
    if (event.name.startsWith("checkout_") || queue.length >= MAX_BATCH) flush();
    else timer ??= setTimeout(flush, FLUSH_MS);
  };

  for (const name of EVENTS) analytics.subscribe(name, onEvent);
});
