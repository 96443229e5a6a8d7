// The root resolvers: queries over one shop's store and the mutations the app
// uses. Every mutation is logged for test assertions.
import { randomUUID } from "node:crypto";
import { GraphQLError } from "graphql";
import { customerField, customerNode, gid, orderField, orderNode, parseGid, productField, productNode, sortKeyOf, type NodeContext } from "./nodes";
import { connection, matches, paginate, parseSearch, type PageArgs } from "./search";
import type { FakeShopifyState, ShopState } from "./types";
import { readBulkOperation, settleBulkOperation, startBulkOperation } from "./bulk";

export interface ResolveContext {
  shopDomain: string;
  shop: ShopState;
  state: FakeShopifyState;
  origin: string;
  /** Bulk operations page through everything: no page-size limit. */
  unbounded?: boolean;
}

type ListArgs = PageArgs & { query?: string | null; sortKey?: string | null };

export function nodeContext(c: ResolveContext): NodeContext {
  const store = c.shop.store;
  return {
    shopDomain: c.shopDomain,
    currency: store.shop?.currency ?? "USD",
    products: new Map(store.products.map((p) => [String(p.id), p])),
    customers: new Map(store.customers.map((x) => [String(x.id), x])),
    unbounded: c.unbounded,
  };
}

function page(c: ResolveContext, args: ListArgs): PageArgs {
  if (!c.unbounded) return args;
  return { ...args, first: Number.MAX_SAFE_INTEGER, last: null };
}

function logMutation(c: ResolveContext, name: string, variables: Record<string, unknown>) {
  c.state.mutations.push({ shop: c.shopDomain, name, variables: JSON.parse(JSON.stringify(variables)) as Record<string, unknown>, at: new Date() });
}

function settingsString(settings: unknown): string {
  return typeof settings === "string" ? settings : JSON.stringify(settings);
}

function pixelNode(p: { id: string; settings: string }) {
  return { __typename: "WebPixel", id: p.id, settings: p.settings };
}

export function rootValue(c: ResolveContext) {
  const ctx = nodeContext(c);
  const store = c.shop.store;
  const maxPage = c.unbounded ? Number.MAX_SAFE_INTEGER : 250;
  /** discountCodeBasicCreate and discountCodeFreeShippingCreate: a code unique in the shop (case-insensitive). */
  const createCodeDiscount = (input: Record<string, unknown>) => {
    const code = String(input.code ?? "");
    if (!code) return { codeDiscountNode: null, userErrors: [{ field: ["code"], message: "Code can't be blank", code: "BLANK" }] };
    if (c.shop.discounts.some((d) => d.code.toLowerCase() === code.toLowerCase())) {
      return { codeDiscountNode: null, userErrors: [{ field: ["code"], message: "Code must be unique. Please try a different code.", code: "TAKEN" }] };
    }
    const d = { id: gid("DiscountCodeNode", c.shop.discounts.length + 1), code, title: String(input.title ?? code), input };
    c.shop.discounts.push(d);
    return { codeDiscountNode: { __typename: "DiscountCodeNode", id: d.id, codeDiscount: { title: d.title, codes: () => ({ nodes: [{ code: d.code }] }) } }, userErrors: [] };
  };
  const list = {
    products: (args: ListArgs) => {
      const terms = parseSearch(args.query);
      const items = store.products.filter((p) => matches(p, terms, productField));
      return connection(paginate(items, page(c, args), (p) => sortKeyOf(p, args.sortKey), maxPage), (p) => productNode(p, ctx));
    },
    customers: (args: ListArgs) => {
      const terms = parseSearch(args.query);
      const items = store.customers.filter((x) => matches(x, terms, customerField));
      return connection(paginate(items, page(c, args), (x) => sortKeyOf(x, args.sortKey), maxPage), (x) => customerNode(x, ctx));
    },
    orders: (args: ListArgs) => {
      const terms = parseSearch(args.query);
      const items = store.orders.filter((o) => matches(o, terms, orderField));
      return connection(paginate(items, page(c, args), (o) => sortKeyOf(o, args.sortKey), maxPage), (o) => orderNode(o, ctx));
    },
  };
  const count = (n: number, limit?: number | null) => ({
    count: limit != null ? Math.min(n, limit) : n,
    precision: limit != null && n > limit ? "AT_LEAST" : "EXACT",
  });

  function node(id: string) {
    const g = parseGid(id);
    if (!g) return null;
    const find = <T extends { id: string | number }>(xs: T[]) => xs.find((x) => String(x.id) === g.id);
    switch (g.type) {
      case "Product": {
        const p = find(store.products);
        return p ? productNode(p, ctx) : null;
      }
      case "Customer": {
        const x = find(store.customers);
        return x ? customerNode(x, ctx) : null;
      }
      case "Order": {
        const o = find(store.orders);
        return o ? orderNode(o, ctx) : null;
      }
      case "BulkOperation": {
        const op = c.shop.bulkOperations.find((b) => b.id === id);
        return op ? bulkNode(c, op) : null;
      }
      case "WebPixel": {
        const px = c.shop.webPixels.find((p) => p.id === id);
        return px ? pixelNode(px) : null;
      }
      default:
        return null;
    }
  }

  return {
    shop: () => ({
      __typename: "Shop",
      id: gid("Shop", Math.abs(hash(c.shopDomain))),
      name: store.shop?.name ?? c.shopDomain.replace(/\.myshopify\.com$/, ""),
      email: store.shop?.email ?? null,
      myshopifyDomain: c.shopDomain,
      currencyCode: store.shop?.currency ?? "USD",
      ianaTimezone: store.shop?.iana_timezone ?? "UTC",
      primaryDomain: { host: store.shop?.domain ?? c.shopDomain, url: `https://${store.shop?.domain ?? c.shopDomain}` },
      billingAddress: store.shop?.address ?? { address1: "1 Harbour Street", city: "Portsmouth", zip: "PO1 2AB", country: "United Kingdom" },
    }),
    ...list,
    productsCount: (a: { query?: string; limit?: number }) => count(store.products.filter((p) => matches(p, parseSearch(a.query), productField)).length, a.limit),
    customersCount: (a: { query?: string; limit?: number }) => count(store.customers.filter((x) => matches(x, parseSearch(a.query), customerField)).length, a.limit),
    ordersCount: (a: { query?: string; limit?: number }) => count(store.orders.filter((o) => matches(o, parseSearch(a.query), orderField)).length, a.limit),
    product: (a: { id: string }) => node(a.id),
    customer: (a: { id: string }) => node(a.id),
    order: (a: { id: string }) => node(a.id),
    node: (a: { id: string }) => node(a.id),
    currentBulkOperation: () => {
      const op = c.shop.bulkOperations[c.shop.bulkOperations.length - 1];
      return op ? bulkNode(c, op) : null;
    },
    webPixel: (a: { id?: string | null }) => {
      const px = a.id ? c.shop.webPixels.find((p) => p.id === a.id) : c.shop.webPixels[0];
      if (!px) throw new GraphQLError("No web pixel was found for this app.", { extensions: { code: "NOT_FOUND" } });
      return pixelNode(px);
    },

    // Mutations
    bulkOperationRunQuery: (a: { query: string; groupObjects?: boolean | null }) => {
      logMutation(c, "bulkOperationRunQuery", a);
      const running = c.shop.bulkOperations.map((b) => settleBulkOperation(b)).find((b) => b.status === "RUNNING" || b.status === "CREATED");
      if (running) {
        return { bulkOperation: null, userErrors: [{ field: ["query"], message: "A bulk query operation for this app and shop is already in progress: " + running.id, code: "OPERATION_IN_PROGRESS" }] };
      }
      const result = startBulkOperation(c, a.query, a.groupObjects ?? false);
      if ("error" in result) return { bulkOperation: null, userErrors: [{ field: ["query"], message: result.error, code: "INVALID" }] };
      return { bulkOperation: bulkNode(c, result.op, false), userErrors: [] };
    },
    webPixelCreate: (a: { webPixel: { settings: unknown } }) => {
      logMutation(c, "webPixelCreate", a);
      if (c.shop.webPixels.length > 0) {
        return { webPixel: null, userErrors: [{ field: ["webPixel"], message: "Web pixel is taken.", code: "TAKEN" }] };
      }
      const px = { id: gid("WebPixel", c.shop.webPixels.length + 1), settings: settingsString(a.webPixel.settings) };
      c.shop.webPixels.push(px);
      return { webPixel: pixelNode(px), userErrors: [] };
    },
    webPixelUpdate: (a: { id: string; webPixel: { settings: unknown } }) => {
      logMutation(c, "webPixelUpdate", a);
      const px = c.shop.webPixels.find((p) => p.id === a.id);
      if (!px) return { webPixel: null, userErrors: [{ field: ["id"], message: "Web pixel not found.", code: "NOT_FOUND" }] };
      px.settings = settingsString(a.webPixel.settings);
      return { webPixel: pixelNode(px), userErrors: [] };
    },
    discountCodeBasicCreate: (a: { basicCodeDiscount: Record<string, unknown> }) => {
      logMutation(c, "discountCodeBasicCreate", a);
      return createCodeDiscount(a.basicCodeDiscount);
    },
    discountCodeFreeShippingCreate: (a: { freeShippingCodeDiscount: Record<string, unknown> }) => {
      logMutation(c, "discountCodeFreeShippingCreate", a);
      return createCodeDiscount(a.freeShippingCodeDiscount);
    },
    customerEmailMarketingConsentUpdate: (a: { input: { customerId: string; emailMarketingConsent: { marketingState: string; marketingOptInLevel?: string | null; consentUpdatedAt?: string | null } } }) => {
      logMutation(c, "customerEmailMarketingConsentUpdate", a);
      const g = parseGid(a.input.customerId);
      const customer = g ? store.customers.find((x) => String(x.id) === g.id) : undefined;
      if (!customer) return { customer: null, userErrors: [{ field: ["input", "customerId"], message: "Customer not found", code: "INVALID" }] };
      if (!customer.email) return { customer: null, userErrors: [{ field: ["input", "emailMarketingConsent"], message: "An email address is required to set the email marketing consent state.", code: "MISSING_ARGUMENT" }] };
      const now = new Date().toISOString();
      const input = a.input.emailMarketingConsent;
      customer.email_marketing_consent = {
        state: input.marketingState.toLowerCase(),
        opt_in_level: input.marketingOptInLevel ? input.marketingOptInLevel.toLowerCase() : (customer.email_marketing_consent?.opt_in_level ?? null),
        consent_updated_at: input.consentUpdatedAt ?? now,
      };
      customer.updated_at = now;
      return { customer: customerNode(customer, ctx), userErrors: [] };
    },
  };
}

/** `read`: a status read (node, currentBulkOperation), which moves the operation along; the mutation's own answer is not. */
function bulkNode(c: ResolveContext, op: ShopState["bulkOperations"][number], read = true) {
  if (read) readBulkOperation(op);
  const status = op.status;
  const completed = status === "COMPLETED";
  // While running, objectCount grows as Shopify's does.
  const seen = completed ? op.objectCount : op.readyAfterPolls > 0 ? Math.floor((op.objectCount * Math.min(op.polls, op.readyAfterPolls)) / (op.readyAfterPolls + 1)) : 0;
  return {
    __typename: "BulkOperation",
    id: op.id,
    status,
    type: "QUERY",
    query: op.query,
    createdAt: op.createdAt,
    completedAt: op.completedAt,
    objectCount: String(seen),
    rootObjectCount: String(completed ? op.jsonl.split("\n").filter((l) => l && !l.includes('"__parentId"')).length : 0),
    fileSize: completed && op.objectCount > 0 ? String(op.fileSize) : null,
    url: completed && op.objectCount > 0 ? `${c.origin}/bulk/${encodeURIComponent(c.shopDomain)}/${encodeURIComponent(op.id.split("/").pop()!)}.jsonl?token=${randomUUID()}` : null,
    partialDataUrl: null,
    errorCode: op.errorCode,
  };
}

function hash(s: string): number {
  let h = 0;
  for (const ch of s) h = (h * 31 + ch.charCodeAt(0)) | 0;
  return h;
}
