// Realistic, strictly increasing Shopify ids per resource kind (13-14 digits,
// below 2^53 so they survive JSON.parse).
import type { Rng } from "./prng";

const BASES = {
  product: 8_104_000_000_000,
  variant: 45_120_000_000_000,
  image: 36_010_000_000_000,
  option: 10_240_000_000_000,
  inventoryItem: 47_300_000_000_000,
  collection: 301_000_000_000,
  customer: 7_402_000_000_000,
  address: 8_930_000_000_000,
  order: 5_912_000_000_000,
  lineItem: 14_820_000_000_000,
  refund: 931_000_000_000,
  refundLine: 542_000_000_000,
  transaction: 6_930_000_000_000,
  shippingLine: 4_710_000_000_000,
  checkout: 34_100_000_000_000,
} as const;

export type IdKind = keyof typeof BASES;

export class IdAllocator {
  private counters = new Map<IdKind, number>();
  /** `start`: counters begin after it (the demo's live orders take ids far above the history's). */
  constructor(private readonly rng: Rng, private readonly start = 0) {}

  next(kind: IdKind): number {
    const n = (this.counters.get(kind) ?? this.start) + 1;
    this.counters.set(kind, n);
    return BASES[kind] + n * 1000 + this.rng.int(0, 999);
  }
}

export function gid(type: string, id: number): string {
  return `gid://shopify/${type}/${id}`;
}

/** A version-4-shaped UUID from the seeded stream. */
export function uuid(rng: Rng): string {
  const h = rng.hex(32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${"89ab"[rng.int(0, 3)]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
