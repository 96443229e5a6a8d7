// Formatting for the audience pages. Dates are shown in the shop's time zone, the
// same on the server and in the browser (so hydration never disagrees).

export function formatDate(iso: string | null, timeZone: string | null, withTime = false): string {
  if (iso === null) return "—";
  const options: Intl.DateTimeFormatOptions = withTime ? { dateStyle: "medium", timeStyle: "short" } : { dateStyle: "medium" };
  try {
    return new Intl.DateTimeFormat("en-US", { ...options, timeZone: timeZone ?? "UTC" }).format(new Date(iso));
  } catch {
    return new Intl.DateTimeFormat("en-US", { ...options, timeZone: "UTC" }).format(new Date(iso));
  }
}

/** 0.4271 → "43%". */
export function formatPercent(p: number): string {
  return `${Math.round(p * 100)}%`;
}

/** Expected counts: 0.183 → "0.18", 2.5 → "2.5". */
export function formatExpected(x: number): string {
  return x >= 10 ? x.toFixed(0) : String(Number(x.toFixed(2)));
}

/** A size change as a signed count: +12, −3, 0. */
export function formatChange(delta: number): string {
  if (delta === 0) return "no change";
  return `${delta > 0 ? "+" : "−"}${new Intl.NumberFormat("en-US").format(Math.abs(delta))}`;
}
