// A subset of Shopify's Admin GraphQL schema (names and shapes as in the real
// API), executed by the real `graphql` package.
import { buildSchema } from "graphql";

export const ADMIN_SDL = /* GraphQL */ `
  scalar DateTime
  scalar URL
  scalar Money
  scalar UnsignedInt64
  scalar JSON
  scalar HTML

  interface Node { id: ID! }

  type PageInfo {
    hasNextPage: Boolean!
    hasPreviousPage: Boolean!
    startCursor: String
    endCursor: String
  }

  enum CountPrecision { EXACT AT_LEAST }
  type Count { count: Int! precision: CountPrecision! }

  type Domain { host: String! url: URL! }
  type Shop implements Node {
    id: ID!
    name: String!
    email: String
    myshopifyDomain: String!
    currencyCode: String!
    ianaTimezone: String!
    primaryDomain: Domain!
    billingAddress: ShopAddress!
  }
  type ShopAddress { address1: String address2: String city: String province: String zip: String country: String }

  type MoneyV2 { amount: Money! currencyCode: String! }
  type MoneyBag { shopMoney: MoneyV2! presentmentMoney: MoneyV2! }

  enum ProductStatus { ACTIVE DRAFT ARCHIVED }
  enum ProductSortKeys { ID TITLE CREATED_AT UPDATED_AT }
  type Image { id: ID url: URL! altText: String }
  type ProductPriceRangeV2 { minVariantPrice: MoneyV2! maxVariantPrice: MoneyV2! }
  type Collection implements Node { id: ID! handle: String! title: String! }
  type CollectionEdge { cursor: String! node: Collection! }
  type CollectionConnection { edges: [CollectionEdge!]! nodes: [Collection!]! pageInfo: PageInfo! }
  type ProductVariant implements Node {
    id: ID!
    legacyResourceId: UnsignedInt64!
    title: String!
    sku: String
    price: Money!
    compareAtPrice: Money
    inventoryQuantity: Int
    availableForSale: Boolean!
    position: Int!
    createdAt: DateTime!
    updatedAt: DateTime!
    product: Product!
  }
  type ProductVariantEdge { cursor: String! node: ProductVariant! }
  type ProductVariantConnection { edges: [ProductVariantEdge!]! nodes: [ProductVariant!]! pageInfo: PageInfo! }
  type Product implements Node {
    id: ID!
    legacyResourceId: UnsignedInt64!
    title: String!
    handle: String!
    description: String!
    descriptionHtml: HTML!
    productType: String!
    vendor: String!
    status: ProductStatus!
    tags: [String!]!
    createdAt: DateTime!
    updatedAt: DateTime!
    publishedAt: DateTime
    onlineStoreUrl: URL
    totalInventory: Int!
    featuredImage: Image
    priceRangeV2: ProductPriceRangeV2!
    variants(first: Int, after: String, last: Int, before: String): ProductVariantConnection!
    collections(first: Int, after: String, last: Int, before: String): CollectionConnection!
  }
  type ProductEdge { cursor: String! node: Product! }
  type ProductConnection { edges: [ProductEdge!]! nodes: [Product!]! pageInfo: PageInfo! }

  enum CustomerEmailMarketingState { NOT_SUBSCRIBED PENDING SUBSCRIBED UNSUBSCRIBED REDACTED INVALID }
  enum CustomerMarketingOptInLevel { SINGLE_OPT_IN CONFIRMED_OPT_IN UNKNOWN }
  enum CustomerState { DECLINED DISABLED ENABLED INVITED }
  enum CustomerSortKeys { ID NAME CREATED_AT UPDATED_AT }
  type CustomerEmailMarketingConsentState {
    marketingState: CustomerEmailMarketingState!
    marketingOptInLevel: CustomerMarketingOptInLevel
    consentUpdatedAt: DateTime
  }
  type CustomerEmailAddress { emailAddress: String! marketingState: CustomerEmailMarketingState! }
  type MailingAddress { countryCodeV2: String province: String city: String zip: String }
  type Customer implements Node {
    id: ID!
    legacyResourceId: UnsignedInt64!
    email: String
    defaultEmailAddress: CustomerEmailAddress
    firstName: String
    lastName: String
    phone: String
    state: CustomerState!
    tags: [String!]!
    createdAt: DateTime!
    updatedAt: DateTime!
    emailMarketingConsent: CustomerEmailMarketingConsentState
    defaultAddress: MailingAddress
    numberOfOrders: UnsignedInt64!
    amountSpent: MoneyV2!
  }
  type CustomerEdge { cursor: String! node: Customer! }
  type CustomerConnection { edges: [CustomerEdge!]! nodes: [Customer!]! pageInfo: PageInfo! }

  enum OrderSortKeys { ID CREATED_AT UPDATED_AT PROCESSED_AT }
  type LineItem implements Node {
    id: ID!
    title: String!
    variantTitle: String
    sku: String
    quantity: Int!
    originalUnitPriceSet: MoneyBag!
    totalDiscountSet: MoneyBag!
    product: Product
    variant: ProductVariant
  }
  type LineItemEdge { cursor: String! node: LineItem! }
  type LineItemConnection { edges: [LineItemEdge!]! nodes: [LineItem!]! pageInfo: PageInfo! }
  type Refund implements Node { id: ID! createdAt: DateTime totalRefundedSet: MoneyBag! }
  type CustomerVisit implements Node { id: ID! landingPage: URL referrerUrl: URL source: String! occurredAt: DateTime! }
  type CustomerJourneySummary { firstVisit: CustomerVisit lastVisit: CustomerVisit ready: Boolean! }
  type Order implements Node {
    id: ID!
    legacyResourceId: UnsignedInt64!
    name: String!
    email: String
    createdAt: DateTime!
    updatedAt: DateTime!
    processedAt: DateTime!
    cancelledAt: DateTime
    cancelReason: String
    closedAt: DateTime
    test: Boolean!
    tags: [String!]!
    currencyCode: String!
    presentmentCurrencyCode: String!
    displayFinancialStatus: String
    displayFulfillmentStatus: String!
    totalPriceSet: MoneyBag!
    subtotalPriceSet: MoneyBag
    totalDiscountsSet: MoneyBag
    totalTaxSet: MoneyBag
    totalShippingPriceSet: MoneyBag!
    totalRefundedSet: MoneyBag!
    discountCode: String
    discountCodes: [String!]!
    sourceName: String
    sourceIdentifier: String
    customerJourneySummary: CustomerJourneySummary
    customer: Customer
    lineItems(first: Int, after: String, last: Int, before: String): LineItemConnection!
    refunds(first: Int): [Refund!]!
  }
  type OrderEdge { cursor: String! node: Order! }
  type OrderConnection { edges: [OrderEdge!]! nodes: [Order!]! pageInfo: PageInfo! }

  enum BulkOperationStatus { CANCELED CANCELING COMPLETED CREATED EXPIRED FAILED RUNNING }
  enum BulkOperationType { QUERY MUTATION }
  enum BulkOperationErrorCode { ACCESS_DENIED INTERNAL_SERVER_ERROR TIMEOUT }
  type BulkOperation implements Node {
    id: ID!
    status: BulkOperationStatus!
    type: BulkOperationType!
    query: String!
    createdAt: DateTime!
    completedAt: DateTime
    objectCount: UnsignedInt64!
    rootObjectCount: UnsignedInt64!
    fileSize: UnsignedInt64
    url: URL
    partialDataUrl: URL
    errorCode: BulkOperationErrorCode
  }
  type UserError { field: [String!] message: String! }
  type BulkOperationUserError { field: [String!] message: String! code: String }
  type BulkOperationRunQueryPayload { bulkOperation: BulkOperation userErrors: [BulkOperationUserError!]! }

  type WebPixel implements Node { id: ID! settings: JSON! }
  type ErrorsWebPixelUserError { field: [String!] message: String! code: String }
  type WebPixelCreatePayload { webPixel: WebPixel userErrors: [ErrorsWebPixelUserError!]! }
  type WebPixelUpdatePayload { webPixel: WebPixel userErrors: [ErrorsWebPixelUserError!]! }
  input WebPixelInput { settings: JSON! }

  type DiscountCodeBasic { title: String! codes(first: Int): DiscountRedeemCodeConnection! }
  type DiscountRedeemCode { code: String! }
  type DiscountRedeemCodeConnection { nodes: [DiscountRedeemCode!]! }
  type DiscountCodeNode implements Node { id: ID! codeDiscount: DiscountCodeBasic! }
  type DiscountUserError { field: [String!] message: String! code: String }
  type DiscountCodeBasicCreatePayload { codeDiscountNode: DiscountCodeNode userErrors: [DiscountUserError!]! }
  input DiscountCustomerGetsValueInput { percentage: Float discountAmount: DiscountAmountInput }
  input DiscountAmountInput { amount: Money appliesOnEachItem: Boolean }
  input DiscountItemsInput { all: Boolean }
  input DiscountCustomerGetsInput { value: DiscountCustomerGetsValueInput items: DiscountItemsInput appliesOnOneTimePurchase: Boolean appliesOnSubscription: Boolean }
  input DiscountContextInput { all: String customers: JSON customerSegments: JSON }
  input DiscountCustomerSelectionInput { all: Boolean }
  input DiscountMinimumRequirementInput { subtotal: JSON quantity: JSON }
  input DiscountCodeBasicInput {
    title: String
    code: String
    startsAt: DateTime
    endsAt: DateTime
    usageLimit: Int
    appliesOncePerCustomer: Boolean
    customerGets: DiscountCustomerGetsInput
    customerSelection: DiscountCustomerSelectionInput
    context: DiscountContextInput
    minimumRequirement: DiscountMinimumRequirementInput
    combinesWith: JSON
  }

  input DiscountShippingDestinationSelectionInput { all: Boolean }
  input DiscountCodeFreeShippingInput {
    title: String
    code: String
    startsAt: DateTime
    endsAt: DateTime
    usageLimit: Int
    appliesOncePerCustomer: Boolean
    customerSelection: DiscountCustomerSelectionInput
    context: DiscountContextInput
    destination: DiscountShippingDestinationSelectionInput
    minimumRequirement: DiscountMinimumRequirementInput
    maximumShippingPrice: Money
    combinesWith: JSON
  }
  type DiscountCodeFreeShippingCreatePayload { codeDiscountNode: DiscountCodeNode userErrors: [DiscountUserError!]! }

  input CustomerEmailMarketingConsentInput { marketingState: CustomerEmailMarketingState! marketingOptInLevel: CustomerMarketingOptInLevel consentUpdatedAt: DateTime }
  input CustomerEmailMarketingConsentUpdateInput { customerId: ID! emailMarketingConsent: CustomerEmailMarketingConsentInput! }
  type CustomerEmailMarketingConsentUpdateUserError { field: [String!] message: String! code: String }
  type CustomerEmailMarketingConsentUpdatePayload { customer: Customer userErrors: [CustomerEmailMarketingConsentUpdateUserError!]! }

  type Query {
    shop: Shop!
    products(first: Int, after: String, last: Int, before: String, query: String, sortKey: ProductSortKeys, reverse: Boolean): ProductConnection!
    productsCount(query: String, limit: Int): Count
    product(id: ID!): Product
    customers(first: Int, after: String, last: Int, before: String, query: String, sortKey: CustomerSortKeys, reverse: Boolean): CustomerConnection!
    customersCount(query: String, limit: Int): Count
    customer(id: ID!): Customer
    orders(first: Int, after: String, last: Int, before: String, query: String, sortKey: OrderSortKeys, reverse: Boolean): OrderConnection!
    ordersCount(query: String, limit: Int): Count
    order(id: ID!): Order
    node(id: ID!): Node
    currentBulkOperation(type: BulkOperationType): BulkOperation
    webPixel(id: ID): WebPixel
  }

  type Mutation {
    bulkOperationRunQuery(query: String!, groupObjects: Boolean): BulkOperationRunQueryPayload
    webPixelCreate(webPixel: WebPixelInput!): WebPixelCreatePayload
    webPixelUpdate(id: ID!, webPixel: WebPixelInput!): WebPixelUpdatePayload
    discountCodeBasicCreate(basicCodeDiscount: DiscountCodeBasicInput!): DiscountCodeBasicCreatePayload
    discountCodeFreeShippingCreate(freeShippingCodeDiscount: DiscountCodeFreeShippingInput!): DiscountCodeFreeShippingCreatePayload
    customerEmailMarketingConsentUpdate(input: CustomerEmailMarketingConsentUpdateInput!): CustomerEmailMarketingConsentUpdatePayload
  }
`;

export const adminSchema = buildSchema(ADMIN_SDL);
