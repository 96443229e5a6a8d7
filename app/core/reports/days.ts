// Calendar days in the shop's own time zone: the dashboard's unit. Pure.
import { isTimeZone, localParts, zonedInstant } from "../delivery/timezone";

export type Day = string; // "YYYY-MM-DD"

const pad = (n: number) => String(n).padStart(2, "0");

/** The shop's zone, or UTC when it has none the runtime knows. */
export function shopZone(timezone: string | null | undefined): string {
  return isTimeZone(timezone) ? timezone : "UTC";
}

/** The local calendar day of an instant. */
export function dayOf(at: Date, zone: string): Day {
  const p = localParts(at, zone);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}`;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isDay(value: unknown): value is Day {
  if (typeof value !== "string") return false;
  const m = DAY.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/** The day `n` days after (or before, n < 0) a day. */
export function addDays(day: Day, n: number): Day {
  const m = DAY.exec(day);
  if (!m) throw new Error(`Not a day: ${day}`);
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + n));
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** Whole days from `a` to `b` (b - a). */
export function daysBetween(a: Day, b: Day): number {
  const t = (d: Day) => Date.UTC(Number(d.slice(0, 4)), Number(d.slice(5, 7)) - 1, Number(d.slice(8, 10)));
  return Math.round((t(b) - t(a)) / 86_400_000);
}

/** The instants a local day covers: [start, end). */
export function dayBounds(day: Day, zone: string): { start: Date; end: Date } {
  const next = addDays(day, 1);
  const at = (d: Day) => zonedInstant(zone, Number(d.slice(0, 4)), Number(d.slice(5, 7)), Number(d.slice(8, 10)), 0);
  return { start: at(day), end: at(next) };
}
