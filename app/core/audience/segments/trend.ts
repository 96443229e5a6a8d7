// A segment's size day by day, rebuilt backwards from its size now and its
// transitions: the size at the end of day d is the size now, minus those who
// entered after d, plus those who left after d. Days are the shop's calendar
// days (its IANA time zone). Pure.

export type TrendPoint = { date: string; size: number };

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The time zone if Intl knows it, else UTC (a shop whose zone is unknown or missing). */
export function knownTimeZone(timeZone: string | null | undefined): string {
  if (!timeZone) return "UTC";
  try {
    new Intl.DateTimeFormat("en-CA", { timeZone });
    return timeZone;
  } catch {
    return "UTC";
  }
}

/** The calendar date (YYYY-MM-DD) of an instant in a time zone. */
export function localDate(at: Date, timeZone: string): string {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
    formatters.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(at).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}`;
}

const clocks = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock time at an instant in a time zone, read as if it were UTC (ms). */
function wallClock(at: Date, timeZone: string): number {
  let format = clocks.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-CA", { timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" });
    clocks.set(timeZone, format);
  }
  const p = Object.fromEntries(format.formatToParts(at).map((x) => [x.type, Number(x.value)]));
  return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!) + at.getUTCMilliseconds();
}

/** The first instant of a calendar date (YYYY-MM-DD) in a time zone (its midnight, or the first hour after a DST gap). */
export function startOfLocalDay(date: string, timeZone: string): Date {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const midnight = Date.UTC(y, m - 1, d);
  let t = midnight;
  // Step by the zone's offset until the wall clock reads that midnight (twice covers a DST change in between).
  for (let i = 0; i < 3; i++) {
    const off = wallClock(new Date(t), timeZone) - midnight;
    if (off === 0) break;
    t -= off;
  }
  // In a gap (no midnight that day), the first instant that is on that date.
  while (localDate(new Date(t), timeZone) < date) t += 3_600_000;
  return new Date(t);
}

/** The calendar date after a YYYY-MM-DD date. */
export function nextDate(date: string): string {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + 1, 12)).toISOString().slice(0, 10);
}

/** The `days` calendar dates ending with today's (in the time zone), oldest first. */
export function lastDates(now: Date, days: number, timeZone: string): string[] {
  const [y, m, d] = localDate(now, timeZone).split("-").map(Number) as [number, number, number];
  // Date arithmetic on the calendar date itself (at UTC noon), so DST never skips or repeats a day.
  return Array.from({ length: days }, (_, i) => new Date(Date.UTC(y, m - 1, d - (days - 1 - i), 12)).toISOString().slice(0, 10));
}

/** Transitions counted by instant (one row per distinct `at` and kind). */
export type TransitionCount = { at: Date; kind: string; count: number };

export function reconstructTrend(current: number, transitions: readonly TransitionCount[], dates: readonly string[], timeZone: string): TrendPoint[] {
  // Net change (entered − left) per calendar date.
  const net = new Map<string, number>();
  for (const t of transitions) {
    const sign = t.kind === "entered" ? 1 : t.kind === "left" ? -1 : 0;
    if (sign === 0) continue;
    const date = localDate(t.at, timeZone);
    net.set(date, (net.get(date) ?? 0) + sign * t.count);
  }
  const after = [...net.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  // Walk the dates newest first, adding back each later date's net change.
  const out: TrendPoint[] = [];
  let size = current;
  let j = after.length - 1;
  for (let i = dates.length - 1; i >= 0; i--) {
    const date = dates[i]!;
    while (j >= 0 && after[j]![0] > date) size -= after[j--]![1];
    out.push({ date, size });
  }
  return out.reverse();
}
