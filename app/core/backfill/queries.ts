// The Admin GraphQL operations of the install backfill and zod schemas for
// their responses and for the lines of bulk-operation result files. Pure.
import { z } from "zod";

const gql = String.raw;

export const SHOP_QUERY = gql`#graphql
  query LoopwiseShop {
    shop { name email myshopifyDomain currencyCode ianaTimezone primaryDomain { host } billingAddress { address1 address2 city province zip country } }
  }`;

export const COUNTS_QUERY = gql`#graphql
  query LoopwiseBackfillCounts($ordersQuery: String!) {
    productsCount(query: "status:active") { count precision }
    customersCount { count precision }
    ordersCount(query: $ordersQuery) { count precision }
  }`;

const VARIANT_FIELDS = `id title sku price compareAtPrice inventoryQuantity availableForSale position`;
const PRODUCT_FIELDS = `id title handle description productType vendor status tags publishedAt createdAt updatedAt featuredImage { url }`;
const CUSTOMER_FIELDS = `id email firstName lastName phone state tags createdAt updatedAt
  emailMarketingConsent { marketingState marketingOptInLevel consentUpdatedAt }
  defaultAddress { countryCodeV2 province city zip }`;
const ORDER_FIELDS = `id name email createdAt updatedAt processedAt cancelledAt cancelReason test tags sourceName
  currencyCode displayFinancialStatus displayFulfillmentStatus discountCodes
  totalPriceSet { shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } }
  subtotalPriceSet { shopMoney { amount currencyCode } }
  totalDiscountsSet { shopMoney { amount currencyCode } }
  totalTaxSet { shopMoney { amount currencyCode } }
  totalShippingPriceSet { shopMoney { amount currencyCode } }
  refunds { id createdAt totalRefundedSet { shopMoney { amount currencyCode } } }
  customerJourneySummary { firstVisit { landingPage referrerUrl } lastVisit { landingPage referrerUrl } }
  customer { id email firstName lastName phone }`;
const LINE_FIELDS = `id title variantTitle sku quantity
  originalUnitPriceSet { shopMoney { amount currencyCode } }
  totalDiscountSet { shopMoney { amount currencyCode } }
  product { id } variant { id }`;

// ---- bulk operations ----
// A bulk query takes no variables: filters are part of its text. Nested
// connections come back as their own JSONL lines carrying `__parentId`;
// `groupObjects: true` puts them right after their parent (the default is
// false since 2026-01), which lets the backfill stream the file group by group.

const gqlString = (s: string) => JSON.stringify(s);

/** The active catalog: each product line is followed by its variant and collection lines. */
export function productsBulkQuery(): string {
  return `{
  products(query: ${gqlString("status:active")}) { edges { node {
    ${PRODUCT_FIELDS}
    collections { edges { node { id handle title } } }
    variants { edges { node { ${VARIANT_FIELDS} } } }
  } } }
}`;
}

/** Every customer with their email marketing consent: one line each. */
export function customersBulkQuery(): string {
  return `{
  customers { edges { node {
    ${CUSTOMER_FIELDS}
  } } }
}`;
}

/** Orders created on or after `since` (the search filter), each followed by its line item lines. */
export function ordersBulkQuery(search: string): string {
  return `{
  orders(query: ${gqlString(search)}) { edges { node {
    ${ORDER_FIELDS}
    lineItems { edges { node { ${LINE_FIELDS} } } }
  } } }
}`;
}

export const BULK_RUN_MUTATION = gql`#graphql
  mutation LoopwiseBulkRun($query: String!) {
    bulkOperationRunQuery(query: $query, groupObjects: true) {
      bulkOperation { id status }
      userErrors { field message code }
    }
  }`;

const BULK_FIELDS = `id status errorCode objectCount url query`;

export const BULK_POLL_QUERY = gql`#graphql
  query LoopwiseBulkPoll($id: ID!) {
    node(id: $id) { ... on BulkOperation { ${BULK_FIELDS} } }
  }`;

export const CURRENT_BULK_QUERY = gql`#graphql
  query LoopwiseBulkCurrent {
    currentBulkOperation(type: QUERY) { ${BULK_FIELDS} }
  }`;

// ---- response schemas ----

const money = z.object({ amount: z.string(), currencyCode: z.string() });
const shopMoney = z.object({ shopMoney: money });

export const zShop = z.object({
  shop: z.object({
    name: z.string(),
    email: z.string().nullable().optional(),
    myshopifyDomain: z.string(),
    currencyCode: z.string(),
    ianaTimezone: z.string(),
    primaryDomain: z.object({ host: z.string() }).nullable().optional(),
    billingAddress: z.record(z.string().nullable().optional()).nullable().optional(),
  }),
});

const count = z.object({ count: z.number().int(), precision: z.string() }).nullable();
export const zCounts = z.object({ productsCount: count, customersCount: count, ordersCount: count });

export const zVariant = z.object({
  id: z.string(),
  title: z.string(),
  sku: z.string().nullable(),
  price: z.string(),
  compareAtPrice: z.string().nullable(),
  inventoryQuantity: z.number().int().nullable(),
  availableForSale: z.boolean(),
  position: z.number().int(),
});
export type GqlVariant = z.infer<typeof zVariant>;

export const zProduct = z.object({
  id: z.string(),
  title: z.string(),
  handle: z.string(),
  description: z.string(),
  productType: z.string(),
  vendor: z.string(),
  status: z.enum(["ACTIVE", "DRAFT", "ARCHIVED"]),
  tags: z.array(z.string()),
  publishedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  featuredImage: z.object({ url: z.string() }).nullable(),
});
export type GqlProduct = z.infer<typeof zProduct>;
export const zCollection = z.object({ id: z.string(), handle: z.string(), title: z.string() });
export type GqlCollection = z.infer<typeof zCollection>;

const consentState = z.enum(["SUBSCRIBED", "NOT_SUBSCRIBED", "UNSUBSCRIBED", "PENDING", "REDACTED", "INVALID"]);
const optInLevel = z.enum(["SINGLE_OPT_IN", "CONFIRMED_OPT_IN", "UNKNOWN"]);

export const zCustomer = z.object({
  id: z.string(),
  email: z.string().nullable(),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  phone: z.string().nullable(),
  state: z.string(),
  tags: z.array(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
  emailMarketingConsent: z
    .object({ marketingState: consentState, marketingOptInLevel: optInLevel.nullable(), consentUpdatedAt: z.string().nullable() })
    .nullable(),
  defaultAddress: z
    .object({ countryCodeV2: z.string().nullable(), province: z.string().nullable(), city: z.string().nullable(), zip: z.string().nullable() })
    .nullable(),
});
export type GqlCustomer = z.infer<typeof zCustomer>;

export const zLineItem = z.object({
  id: z.string(),
  title: z.string(),
  variantTitle: z.string().nullable(),
  sku: z.string().nullable(),
  quantity: z.number().int(),
  originalUnitPriceSet: shopMoney,
  totalDiscountSet: shopMoney,
  product: z.object({ id: z.string() }).nullable(),
  variant: z.object({ id: z.string() }).nullable(),
});
export type GqlLineItem = z.infer<typeof zLineItem>;

const visit = z.object({ landingPage: z.string().nullable(), referrerUrl: z.string().nullable() }).nullable();

export const zOrder = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  processedAt: z.string().nullable(),
  cancelledAt: z.string().nullable(),
  cancelReason: z.string().nullable(),
  test: z.boolean(),
  tags: z.array(z.string()),
  sourceName: z.string().nullable(),
  currencyCode: z.string(),
  displayFinancialStatus: z.string().nullable(),
  displayFulfillmentStatus: z.string().nullable(),
  discountCodes: z.array(z.string()),
  totalPriceSet: z.object({ shopMoney: money, presentmentMoney: money }),
  subtotalPriceSet: shopMoney.nullable(),
  totalDiscountsSet: shopMoney.nullable(),
  totalTaxSet: shopMoney.nullable(),
  totalShippingPriceSet: shopMoney,
  refunds: z.array(z.object({ id: z.string(), createdAt: z.string().nullable(), totalRefundedSet: shopMoney })),
  customerJourneySummary: z.object({ firstVisit: visit, lastVisit: visit }).nullable(),
  customer: z
    .object({ id: z.string(), email: z.string().nullable(), firstName: z.string().nullable(), lastName: z.string().nullable(), phone: z.string().nullable() })
    .nullable(),
});
export type GqlOrder = z.infer<typeof zOrder>;

const bulkStatus = z.enum(["CANCELED", "CANCELING", "COMPLETED", "CREATED", "EXPIRED", "FAILED", "RUNNING"]);
export const zBulkOperation = z.object({
  id: z.string(),
  status: bulkStatus,
  errorCode: z.string().nullable(),
  objectCount: z.coerce.number(),
  url: z.string().nullable(),
  query: z.string(),
});
export type GqlBulkOperation = z.infer<typeof zBulkOperation>;
const zUserError = z.object({ field: z.array(z.string()).nullable(), message: z.string(), code: z.string().nullable() });
export const zBulkRun = z.object({
  bulkOperationRunQuery: z.object({ bulkOperation: z.object({ id: z.string(), status: bulkStatus }).nullable(), userErrors: z.array(zUserError) }).nullable(),
});
/** node(id:) answers null for an unknown id, and {} for a node of another type. */
export const zBulkPoll = z.object({ node: zBulkOperation.nullable().or(z.object({}).strict().transform(() => null)) });
export const zBulkCurrent = z.object({ currentBulkOperation: zBulkOperation.nullable() });
