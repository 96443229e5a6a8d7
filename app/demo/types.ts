// Shapes of the generated demo store: Shopify REST webhook payloads (the
// fields Loopwise and the fake Admin API use, named and typed as Shopify
// sends them) and Web Pixel standard events.

export type Money = string; // decimal string, e.g. "24.00"

export interface MoneySet {
  shop_money: { amount: Money; currency_code: string };
  presentment_money: { amount: Money; currency_code: string };
}

export interface RestAddress {
  first_name: string;
  last_name: string;
  address1: string;
  address2: string | null;
  city: string;
  province: string;
  province_code: string;
  country: string;
  country_code: string;
  zip: string;
  phone: string | null;
  company: string | null;
  name: string;
}

export interface RestVariant {
  id: number;
  product_id: number;
  title: string;
  price: Money;
  compare_at_price: Money | null;
  sku: string;
  position: number;
  option1: string | null;
  option2: null;
  option3: null;
  inventory_policy: "deny" | "continue";
  inventory_management: "shopify";
  inventory_quantity: number;
  old_inventory_quantity: number;
  inventory_item_id: number;
  taxable: boolean;
  requires_shipping: boolean;
  grams: number;
  barcode: string | null;
  image_id: number | null;
  created_at: string;
  updated_at: string;
  admin_graphql_api_id: string;
}

export interface RestImage {
  id: number;
  product_id: number;
  position: number;
  alt: string;
  width: number;
  height: number;
  src: string;
  variant_ids: number[];
  created_at: string;
  updated_at: string;
  admin_graphql_api_id: string;
}

export interface RestProduct {
  id: number;
  title: string;
  handle: string;
  body_html: string;
  vendor: string;
  product_type: string;
  status: "active" | "draft" | "archived";
  tags: string;
  published_at: string | null;
  published_scope: "global";
  template_suffix: null;
  created_at: string;
  updated_at: string;
  variants: RestVariant[];
  options: { id: number; product_id: number; name: string; position: number; values: string[] }[];
  images: RestImage[];
  image: RestImage | null;
  admin_graphql_api_id: string;
}

export interface DemoCollection {
  id: number;
  handle: string;
  title: string;
  product_ids: number[];
  admin_graphql_api_id: string;
}

export interface EmailMarketingConsent {
  state: "subscribed" | "not_subscribed" | "unsubscribed";
  opt_in_level: "single_opt_in" | "confirmed_opt_in" | "unknown" | null;
  consent_updated_at: string | null;
}

export interface RestCustomer {
  id: number;
  email: string;
  first_name: string;
  last_name: string;
  phone: string | null;
  state: "enabled" | "disabled" | "invited";
  verified_email: boolean;
  tags: string;
  note: string | null;
  currency: string;
  tax_exempt: boolean;
  orders_count: number;
  total_spent: Money;
  last_order_id: number | null;
  last_order_name: string | null;
  email_marketing_consent: EmailMarketingConsent;
  sms_marketing_consent: null;
  addresses: (RestAddress & { id: number; customer_id: number; default: boolean })[];
  default_address: (RestAddress & { id: number; customer_id: number; default: boolean }) | null;
  created_at: string;
  updated_at: string;
  admin_graphql_api_id: string;
}

export interface RestOrderCustomer {
  id: number;
  email: string;
  first_name: string;
  last_name: string;
  state: string;
  email_marketing_consent: EmailMarketingConsent;
  created_at: string;
  updated_at: string;
  admin_graphql_api_id: string;
}

export interface RestLineItem {
  id: number;
  product_id: number;
  variant_id: number;
  title: string;
  variant_title: string | null;
  name: string;
  sku: string;
  vendor: string;
  quantity: number;
  current_quantity: number;
  fulfillable_quantity: number;
  price: Money;
  price_set: MoneySet;
  total_discount: Money;
  total_discount_set: MoneySet;
  discount_allocations: { amount: Money; amount_set: MoneySet; discount_application_index: number }[];
  grams: number;
  requires_shipping: boolean;
  taxable: boolean;
  gift_card: boolean;
  product_exists: boolean;
  admin_graphql_api_id: string;
}

export interface RestRefund {
  id: number;
  order_id: number;
  created_at: string;
  processed_at: string;
  note: string | null;
  restock: boolean;
  user_id: null;
  refund_line_items: {
    id: number;
    line_item_id: number;
    quantity: number;
    restock_type: "return" | "no_restock" | "cancel";
    subtotal: Money;
    total_tax: Money;
    line_item: RestLineItem;
  }[];
  transactions: { id: number; order_id: number; kind: "refund"; status: "success"; amount: Money; currency: string; gateway: string; created_at: string }[];
  order_adjustments: [];
  admin_graphql_api_id: string;
}

export interface RestOrder {
  id: number;
  admin_graphql_api_id: string;
  name: string;
  number: number;
  order_number: number;
  token: string;
  email: string;
  contact_email: string;
  currency: string;
  presentment_currency: string;
  total_price: Money;
  subtotal_price: Money;
  total_line_items_price: Money;
  total_discounts: Money;
  total_tax: Money;
  current_total_price: Money;
  total_price_set: MoneySet;
  subtotal_price_set: MoneySet;
  total_discounts_set: MoneySet;
  total_tax_set: MoneySet;
  total_shipping_price_set: MoneySet;
  taxes_included: boolean;
  discount_codes: { code: string; amount: Money; type: "percentage" | "fixed_amount" | "shipping" }[];
  financial_status: "paid" | "refunded" | "partially_refunded" | "voided";
  fulfillment_status: "fulfilled" | null;
  landing_site: string;
  referring_site: string;
  source_name: "web";
  checkout_token: string;
  cart_token: string;
  browser_ip: string;
  buyer_accepts_marketing: boolean;
  customer_locale: string;
  test: boolean;
  tags: string;
  confirmed: boolean;
  processed_at: string;
  created_at: string;
  updated_at: string;
  cancelled_at: string | null;
  cancel_reason: "customer" | "inventory" | "fraud" | "declined" | "other" | null;
  closed_at: string | null;
  customer: RestOrderCustomer;
  billing_address: RestAddress;
  shipping_address: RestAddress;
  line_items: RestLineItem[];
  shipping_lines: { id: number; title: string; code: string; price: Money; price_set: MoneySet; source: string }[];
  refunds: RestRefund[];
}

export interface RestCheckoutLineItem {
  key: string;
  product_id: number;
  variant_id: number;
  title: string;
  variant_title: string | null;
  sku: string;
  vendor: string;
  quantity: number;
  price: Money;
  line_price: Money;
  compare_at_price: Money | null;
  requires_shipping: boolean;
  taxable: boolean;
  gift_card: boolean;
  grams: number;
  applied_discounts: [];
  discount_allocations: [];
  tax_lines: [];
}

export interface RestCheckout {
  id: number;
  token: string;
  cart_token: string;
  name: string;
  email: string | null;
  phone: null;
  currency: string;
  presentment_currency: string;
  buyer_accepts_marketing: boolean;
  customer_locale: string;
  created_at: string;
  updated_at: string;
  completed_at: null;
  closed_at: null;
  landing_site: string;
  referring_site: string;
  source_name: "web";
  abandoned_checkout_url: string;
  subtotal_price: Money;
  total_line_items_price: Money;
  total_discounts: Money;
  total_tax: Money;
  total_price: Money;
  taxes_included: boolean;
  discount_codes: [];
  line_items: RestCheckoutLineItem[];
  shipping_lines: [];
  shipping_address: RestAddress | null;
  billing_address: RestAddress | null;
  customer: RestOrderCustomer | null;
}

/** A Shopify Web Pixel standard event as the pixel extension forwards it. */
export interface PixelEvent {
  id: string;
  name:
    | "page_viewed"
    | "product_viewed"
    | "collection_viewed"
    | "search_submitted"
    | "product_added_to_cart"
    | "checkout_started"
    | "checkout_completed";
  type: "standard";
  timestamp: string;
  clientId: string;
  seq: number;
  context: {
    document: {
      location: { href: string; host: string; hostname: string; pathname: string; search: string; protocol: "https:"; origin: string };
      referrer: string;
      title: string;
      characterSet: "UTF-8";
    };
    navigator: { userAgent: string; language: string; cookieEnabled: true };
  };
  data: Record<string, unknown>;
}

export type WebhookTopic =
  | "products/create"
  | "customers/create"
  | "customers/update"
  | "orders/create"
  | "orders/updated"
  | "orders/cancelled"
  | "refunds/create"
  | "checkouts/create"
  | "checkouts/update";

/** One webhook the store would have sent, at the moment Shopify would have sent it. */
export interface DemoWebhook {
  topic: WebhookTopic;
  /** UTC milliseconds. */
  at: number;
  /** Shopify's X-Shopify-Event-Id: stable for one event. */
  eventId: string;
  payload: RestProduct | RestCustomer | RestOrder | RestRefund | RestCheckout;
}

/** A browsing session: one browser, a run of standard events. */
export interface BrowseSession {
  clientId: string;
  /** The customer behind the browser, when the storefront knows them. */
  customerId: number | null;
  email: string | null;
  events: PixelEvent[];
}

export interface DemoShop {
  domain: string;
  name: string;
  currency: string;
  timezone: string;
  email: string;
}

export interface DemoStore {
  seed: number;
  now: string;
  shop: DemoShop;
  products: RestProduct[];
  collections: DemoCollection[];
  customers: RestCustomer[];
  /** Orders in their final state (refunds and cancellations applied). */
  orders: RestOrder[];
  /** Abandoned checkouts in their final state. */
  checkouts: RestCheckout[];
  sessions: BrowseSession[];
  /** Every webhook, sorted by time. */
  webhooks: DemoWebhook[];
}
