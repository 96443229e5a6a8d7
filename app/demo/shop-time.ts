// Timestamps as Shopify writes them in REST payloads: ISO 8601 with the shop's
// UTC offset (the demo shop is in America/New_York), e.g. 2025-11-28T09:15:02-05:00.

export const DEMO_TIMEZONE = "America/New_York";
const DAY = 86_400_000;

/** Nth Sunday (1-based) of a month, UTC midnight. */
function nthSunday(year: number, month: number, n: number): number {
  const first = Date.UTC(year, month, 1);
  const dow = new Date(first).getUTCDay();
  return first + (((7 - dow) % 7) + 7 * (n - 1)) * DAY;
}

/** US Eastern offset in minutes (-240 in daylight time, -300 otherwise). */
export function easternOffsetMinutes(utcMs: number): number {
  const year = new Date(utcMs).getUTCFullYear();
  // DST starts 2:00 EST on the second Sunday of March (07:00 UTC) and ends
  // 2:00 EDT on the first Sunday of November (06:00 UTC).
  const start = nthSunday(year, 2, 2) + 7 * 3_600_000;
  const end = nthSunday(year, 10, 1) + 6 * 3_600_000;
  return utcMs >= start && utcMs < end ? -240 : -300;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

/** Formats a UTC instant as Shopify does, in the shop's local time with its offset. */
export function shopTimestamp(utcMs: number): string {
  const offset = easternOffsetMinutes(utcMs);
  const local = new Date(Math.floor(utcMs / 1000) * 1000 + offset * 60_000);
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset);
  return (
    `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}` +
    `T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}` +
    `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  );
}

/** The local (shop) hour of day and month for an instant. */
export function shopLocal(utcMs: number): { month: number; hour: number; weekday: number } {
  const local = new Date(utcMs + easternOffsetMinutes(utcMs) * 60_000);
  return { month: local.getUTCMonth(), hour: local.getUTCHours(), weekday: local.getUTCDay() };
}

export { DAY };
