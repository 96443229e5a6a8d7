// Popularity rankings: products by the number of orders holding them, overall
// or within a category (product type). Pure and deterministic: ties go to the
// smaller product id.
import { compareIds, type CoPurchaseModel } from "./copurchase";

export interface Ranked {
  productId: string;
  score: number;
}

/** Highest score first, ties by product id. */
export function rank(scores: Iterable<[string, number]>): Ranked[] {
  const out: Ranked[] = [];
  for (const [productId, score] of scores) if (score > 0) out.push({ productId, score });
  return out.sort((a, b) => b.score - a.score || compareIds(a.productId, b.productId));
}

/** Products in most orders. */
export function popularity(model: Pick<CoPurchaseModel, "products" | "counts">): Ranked[] {
  return rank(model.products.map((p, i) => [p, model.counts[i]!] as [string, number]));
}

/** One ranking per category; products without a category are left out. */
export function popularityByCategory(ranking: readonly Ranked[], categoryOf: (productId: string) => string | undefined): Map<string, Ranked[]> {
  const out = new Map<string, Ranked[]>();
  for (const r of ranking) {
    const category = categoryOf(r.productId);
    if (!category) continue;
    let list = out.get(category);
    if (!list) out.set(category, (list = []));
    list.push(r); // already in rank order
  }
  return out;
}

/** The first k of a ranking that pass `accept`. */
export function topK(ranking: readonly Ranked[], k: number, accept: (productId: string) => boolean): Ranked[] {
  const out: Ranked[] = [];
  for (const r of ranking) {
    if (out.length >= k) break;
    if (accept(r.productId)) out.push(r);
  }
  return out;
}
