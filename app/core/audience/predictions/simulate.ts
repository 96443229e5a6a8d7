// Order histories drawn from the BG/NBD and Gamma–Gamma processes themselves,
// with a seeded generator: the tests check that the fit recovers known
// parameters and that predictions rank customers as the process did. Pure.
import { mulberry32 } from "../../random";
import type { OrderPoint } from "./history";

const DAY_MS = 86_400_000;

function normal(random: () => number): number {
  const u = Math.max(random(), 1e-300);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** Gamma(shape, 1) (Marsaglia & Tsang; shape < 1 by the u^(1/shape) boost). */
export function sampleGamma(shape: number, random: () => number): number {
  if (shape < 1) return sampleGamma(shape + 1, random) * Math.pow(Math.max(random(), 1e-300), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = random();
    if (Math.log(Math.max(u, 1e-300)) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

export interface SimulationOptions {
  customers: number;
  /** BG/NBD: purchase rate λ ~ Gamma(r, α) per day; dropout after each purchase p ~ Beta(a, b). */
  r: number;
  alpha: number;
  a: number;
  b: number;
  /** Gamma–Gamma: spend per order ~ Gamma(p, ν), ν ~ Gamma(q, γ) (γ in minor units). */
  p: number;
  q: number;
  gamma: number;
  /** First purchases uniformly over this many days before `now`. */
  acquisitionDays: number;
  now: Date;
  seed: number;
  idPrefix?: string;
}

/** Orders of `customers` customers, each buying until a dropout after some repeat purchase, observed up to `now`. */
export function simulateOrders(o: SimulationOptions): OrderPoint[] {
  const random = mulberry32(o.seed);
  const end = o.now.getTime();
  const orders: OrderPoint[] = [];
  for (let i = 0; i < o.customers; i++) {
    const customerId = `${o.idPrefix ?? "sim"}${String(i).padStart(6, "0")}`;
    const lambda = sampleGamma(o.r, random) / o.alpha;
    const ga = sampleGamma(o.a, random);
    const dropout = ga / (ga + sampleGamma(o.b, random));
    const nu = sampleGamma(o.q, random) / o.gamma;
    const spend = () => Math.max(1, Math.round(sampleGamma(o.p, random) / nu));
    let t = end - random() * o.acquisitionDays * DAY_MS;
    orders.push({ customerId, at: new Date(t), totalPrice: spend(), refundedAmount: 0 });
    // BG/NBD: a customer may drop out after each repeat purchase (never right after the first).
    for (;;) {
      t += (-Math.log(Math.max(random(), 1e-300)) / lambda) * DAY_MS;
      if (t > end) break;
      orders.push({ customerId, at: new Date(t), totalPrice: spend(), refundedAmount: 0 });
      if (random() < dropout) break;
    }
  }
  return orders;
}
