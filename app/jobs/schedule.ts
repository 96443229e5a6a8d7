// Daily slots for recurring jobs. Pure.
//
// A recurring job is a chain of ordinary queued jobs: each run enqueues the
// next at the next slot, under an idempotency key naming the slot's day, so any
// number of runs, workers or restarts put exactly one job in each slot. Slots
// are at DAILY_HOUR_UTC plus a stable per-key offset of up to two hours, so a
// thousand shops do not all recompute in the same minute.

export const DAILY_HOUR_UTC = 3;
export const DAILY_SPREAD_MINUTES = 120;

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/** A stable offset in [0, spread) minutes for a key (FNV-1a). */
export function spreadMinutes(key: string, spread = DAILY_SPREAD_MINUTES): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % spread;
}

export interface DailySlot {
  runAt: Date;
  /** The slot's UTC date, YYYY-MM-DD: the day part of its idempotency key. */
  day: string;
}

/** The key's first slot strictly after `now`. */
export function nextDailySlot(key: string, now: Date, hourUtc = DAILY_HOUR_UTC): DailySlot {
  const offset = hourUtc * 60 * MINUTE_MS + spreadMinutes(key) * MINUTE_MS;
  const today = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
  let at = today + offset;
  if (at <= now.getTime()) at += DAY_MS;
  const runAt = new Date(at);
  return { runAt, day: runAt.toISOString().slice(0, 10) };
}
