// A small seeded PRNG (sfc32, seeded through splitmix32) and the few
// distributions the demo store needs. Pure and deterministic: the same seed
// always yields the same sequence, on every platform.

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [min, max] (inclusive). */
  int(min: number, max: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** Picks by weight; weights need not sum to 1. */
  weighted<T>(items: readonly (readonly [T, number])[]): T;
  normal(mean?: number, sd?: number): number;
  /** exp(normal(mu, sigma)): median e^mu. */
  logNormal(mu: number, sigma: number): number;
  exponential(mean: number): number;
  poisson(mean: number): number;
  /** A fresh independent stream derived from this one and a label. */
  fork(label: string): Rng;
  /** Lower-case hex string of n characters. */
  hex(n: number): string;
}

function hashString(text: string): number {
  let h = 2166136261 >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 16777619) >>> 0;
  }
  return h >>> 0;
}

function splitmix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export function createRng(seed: number | string): Rng {
  const mix = splitmix32(typeof seed === "string" ? hashString(seed) : seed >>> 0 ^ hashString(String(seed)));
  let a = mix(), b = mix(), c = mix(), d = mix();
  const raw = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) raw();

  const rng: Rng = {
    next: () => raw() / 4294967296,
    int: (min, max) => min + Math.floor(rng.next() * (max - min + 1)),
    chance: (p) => rng.next() < p,
    pick: (items) => {
      if (items.length === 0) throw new Error("pick from an empty list");
      return items[Math.floor(rng.next() * items.length)] as (typeof items)[number];
    },
    weighted: (items) => {
      let total = 0;
      for (const [, w] of items) total += w;
      let r = rng.next() * total;
      for (const [item, w] of items) {
        r -= w;
        if (r < 0) return item;
      }
      const last = items[items.length - 1];
      if (!last) throw new Error("weighted pick from an empty list");
      return last[0];
    },
    normal: (mean = 0, sd = 1) => {
      const u = 1 - rng.next();
      const v = rng.next();
      return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    logNormal: (mu, sigma) => Math.exp(rng.normal(mu, sigma)),
    exponential: (mean) => -mean * Math.log(1 - rng.next()),
    poisson: (mean) => {
      const limit = Math.exp(-mean);
      let k = 0;
      let p = rng.next();
      while (p > limit) {
        k++;
        p *= rng.next();
      }
      return k;
    },
    fork: (label) => createRng((raw() ^ hashString(label)) >>> 0),
    hex: (n) => {
      let out = "";
      while (out.length < n) out += raw().toString(16).padStart(8, "0");
      return out.slice(0, n);
    },
  };
  return rng;
}
