// Shopify ids arrive as GIDs ("gid://shopify/Product/123") or bare numbers.
// Loopwise stores the numeric part as a string (it can exceed 2^53).

export type ShopifyResource = "Product" | "ProductVariant" | "Collection" | "Customer" | "Order" | "WebPixel";

const NUMERIC = /^[0-9]{1,20}$/;
const GID = /^gid:\/\/shopify\/([A-Za-z]+)\/([0-9]{1,20})(?:\?.*)?$/;

/** The numeric id of a GID of the expected resource (or of a bare number); null when it is neither. */
export function shopifyIdFrom(value: string, resource: ShopifyResource): string | null {
  const trimmed = value.trim();
  if (NUMERIC.test(trimmed)) return trimmed;
  const match = GID.exec(trimmed);
  if (!match || match[1] !== resource) return null;
  return match[2]!;
}

export function toGid(resource: ShopifyResource, id: string): string {
  return id.startsWith("gid://") ? id : `gid://shopify/${resource}/${id}`;
}
