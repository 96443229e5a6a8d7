// The fake Shopify Admin server's data: a store holds products, customers and
// orders in Shopify's REST/webhook JSON shapes (snake_case, money as decimal
// strings and *_set MoneyBags), the same objects the demo generator produces and
// the webhooks carry. Only the fields the fake reads are typed; others pass through.

export type RestId = number | string;

export interface RestMoney {
  amount: string;
  currency_code: string;
}

export interface RestMoneySet {
  shop_money: RestMoney;
  presentment_money: RestMoney;
}

export interface RestVariant {
  id: RestId;
  product_id?: RestId;
  title?: string;
  sku?: string | null;
  price: string;
  compare_at_price?: string | null;
  inventory_quantity?: number | null;
  position?: number;
  created_at?: string;
  updated_at?: string;
  [key: string]: unknown;
}

export interface RestImage {
  id?: RestId;
  src: string;
  alt?: string | null;
  [key: string]: unknown;
}

export interface RestProduct {
  id: RestId;
  title: string;
  handle: string;
  body_html?: string | null;
  product_type?: string;
  vendor?: string;
  status?: "active" | "draft" | "archived";
  tags?: string;
  created_at: string;
  updated_at: string;
  published_at?: string | null;
  variants: RestVariant[];
  image?: RestImage | null;
  images?: RestImage[];
  /** Not in Shopify's REST product; the demo may attach collections here. */
  collections?: { id: RestId; handle: string; title: string }[];
  [key: string]: unknown;
}

export interface RestEmailMarketingConsent {
  state: string; // subscribed | not_subscribed | unsubscribed | pending | redacted | invalid
  opt_in_level?: string | null; // single_opt_in | confirmed_opt_in | unknown
  consent_updated_at?: string | null;
}

export interface RestAddress {
  country_code?: string | null;
  province?: string | null;
  city?: string | null;
  zip?: string | null;
  [key: string]: unknown;
}

export interface RestCustomer {
  id: RestId;
  email?: string | null;
  first_name?: string | null;
  last_name?: string | null;
  phone?: string | null;
  state?: string; // enabled | disabled | invited | declined
  tags?: string;
  created_at: string;
  updated_at: string;
  email_marketing_consent?: RestEmailMarketingConsent | null;
  default_address?: RestAddress | null;
  orders_count?: number;
  total_spent?: string;
  [key: string]: unknown;
}

export interface RestLineItem {
  id: RestId;
  product_id?: RestId | null;
  variant_id?: RestId | null;
  title: string;
  variant_title?: string | null;
  sku?: string | null;
  quantity: number;
  price: string;
  price_set?: RestMoneySet;
  total_discount?: string;
  total_discount_set?: RestMoneySet;
  [key: string]: unknown;
}

export interface RestRefund {
  id: RestId;
  created_at: string;
  transactions?: { amount: string; kind?: string; status?: string; [key: string]: unknown }[];
  [key: string]: unknown;
}

export interface RestOrder {
  id: RestId;
  name?: string;
  email?: string | null;
  created_at: string;
  updated_at: string;
  processed_at?: string | null;
  cancelled_at?: string | null;
  cancel_reason?: string | null;
  closed_at?: string | null;
  currency: string;
  presentment_currency?: string;
  total_price: string;
  subtotal_price?: string;
  total_discounts?: string;
  total_tax?: string;
  total_price_set?: RestMoneySet;
  subtotal_price_set?: RestMoneySet;
  total_discounts_set?: RestMoneySet;
  total_tax_set?: RestMoneySet;
  total_shipping_price_set?: RestMoneySet;
  discount_codes?: { code: string; amount?: string; type?: string }[];
  landing_site?: string | null;
  referring_site?: string | null;
  source_name?: string | null;
  checkout_token?: string | null;
  cart_token?: string | null;
  financial_status?: string | null;
  fulfillment_status?: string | null;
  test?: boolean;
  tags?: string;
  customer?: ({ id: RestId } & Record<string, unknown>) | null;
  line_items: RestLineItem[];
  refunds?: RestRefund[];
  [key: string]: unknown;
}

export interface RestShop {
  name: string;
  currency: string;
  iana_timezone: string;
  email?: string;
  /** The billing address (the legal footer's default). */
  address?: { address1?: string; address2?: string; city?: string; province?: string; zip?: string; country?: string };
  /** The storefront's primary domain (default: the myshopify domain). */
  domain?: string;
}

/** One shop's data on the fake. Mutations (consent updates) change it in place. */
export interface FakeStore {
  shop?: Partial<RestShop>;
  products: RestProduct[];
  customers: RestCustomer[];
  orders: RestOrder[];
}

/** Cost-based throttling, as Shopify's leaky bucket. */
export interface ThrottleOptions {
  maximumAvailable: number; // bucket size (Shopify standard: 2000)
  restoreRate: number; // points per second (Shopify standard: 100)
  maxQueryCost?: number; // a single query above this is refused (Shopify: 1000)
}

export interface FailureRule {
  /** Which requests count: "graphql" (default), "token", "other" (e.g. bulk result downloads), or any request. */
  path?: "graphql" | "token" | "other" | "any";
  /** Fails the Nth matching request from now on (1 = the next one). */
  nth: number;
  /** How many consecutive matching requests fail from the Nth (default 1). */
  times?: number;
  status?: number; // default 500
  /** Only requests whose body contains this text count (e.g. an operation name). */
  match?: string;
}

export interface FakeShopifyOptions {
  apiKey: string;
  apiSecret: string;
  stores?: Record<string, FakeStore>;
  throttle?: Partial<ThrottleOptions>;
  /** Scopes granted by token exchange (comma separated). */
  scopes?: string;
  /** Minimum simulated time a bulk operation stays RUNNING, in ms (default 0). */
  bulkDelayMs?: number;
  /** A bulk operation answers RUNNING to this many status reads before it ends (default 0). */
  bulkPollsUntilDone?: number;
}

export interface MutationRecord {
  shop: string;
  name: string; // the root field, e.g. "webPixelCreate"
  variables: Record<string, unknown>;
  at: Date;
}

export interface FakeWebPixel {
  id: string;
  settings: string;
}

export interface FakeDiscount {
  id: string;
  code: string;
  title: string;
  input: Record<string, unknown>;
}

export interface FakeBulkOperation {
  id: string;
  status: "CREATED" | "RUNNING" | "COMPLETED" | "FAILED" | "CANCELED";
  query: string;
  createdAt: string;
  completedAt: string | null;
  objectCount: number;
  fileSize: number;
  jsonl: string;
  errorCode: string | null;
  readyAt: number;
  /** Status reads (node / currentBulkOperation) so far, and how many answer RUNNING. */
  polls: number;
  readyAfterPolls: number;
  /** Ends FAILED with this error code instead of COMPLETED. */
  failWith: string | null;
  /** The result URL answers 403, as an expired signed URL does. */
  urlExpired: boolean;
}

export interface ShopState {
  store: FakeStore;
  webPixels: FakeWebPixel[];
  discounts: FakeDiscount[];
  bulkOperations: FakeBulkOperation[];
  /** Error codes the next bulk operations started will fail with, in order. */
  bulkFailures: string[];
  bucket: { available: number; at: number };
}

export interface FakeShopifyState {
  shops: Map<string, ShopState>;
  /** access token → shop */
  tokens: Map<string, string>;
  mutations: MutationRecord[];
  requests: { method: string; path: string; shop: string | null; status: number }[];
  failures: FailureRule[];
  /** THROTTLED answers given (the bucket was too low for the query). */
  throttledResponses: number;
  throttle: ThrottleOptions;
  bulkDelayMs?: number;
  bulkPollsUntilDone?: number;
}
