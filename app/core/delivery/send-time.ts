// Send-time optimisation and quiet hours. Pure.
//
// For an email whose step waits a day or more, the hour of day it goes out is
// the recipient's own best local hour, learned from what they did: human
// clicks on our emails and the orders they placed, each counted at its local
// hour in their zone. Machine opens never count (they are a mail server's
// prefetch, not a person), and nor do opens at all: clicks and orders are the
// acts of a person reading.
//
// Few people have enough history to trust on their own, so the estimate is a
// hierarchy of Dirichlet posteriors, each level shrunk towards the one above:
//
//   shop    = (shop counts    + A_SHOP    · daytime curve) / (N_shop    + A_SHOP)
//   segment = (segment counts + A_SEGMENT · shop)          / (N_segment + A_SEGMENT)
//   person  = (own counts     + A_PERSON  · segment)       / (N_person  + A_PERSON)
//
// i.e. the posterior mean of a Dirichlet whose prior is the level above, with
// A pseudo-events of prior strength. A person with two clicks mostly follows
// their segment; one with twenty follows themselves. Counts are smoothed over
// the neighbouring hours first, over ±3 h (a click at 19:00 and one at 21:00
// both say "evening", and a night owl's 23:00 still points to 20:00 when the
// night is quiet hours). The hour with the highest posterior among the allowed hours
// (outside quiet hours) wins. Then exploration: a seeded share of sends take
// another allowed hour at random, so the shop's curve keeps learning about
// hours it would otherwise never try. The seed is the message key, so the same
// message always gets the same hour (a re-run schedules identically).
import { mulberry32 } from "../random";
import { inQuietHours, type DeliverySettings } from "./settings";
import { localHour, nextLocalHour } from "./timezone";

export type QuietHours = DeliverySettings["quietHours"];

export const A_SHOP = 24;
export const A_SEGMENT = 12;
export const A_PERSON = 6;
/** Steps waiting at least this long get an optimised hour; shorter ones are timed from the trigger. */
export const OPTIMISE_FROM_HOURS = 24;

/**
 * Where a shop with no history at all starts: mid-morning and early evening,
 * the common peaks of email engagement, a little lower at midday.
 */
const DAYTIME: readonly number[] = [
  1, 1, 1, 1, 1, 1, 2, 4, 7, 9, 10, 9, 8, 8, 7, 7, 7, 8, 9, 10, 9, 6, 3, 2,
];

export function emptyHistogram(): number[] {
  return new Array<number>(24).fill(0);
}

/** Counts per local hour of the given instants in a zone. */
export function hourHistogram(instants: Iterable<Date>, zone: string, into: number[] = emptyHistogram()): number[] {
  for (const at of instants) into[localHour(at, zone)]! += 1;
  return into;
}

function total(h: readonly number[]): number {
  return h.reduce((a, b) => a + b, 0);
}

function normalise(h: readonly number[]): number[] {
  const n = total(h);
  return n > 0 ? h.map((x) => x / n) : h.map(() => 1 / 24);
}

/** Circular smoothing over ±3 hours (weights sum to 1, so counts keep their total). */
const KERNEL = [0.05, 0.1, 0.2, 0.3, 0.2, 0.1, 0.05];

function smooth(h: readonly number[]): number[] {
  return h.map((_, i) => KERNEL.reduce((sum, w, k) => sum + w * h[(i + k - 3 + 24) % 24]!, 0));
}

/** The posterior mean of a Dirichlet with prior `prior` (a distribution) of strength `a`, after `counts`. */
export function shrink(counts: readonly number[], prior: readonly number[], a: number): number[] {
  const n = total(counts);
  return counts.map((c, i) => (c + a * prior[i]!) / (n + a));
}

export interface HourEvidence {
  /** The recipient's own clicks and orders per local hour. */
  personal: readonly number[];
  /** Their segment's, in each member's local hours (null: no segment). */
  segment: readonly number[] | null;
  /** The shop's, in each customer's local hours. */
  shop: readonly number[] | null;
}

/** The blended distribution over the 24 local hours (sums to 1). */
export function hourDistribution(evidence: HourEvidence): number[] {
  const shop = shrink(smooth(evidence.shop ?? emptyHistogram()), normalise(DAYTIME), A_SHOP);
  const segment = evidence.segment ? shrink(smooth(evidence.segment), shop, A_SEGMENT) : shop;
  return shrink(smooth(evidence.personal), segment, A_PERSON);
}

export interface HourChoice {
  hour: number;
  explored: boolean;
}

/** A stable 32-bit seed from a string (FNV-1a). */
export function seedOf(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The local hour to send at: the best allowed hour, or (a seeded `exploration` share of the time) another allowed one. */
export function chooseLocalHour(evidence: HourEvidence, options: { quiet: QuietHours; exploration: number; seed: string }): HourChoice {
  const p = hourDistribution(evidence);
  const allowed = p.map((_, h) => h).filter((h) => !inQuietHours(h, options.quiet));
  const hours = allowed.length > 0 ? allowed : p.map((_, h) => h);
  let best = hours[0]!;
  for (const h of hours) if (p[h]! > p[best]!) best = h;
  const rng = mulberry32(seedOf(options.seed));
  if (hours.length > 1 && rng() < options.exploration) {
    const others = hours.filter((h) => h !== best);
    return { hour: others[Math.floor(rng() * others.length)]!, explored: true };
  }
  return { hour: best, explored: false };
}

const HOUR_MS = 3_600_000;

/**
 * The instant a message goes: its nominal time (trigger + delay) moved to the
 * nearest occurrence of `hour` (within ±12 h of nominal, so a "day 3" email
 * stays on day 3), never before `notBefore`, and then out of quiet hours.
 * `hour` null: the nominal time, only moved out of quiet hours.
 */
export function plannedSendTime(nominal: Date, zone: string, hour: number | null, quiet: QuietHours, notBefore: Date): Date {
  let at = nominal;
  if (hour !== null) {
    const next = nextLocalHour(nominal, hour, zone);
    const previous = new Date(nextLocalHour(new Date(nominal.getTime() - 24 * HOUR_MS), hour, zone).getTime());
    at = next.getTime() - nominal.getTime() <= nominal.getTime() - previous.getTime() || previous.getTime() >= nominal.getTime() ? next : previous;
    if (at.getTime() < notBefore.getTime()) at = nextLocalHour(notBefore, hour, zone);
  }
  if (at.getTime() < notBefore.getTime()) at = notBefore;
  return outOfQuietHours(at, zone, quiet);
}

/** A time inside the recipient's quiet hours moves to their end (never dropped); any other time is kept. */
export function outOfQuietHours(at: Date, zone: string, quiet: QuietHours): Date {
  if (!inQuietHours(localHour(at, zone), quiet)) return at;
  return nextLocalHour(at, quiet.end, zone);
}
