// The Admin GraphQL operations of the install backfill and zod schemas for
// their responses. Page sizes are variables: the runner shrinks them when a
// page would cost more than Shopify allows in one query.
import { z } from "zod";

const gql = String.raw;

export const SHOP_QUERY = gql`#graphql
  query LoopwiseShop {
    shop { name myshopifyDomain currencyCode ianaTimezone }
  }`;

export const COUNTS_QUERY = gql`#graphql
  query LoopwiseBackfillCounts($ordersQuery: String!) {
    productsCount(query: "status:active") { count precision }
    customersCount { count precision }
    ordersCount(query: $ordersQuery) { count precision }
  }`;

const VARIANT_FIELDS = `id title sku price compareAtPrice inventoryQuantity availableForSale position`;
const LINE_FIELDS = `id title variantTitle sku quantity
  originalUnitPriceSet { shopMoney { amount currencyCode } }
  totalDiscountSet { shopMoney { amount currencyCode } }
  product { id } variant { id }`;

export const PRODUCTS_QUERY = gql`#graphql
  query LoopwiseBackfillProducts($first: Int!, $after: String) {
    products(first: $first, after: $after, query: "status:active", sortKey: ID) {
      pageInfo { hasNextPage endCursor }
      nodes {
        id title handle description productType vendor status tags publishedAt createdAt updatedAt
        featuredImage { url }
        collections(first: 10) { nodes { id handle title } }
        variants(first: 50) { pageInfo { hasNextPage endCursor } nodes { ${VARIANT_FIELDS} } }
      }
    }
  }`;

export const PRODUCT_VARIANTS_QUERY = gql`#graphql
  query LoopwiseBackfillVariants($id: ID!, $after: String) {
    product(id: $id) {
      variants(first: 100, after: $after) { pageInfo { hasNextPage endCursor } nodes { ${VARIANT_FIELDS} } }
    }
  }`;

export const CUSTOMERS_QUERY = gql`#graphql
  query LoopwiseBackfillCustomers($first: Int!, $after: String) {
    customers(first: $first, after: $after, sortKey: ID) {
      pageInfo { hasNextPage endCursor }
      nodes {
        id email firstName lastName phone state tags createdAt updatedAt
        emailMarketingConsent { marketingState marketingOptInLevel consentUpdatedAt }
        defaultAddress { countryCodeV2 province city zip }
      }
    }
  }`;

export const ORDERS_QUERY = gql`#graphql
  query LoopwiseBackfillOrders($first: Int!, $after: String, $query: String!) {
    orders(first: $first, after: $after, query: $query, sortKey: ID) {
      pageInfo { hasNextPage endCursor }
      nodes {
        id name email createdAt updatedAt processedAt cancelledAt cancelReason test tags sourceName
        currencyCode displayFinancialStatus displayFulfillmentStatus discountCodes
        totalPriceSet { shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } }
        subtotalPriceSet { shopMoney { amount currencyCode } }
        totalDiscountsSet { shopMoney { amount currencyCode } }
        totalTaxSet { shopMoney { amount currencyCode } }
        totalShippingPriceSet { shopMoney { amount currencyCode } }
        refunds(first: 20) { id createdAt totalRefundedSet { shopMoney { amount currencyCode } } }
        customerJourneySummary { firstVisit { landingPage referrerUrl } lastVisit { landingPage referrerUrl } }
        customer { id email firstName lastName phone }
        lineItems(first: 10) { pageInfo { hasNextPage endCursor } nodes { ${LINE_FIELDS} } }
      }
    }
  }`;

export const ORDER_LINES_QUERY = gql`#graphql
  query LoopwiseBackfillOrderLines($id: ID!, $after: String) {
    order(id: $id) {
      lineItems(first: 50, after: $after) { pageInfo { hasNextPage endCursor } nodes { ${LINE_FIELDS} } }
    }
  }`;

// ---- response schemas ----

const money = z.object({ amount: z.string(), currencyCode: z.string() });
const shopMoney = z.object({ shopMoney: money });
const pageInfo = z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() });
const connection = <T extends z.ZodTypeAny>(node: T) => z.object({ pageInfo, nodes: z.array(node) });

export const zShop = z.object({
  shop: z.object({ name: z.string(), myshopifyDomain: z.string(), currencyCode: z.string(), ianaTimezone: z.string() }),
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
  collections: z.object({ nodes: z.array(z.object({ id: z.string(), handle: z.string(), title: z.string() })) }),
  variants: connection(zVariant),
});
export type GqlProduct = z.infer<typeof zProduct>;
export const zProductsPage = z.object({ products: connection(zProduct) });
export const zVariantsPage = z.object({ product: z.object({ variants: connection(zVariant) }).nullable() });

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
export const zCustomersPage = z.object({ customers: connection(zCustomer) });

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
  lineItems: connection(zLineItem),
});
export type GqlOrder = z.infer<typeof zOrder>;
export const zOrdersPage = z.object({ orders: connection(zOrder) });
export const zOrderLinesPage = z.object({ order: z.object({ lineItems: connection(zLineItem) }).nullable() });
